package io.github.grpcconsul.benchmarks.scenario;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The scenario benchmark in quick mode, both contenders: checks that the script runs end to end and that the report
 * and plot come out. Correctness only; no figure is asserted beyond "our resolver saw every change".
 */
class SideBySideSmokeTest {

  @Test
  void bothContendersRunTheWholeScript(@TempDir Path out) throws Exception {
    Path plot = out.resolve("propagation.png");

    List<ContenderResult> results = ScenarioMain.run(ScenarioOptions.quick(), out, plot);

    ContenderResult ours = results.get(0);
    ContenderResult peer = results.get(1);
    assertThat(ours.failure).as("our contender's run").isNull();
    assertThat(peer.failure).as("grpc-spring contender's run").isNull();
    for (Step step : Step.values()) {
      StepResult stepResult = ours.step(step);
      assertThat(stepResult.millis()).as("our %s propagated", step).hasSize(1);
      assertThat(stepResult.timeouts()).as("our %s timeouts", step).isZero();
    }
    for (ContenderResult result : results) {
      assertThat(result.startupMillis).as("%s startup", result.contender.name).isPositive();
      assertThat(result.threads).as("%s threads", result.contender.name).isPositive();
      assertThat(result.heapBytes).as("%s heap", result.contender.name).isPositive();
      assertThat(result.step(Step.ADD).millis().size() + result.step(Step.ADD).timeouts())
          .as("%s add step measured", result.contender.name).isEqualTo(1);
    }
    assertThat(Files.readString(out.resolve("report.md")))
        .contains(ours.contender.label, peer.contender.label, "failed calls");
    byte[] png = Files.readAllBytes(plot);
    assertThat(png).startsWith(0x89, 'P', 'N', 'G');
  }
}
