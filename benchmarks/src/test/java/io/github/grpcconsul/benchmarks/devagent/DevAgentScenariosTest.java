package io.github.grpcconsul.benchmarks.devagent;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.grpcconsul.devagent.DevAgent;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The benchmark scenarios at toy sizes, so that the benchmark program keeps working (no figures are checked). */
class DevAgentScenariosTest {
  private DevAgent agent;
  private AgentHttp http;

  @BeforeEach
  void start() {
    agent = DevAgent.builder().build();
    agent.start();
    http = new AgentHttp(AgentHttp.newClient(), agent.baseUri());
  }

  @AfterEach
  void stop() {
    agent.close();
  }

  @Test
  void fanOutWakesEveryWaiterWithBothClients() throws Exception {
    Percentiles raw = new FanOutScenario(agent, http, 20, true).run(0, 2);
    Percentiles jdk = new FanOutScenario(agent, http, 20, false).run(0, 2);

    assertThat(raw.count()).isEqualTo(40);
    assertThat(jdk.count()).isEqualTo(40);
    assertThat(raw.p(50)).isPositive().isLessThanOrEqualTo(raw.p(99));
    assertThat(raw.max()).isGreaterThanOrEqualTo(raw.p(99));
    assertThat(agent.parkedQueries()).isZero();
  }

  @Test
  void writesRegisterAndUpdateEveryInstance() throws Exception {
    WriteScenario writes = new WriteScenario(http);

    assertThat(writes.registrations("w", 12, 2)).isPositive();
    assertThat(writes.ttlUpdates("w", 12, 24, 2)).isPositive();
    assertThat(writes.lastCpuMicrosPerOp).isPositive();

    String passing = http.get("/v1/health/service/w?passing").body();
    assertThat(com.google.gson.JsonParser.parseString(passing).getAsJsonArray()).hasSize(12);
  }

  @Test
  void writesWithTheRawClientSplitTheirCpu() throws Exception {
    try (RawHttp raw = new RawHttp(agent.start())) {
      WriteScenario writes = new WriteScenario(raw::put);

      assertThat(writes.registrations("r", 12, 1)).isPositive();
      assertThat(writes.ttlUpdates("r", 12, 24, 1)).isPositive();
      assertThat(writes.lastCpu.agent).isPositive();
      assertThat(writes.lastCpu.agentAllocated).isPositive();
    }
    String passing = http.get("/v1/health/service/r?passing").body();
    assertThat(com.google.gson.JsonParser.parseString(passing).getAsJsonArray()).hasSize(12);
  }

  @Test
  void fanOutWithTheAgentInAChildJvm() throws Exception {
    try (ChildAgent child = new ChildAgent()) {
      FanOutScenario scenario = new FanOutScenario(child, new AgentHttp(AgentHttp.newClient(), child.baseUri()), 20);
      Percentiles raw = scenario.run(0, 2);

      assertThat(raw.count()).isEqualTo(40);
      assertThat(scenario.agentCpu).isPositive();
      assertThat(child.parkedQueries()).isZero();
    }
  }

  @Test
  void heapScenarioRegistersTheRequestedInstances() throws Exception {
    long[] used = new HeapScenario(http).run(10);

    assertThat(used[0]).isPositive();
    assertThat(used[1]).isPositive();
  }

  @Test
  void percentilesUseNearestRank() {
    long[] nanos = new long[100];
    for (int i = 0; i < 100; i++) {
      nanos[i] = (100 - i) * 1_000_000L;
    }
    Percentiles p = new Percentiles(nanos);

    assertThat(p.p(50)).isEqualTo(50.0);
    assertThat(p.p(99)).isEqualTo(99.0);
    assertThat(p.max()).isEqualTo(100.0);
  }
}
