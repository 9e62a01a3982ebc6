package io.github.grpcconsul.internal.consul;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.github.grpcconsul.devagent.junit.DevAgentExtension;
import java.lang.ref.WeakReference;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The body of an answer is not kept alive by what the JDK HttpClient keeps of the exchange. */
class DetachedBodyTest {
  @RegisterExtension static final DevAgentExtension consul = DevAgentExtension.perClass();

  @Test
  void detachedBody_isCollectableWhileTheJdkResponseIsStillReachable() throws Exception {
    HttpClient http = HttpClient.newHttpClient();
    HttpRequest req = HttpRequest.newBuilder(consul.agent().baseUri().resolve("/v1/catalog/services")).build();
    // jdk stands for what the pooled connection holds on to until its next exchange finishes.
    HttpResponse<DetachedBody> jdk = http.sendAsync(req, DetachedBody.HANDLER).get();
    HttpResponse<byte[]> detached = DetachedBody.detach(jdk);
    assertThat(detached.statusCode()).isEqualTo(200);
    assertThat(detached.headers().firstValue(ConsulJson.HEADER_INDEX)).isPresent();
    assertThat(new String(detached.body(), StandardCharsets.UTF_8)).contains("\"consul\"");

    WeakReference<byte[]> body = new WeakReference<>(detached.body());
    detached = null;
    await().atMost(Duration.ofSeconds(20)).until(() -> {
      System.gc();
      return body.get() == null;
    });
    assertThat(jdk.body()).isNotNull(); // still reachable, yet no longer holding the bytes
  }
}
