package io.github.grpcconsul.devagent.conformance;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.ecwid.consul.v1.ConsulClient;
import com.ecwid.consul.v1.ConsulRawClient;
import com.ecwid.consul.v1.OperationException;
import com.ecwid.consul.v1.QueryParams;
import com.ecwid.consul.v1.Response;
import com.ecwid.consul.v1.agent.model.NewService;
import com.ecwid.consul.v1.agent.model.Self;
import com.ecwid.consul.v1.agent.model.Service;
import com.ecwid.consul.v1.health.HealthServicesRequest;
import com.ecwid.consul.v1.health.model.Check.CheckStatus;
import com.ecwid.consul.v1.health.model.HealthService;
import com.ecwid.consul.v1.kv.model.GetValue;
import io.github.grpcconsul.devagent.DevAgent;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.apache.http.client.config.RequestConfig;
import org.apache.http.impl.client.CloseableHttpClient;
import org.apache.http.impl.client.HttpClients;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Drives the dev agent with an independent Consul client from Maven Central (com.ecwid.consul:consul-api, the client
 * Spring Cloud Consul used for years): whatever that client does against a real Consul must work here too.
 */
class EcwidClientConformanceTest {
  private DevAgent agent;
  private CloseableHttpClient http;
  private ConsulClient consul;
  private ExecutorService executor;

  @BeforeEach
  void start() {
    agent = DevAgent.builder().build();
    InetSocketAddress address = agent.start();
    // the client's own HTTP client, so that the test can close its connections
    http = HttpClients.custom()
        .setDefaultRequestConfig(RequestConfig.custom().setSocketTimeout(60_000).build())
        .build();
    consul = new ConsulClient(new ConsulRawClient("127.0.0.1", address.getPort(), http));
    executor = Executors.newSingleThreadExecutor();
  }

  @AfterEach
  void stop() throws Exception {
    executor.shutdownNow();
    assertThat(executor.awaitTermination(10, TimeUnit.SECONDS)).isTrue();
    http.close();
    agent.close();
  }

  @Test
  void agentSelfReportsDatacenterAndNodeName() {
    Self self = consul.getAgentSelf().getValue();

    assertThat(self.getConfig().getDatacenter()).isEqualTo(agent.datacenter());
    assertThat(self.getConfig().getNodeName()).isEqualTo(agent.nodeName());
    assertThat(self.getMember().getAddress()).isNotBlank();
  }

  @Test
  void registeredInstanceIsCriticalUntilItsTtlCheckPasses() {
    consul.agentServiceRegister(web("web-1", "v1"));

    List<HealthService> all = health("web", false, null).getValue();
    assertThat(all).singleElement().satisfies(entry -> {
      assertThat(entry.getService().getId()).isEqualTo("web-1");
      assertThat(entry.getService().getService()).isEqualTo("web");
      assertThat(entry.getService().getAddress()).isEqualTo("10.0.0.5");
      assertThat(entry.getService().getPort()).isEqualTo(8080);
      assertThat(entry.getService().getTags()).containsExactly("v1");
      assertThat(entry.getService().getMeta()).containsEntry("version", "1");
      assertThat(entry.getNode().getNode()).isEqualTo(agent.nodeName());
      assertThat(entry.getChecks()).extracting(c -> c.getCheckId()).contains("serfHealth", "service:web-1");
    });
    assertThat(checkStatus(all.get(0), "service:web-1")).isEqualTo(CheckStatus.CRITICAL);
    assertThat(health("web", true, null).getValue()).isEmpty();

    consul.agentCheckPass("service:web-1", "ok");

    List<HealthService> passing = health("web", true, null).getValue();
    assertThat(passing).singleElement().satisfies(entry -> {
      assertThat(checkStatus(entry, "service:web-1")).isEqualTo(CheckStatus.PASSING);
      assertThat(entry.getChecks()).filteredOn(c -> c.getCheckId().equals("service:web-1"))
          .singleElement().satisfies(c -> assertThat(c.getOutput()).isEqualTo("ok"));
    });
  }

  @Test
  void warnAndFailTakeTheInstanceOutOfPassingResults() {
    consul.agentServiceRegister(web("web-1", "v1"));
    consul.agentCheckPass("service:web-1");
    assertThat(health("web", true, null).getValue()).hasSize(1);

    consul.agentCheckWarn("service:web-1", "slow");
    assertThat(health("web", true, null).getValue()).isEmpty();
    assertThat(checkStatus(health("web", false, null).getValue().get(0), "service:web-1"))
        .isEqualTo(CheckStatus.WARNING);

    consul.agentCheckFail("service:web-1", "down");
    assertThat(checkStatus(health("web", false, null).getValue().get(0), "service:web-1"))
        .isEqualTo(CheckStatus.CRITICAL);
  }

  @Test
  void healthQueriesFilterByTags() {
    consul.agentServiceRegister(web("web-1", "v1", "blue"));
    consul.agentServiceRegister(web("web-2", "v2", "blue"));
    consul.agentCheckPass("service:web-1");
    consul.agentCheckPass("service:web-2");

    assertThat(health("web", true, new String[] {"v1"}).getValue())
        .extracting(e -> e.getService().getId()).containsExactly("web-1");
    assertThat(health("web", true, new String[] {"blue"}).getValue())
        .extracting(e -> e.getService().getId()).containsExactlyInAnyOrder("web-1", "web-2");
    assertThat(health("web", true, new String[] {"blue", "v2"}).getValue())
        .extracting(e -> e.getService().getId()).containsExactly("web-2");
    assertThat(health("web", true, new String[] {"v3"}).getValue()).isEmpty();
  }

  @Test
  void blockingHealthQueryIsWokenByAChange() throws Exception {
    consul.agentServiceRegister(web("web-1", "v1"));
    Response<List<HealthService>> first = health("web", true, null);
    assertThat(first.getValue()).isEmpty();
    long index = first.getConsulIndex();
    assertThat(index).isPositive();
    assertThat(first.isConsulKnownLeader()).isTrue();

    CompletableFuture<Response<List<HealthService>>> blocked = CompletableFuture.supplyAsync(
        () -> consul.getHealthServices("web", HealthServicesRequest.newBuilder()
            .setPassing(true)
            .setQueryParams(new QueryParams(60, index))
            .build()),
        executor);
    await().atMost(Duration.ofSeconds(10)).until(() -> agent.parkedQueries() == 1);
    assertThat(blocked).isNotDone();

    consul.agentCheckPass("service:web-1");

    Response<List<HealthService>> woken = blocked.get(10, TimeUnit.SECONDS);
    assertThat(woken.getConsulIndex()).isGreaterThan(index);
    assertThat(woken.getValue()).extracting(e -> e.getService().getId()).containsExactly("web-1");
  }

  @Test
  void blockingQueryWithoutChangeReturnsTheSameIndexAfterItsWait() {
    consul.agentServiceRegister(web("web-1", "v1"));
    long index = health("web", false, null).getConsulIndex();

    Response<List<HealthService>> timedOut = consul.getHealthServices("web", HealthServicesRequest.newBuilder()
        .setQueryParams(new QueryParams(1, index))
        .build());

    assertThat(timedOut.getConsulIndex()).isEqualTo(index);
    assertThat(timedOut.getValue()).hasSize(1);
  }

  @Test
  void blockingKvGetIsWokenByAPut() throws Exception {
    consul.setKVValue("app/flag", "off");
    Response<GetValue> first = consul.getKVValue("app/flag");
    long index = first.getConsulIndex();

    CompletableFuture<Response<GetValue>> blocked = CompletableFuture.supplyAsync(
        () -> consul.getKVValue("app/flag", new QueryParams(60, index)), executor);
    await().atMost(Duration.ofSeconds(10)).until(() -> agent.parkedQueries() == 1);

    consul.setKVValue("app/flag", "on");

    Response<GetValue> woken = blocked.get(10, TimeUnit.SECONDS);
    assertThat(woken.getConsulIndex()).isGreaterThan(index);
    assertThat(woken.getValue().getDecodedValue()).isEqualTo("on");
  }

  @Test
  void kvPutGetRecurseAndDelete() {
    assertThat(consul.setKVValue("app/config/a", "1").getValue()).isTrue();
    assertThat(consul.setKVValue("app/config/b", "two").getValue()).isTrue();
    assertThat(consul.setKVValue("other", "x").getValue()).isTrue();

    GetValue a = consul.getKVValue("app/config/a").getValue();
    assertThat(a.getKey()).isEqualTo("app/config/a");
    assertThat(a.getDecodedValue()).isEqualTo("1");
    assertThat(a.getCreateIndex()).isPositive();
    assertThat(a.getModifyIndex()).isGreaterThanOrEqualTo(a.getCreateIndex());

    assertThat(consul.getKVValues("app/").getValue())
        .extracting(GetValue::getKey, GetValue::getDecodedValue)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple("app/config/a", "1"),
            org.assertj.core.groups.Tuple.tuple("app/config/b", "two"));
    assertThat(consul.getKVKeysOnly("app/").getValue()).containsExactly("app/config/a", "app/config/b");

    consul.deleteKVValue("app/config/a");
    assertThat(consul.getKVValue("app/config/a").getValue()).isNull();
    assertThat(consul.getKVValue("app/config/b").getValue()).isNotNull();

    consul.deleteKVValues("app/");
    assertThat(consul.getKVValues("app/").getValue()).isNull();
    assertThat(consul.getKVValue("other").getValue().getDecodedValue()).isEqualTo("x");
  }

  @Test
  void agentAndCatalogListRegisteredServices() {
    consul.agentServiceRegister(web("web-1", "v1"));

    Map<String, Service> services = consul.getAgentServices().getValue();
    assertThat(services).containsOnlyKeys("web-1");
    Service web1 = services.get("web-1");
    assertThat(web1.getService()).isEqualTo("web");
    assertThat(web1.getPort()).isEqualTo(8080);
    assertThat(web1.getTags()).containsExactly("v1");
    assertThat(web1.getMeta()).containsEntry("version", "1");

    Map<String, List<String>> catalog = consul.getCatalogServices(QueryParams.DEFAULT).getValue();
    assertThat(catalog).containsKey("consul").containsEntry("web", List.of("v1"));
    assertThat(consul.getCatalogService("web", QueryParams.DEFAULT).getValue())
        .singleElement().satisfies(s -> {
          assertThat(s.getServiceId()).isEqualTo("web-1");
          assertThat(s.getServicePort()).isEqualTo(8080);
          assertThat(s.getNode()).isEqualTo(agent.nodeName());
        });
    assertThat(consul.getCatalogDatacenters().getValue()).containsExactly(agent.datacenter());
    assertThat(consul.getStatusLeader().getValue()).isNotBlank();
  }

  @Test
  void deregistrationRemovesTheInstanceAndItsChecks() {
    consul.agentServiceRegister(web("web-1", "v1"));
    consul.agentServiceRegister(web("web-2", "v1"));

    consul.agentServiceDeregister("web-1");

    assertThat(health("web", false, null).getValue())
        .extracting(e -> e.getService().getId()).containsExactly("web-2");
    assertThat(consul.getAgentServices().getValue()).containsOnlyKeys("web-2");
    assertThatThrownBy(() -> consul.agentCheckPass("service:web-1"))
        .isInstanceOfSatisfying(OperationException.class, e -> assertThat(e.getStatusCode()).isEqualTo(404));
  }

  @Test
  void deregisteringAnUnknownServiceIsA404() {
    assertThatThrownBy(() -> consul.agentServiceDeregister("nope"))
        .isInstanceOfSatisfying(OperationException.class, e -> {
          assertThat(e.getStatusCode()).isEqualTo(404);
          assertThat(e.getStatusContent()).contains("Unknown service ID \"nope\"");
        });
  }

  @Test
  void maintenanceModeMakesTheInstanceCritical() {
    consul.agentServiceRegister(web("web-1", "v1"));
    consul.agentCheckPass("service:web-1");

    consul.agentServiceSetMaintenance("web-1", true, "upgrading");

    assertThat(health("web", true, null).getValue()).isEmpty();
    assertThat(health("web", false, null).getValue().get(0).getChecks())
        .filteredOn(c -> c.getCheckId().equals("_service_maintenance:web-1"))
        .singleElement().satisfies(c -> {
          assertThat(c.getStatus()).isEqualTo(CheckStatus.CRITICAL);
          assertThat(c.getNotes()).isEqualTo("upgrading");
        });

    consul.agentServiceSetMaintenance("web-1", false);
    assertThat(health("web", true, null).getValue()).hasSize(1);
  }

  private static NewService web(String id, String... tags) {
    NewService service = new NewService();
    service.setId(id);
    service.setName("web");
    service.setAddress("10.0.0.5");
    service.setPort(8080);
    service.setTags(List.of(tags));
    service.setMeta(Map.of("version", "1"));
    NewService.Check check = new NewService.Check();
    check.setTtl("30s");
    service.setCheck(check);
    return service;
  }

  private Response<List<HealthService>> health(String name, boolean passing, String[] tags) {
    HealthServicesRequest.Builder request = HealthServicesRequest.newBuilder().setPassing(passing);
    if (tags != null) {
      request.setTags(tags);
    }
    return consul.getHealthServices(name, request.build());
  }

  private static CheckStatus checkStatus(HealthService entry, String checkId) {
    return entry.getChecks().stream()
        .filter(c -> c.getCheckId().equals(checkId))
        .findFirst()
        .orElseThrow()
        .getStatus();
  }
}
