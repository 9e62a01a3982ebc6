package io.github.grpcconsul.examples.demo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.github.grpcconsul.consul.ConsulConfig;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The demo's --weights phase against the embedded dev agent: the canary gets a quarter of the calls. */
class WeightsPhaseTest {
  @Test
  @Timeout(value = 60, unit = TimeUnit.SECONDS)
  void canaryAtWeight1_besideStableAt3_getsAQuarterOfTheCalls() throws Exception {
    ByteArrayOutputStream printed = new ByteArrayOutputStream();
    Narrator narrator = new Narrator(new PrintStream(printed, true, StandardCharsets.UTF_8));
    WeightsPhase.Result result;
    try (ConsulEndpoint consul = ConsulEndpoint.open(true, null, () -> ConsulConfig.newBuilder().build())) {
      result = new WeightsPhase(new Scenario.Settings(Duration.ofSeconds(2), 100, Duration.ZERO), consul, narrator)
          .run();
    }
    String text = printed.toString(StandardCharsets.UTF_8);
    assertThat(result.problems()).as(text).isEmpty();
    assertThat(result.failed()).as(text).isZero();
    assertThat(result.stable() + result.canary()).as(text).isGreaterThanOrEqualTo(40);
    assertThat(result.canaryPercent()).as(text).isCloseTo(25.0, within(5.0));
    assertThat(text).contains("consul_weighted_round_robin", "canary", "Weights.Passing 3");
  }

  @Test
  void weightsFlag_isAccepted() {
    assertThat(Demo.parse("--short", "--weights").has("weights")).isTrue();
    assertThat(Demo.USAGE).contains("--weights");
  }
}
