package io.github.grpcconsul.examples.demo;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.grpcconsul.consul.ConsulConfig;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Runs the README's demo in short mode, in-process against the embedded dev agent, and checks its summary. */
class DemoTest {
  @Test
  @Timeout(value = 90, unit = TimeUnit.SECONDS)
  void shortDemo_spreadsCalls_leavesWithoutFailures_newInstanceGetsCalls() throws Exception {
    ByteArrayOutputStream printed = new ByteArrayOutputStream();
    PrintStream out = new PrintStream(printed, true, StandardCharsets.UTF_8);

    DemoReport report = Demo.run(Demo.settings(Demo.parse("--short")), true, null,
        () -> ConsulConfig.newBuilder().build(), out);

    String text = printed.toString(StandardCharsets.UTF_8);
    assertThat(report.problems()).as(text).isEmpty();
    assertThat(report.instances()).containsExactly("hello-1", "hello-2", "hello-3", "hello-4");
    for (String instance : report.instances()) {
      assertThat(report.calls(instance)).as(instance + " answered calls\n" + text).isPositive();
    }
    assertThat(report.calls("hello-1", Phase.ALL_SERVE)).as(text).isPositive();
    assertThat(report.calls("hello-2", Phase.ALL_SERVE)).as(text).isPositive();
    assertThat(report.calls("hello-3", Phase.ALL_SERVE)).as(text).isPositive();
    assertThat(report.failed(Phase.LEAVE)).as("failed calls while hello-1 left gracefully\n" + text).isZero();
    assertThat(report.calls("hello-1", Phase.JOIN)).as(text).isZero();
    assertThat(report.calls("hello-2", Phase.JOIN)).as(text).isZero();
    assertThat(report.calls("hello-4", Phase.JOIN)).as(text).isPositive();
    assertThat(text).contains("embedded dev agent", "Summary", "hello-4 joins", "first call");
    assertThat(text).doesNotContain("Exception", "\tat ");
    assertThat(ProcessHandle.current().children().filter(ProcessHandle::isAlive))
        .as("the killed instance's process is gone").isEmpty();
  }
}
