package io.github.grpcconsul.devagent;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.gson.JsonParser;
import io.github.grpcconsul.devagent.junit.DevAgentExtension;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import org.assertj.core.api.Assertions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class FaultsTest {
  @RegisterExtension
  static final DevAgentExtension consul = DevAgentExtension.perMethod();

  @Test
  void respondNarrowedAndCleared() {
    DevAgent agent = consul.agent();
    Http http = new Http(agent);
    agent.faults().forPath("/v1/health/").respond(503, "boom");
    HttpResponse<String> r = http.get("/v1/health/service/web");
    assertThat(r.statusCode()).isEqualTo(503);
    assertThat(r.body()).isEqualTo("boom");
    assertThat(http.get("/v1/catalog/services").statusCode()).isEqualTo(200);
    agent.faults().respond(500, "all");
    assertThat(http.get("/v1/catalog/services").statusCode()).isEqualTo(500);
    agent.faults().clear();
    assertThat(http.get("/v1/health/service/web").statusCode()).isEqualTo(200);
  }

  @Test
  void malformedBody() {
    DevAgent agent = consul.agent();
    Http http = new Http(agent);
    agent.faults().malformedBody();
    HttpResponse<String> r = http.get("/v1/health/service/web");
    assertThat(r.statusCode()).isEqualTo(200);
    Assertions.assertThatThrownBy(() -> JsonParser.parseString(r.body())).isInstanceOf(RuntimeException.class);
  }

  @Test
  void delayedRequestsDoNotBlockOthers() {
    DevAgent agent = consul.agent();
    Http http = new Http(agent);
    agent.faults().forPath("/v1/health/").delay(Duration.ofSeconds(3));
    long start = System.nanoTime();
    java.util.List<CompletableFuture<HttpResponse<String>>> slow = new java.util.ArrayList<>();
    for (int i = 0; i < 20; i++) {
      slow.add(http.sendAsync("GET", "/v1/health/service/web", null));
    }
    assertThat(http.get("/v1/catalog/services").statusCode()).isEqualTo(200);
    assertThat(slow).noneMatch(CompletableFuture::isDone);
    assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(3));
    slow.forEach(f -> assertThat(f.join().statusCode()).isEqualTo(200));
    assertThat(Duration.ofNanos(System.nanoTime() - start)).isGreaterThanOrEqualTo(Duration.ofSeconds(3));
  }

  @Test
  void requestCounts() {
    DevAgent agent = consul.agent();
    Http http = new Http(agent);
    long before = agent.requestCount();
    http.get("/v1/health/service/a");
    http.get("/v1/health/service/b");
    http.get("/v1/catalog/services");
    assertThat(agent.requestCount() - before).isEqualTo(3);
    assertThat(agent.requestCount("/v1/health/service/")).isEqualTo(2);
    assertThat(agent.requestCount("/v1/health/service/a")).isEqualTo(1);
    agent.restart();
    http.get("/v1/health/service/a");
    assertThat(agent.requestCount("/v1/health/service/a")).isEqualTo(2);
  }
}
