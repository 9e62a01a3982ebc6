package io.github.grpcconsul.examples.demo;

import io.github.grpcconsul.registration.CheckStatus;
import java.time.Duration;
import java.util.Locale;
import java.util.function.Supplier;

/** Tells the story of Consul's view as the demo's {@link HealthWatch} sees it. */
final class ConsulNarration implements HealthWatch.Listener {
  private final Narrator out;
  private final Supplier<String> crashed;
  private final Duration reapAfter;

  /** {@code crashed}: the id of the instance that was killed, so its removal reads "reaped". */
  ConsulNarration(Narrator out, Supplier<String> crashed, Duration reapAfter) {
    this.out = out;
    this.crashed = crashed;
    this.reapAfter = reapAfter;
  }

  @Override
  public void changed(String id, CheckStatus before, CheckStatus after) {
    if (after == null) {
      out.say("Consul: " + id + (id.equals(crashed.get())
          ? " reaped (critical for " + Narrator.span(reapAfter.toNanos()) + ")" : " deregistered"));
    } else if (before == null) {
      out.say("Consul: " + id + " registered, " + name(after));
    } else if (after == CheckStatus.PASSING) {
      out.say("Consul: " + id + " passing: clients add it");
    } else {
      out.say("Consul: " + id + " " + name(after) + (before == CheckStatus.PASSING ? ": clients drop it" : ""));
    }
  }

  @Override
  public void failed(Throwable failure) {
    out.say("Consul: the demo's watch failed (" + failure.getMessage() + "); retrying");
  }

  private static String name(CheckStatus status) {
    return status.name().toLowerCase(Locale.ROOT);
  }
}
