package io.github.grpcconsul.benchmarks.scenario;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The scenario benchmark in quick mode, every contender (ours, grpc-spring, the three Go ones): checks that the script
 * runs end to end and that the report and plot come out. Correctness only; no figure is asserted beyond "our resolver
 * saw every change" and "each blocking-query Go resolver saw the added instance". Needs the go command (the Go
 * contenders are built with it first; without it the test fails and says so).
 */
class SideBySideSmokeTest {

  @Test
  void everyContenderRunsTheWholeScript(@TempDir Path out) throws Exception {
    Path plot = out.resolve("propagation.png");

    List<ContenderResult> results = ScenarioMain.run(ScenarioOptions.quick(), out, plot,
        List.of(ScenarioMain.ALL.split(",")));

    assertThat(results).extracting(r -> r.contender.name)
        .containsExactly("consul", "grpc-spring", "go-mbobakov", "go-simplesurance", "go-catalog");
    ContenderResult ours = results.get(0);
    for (ContenderResult result : results) {
      assertThat(result.failure).as("%s run", result.contender.name).isNull();
    }
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
      if (result.contender.name.startsWith("go-")) {
        assertThat(result.step(Step.ADD).millis()).as("%s saw the added instance", result.contender.name)
            .hasSize(1);
      }
    }
    String report = Files.readString(out.resolve("report.md"));
    assertThat(report).contains("failed calls", "Run started");
    for (ContenderResult result : results) {
      assertThat(report).contains(result.contender.label);
    }
    byte[] png = Files.readAllBytes(plot);
    assertThat(png).startsWith(0x89, 'P', 'N', 'G');
  }
}
