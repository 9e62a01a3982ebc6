package io.github.grpcconsul.devagent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.google.gson.JsonObject;
import com.sun.net.httpserver.HttpServer;
import io.grpc.Server;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.protobuf.services.HealthStatusManager;
import io.grpc.health.v1.HealthCheckResponse.ServingStatus;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Checks the agent runs itself: TTL expiry, gRPC, HTTP and TCP probes, and the critical-service reaper. */
class ChecksTest {
  DevAgent agent;
  Http http;

  @BeforeEach
  void start() {
    agent = DevAgent.builder().checkReapInterval(Duration.ofMillis(200))
        .deregisterCriticalServiceAfterMin(Duration.ZERO).build();
    agent.start();
    http = new Http(agent);
  }

  @AfterEach
  void stop() {
    agent.close();
  }

  private JsonObject check(String id) {
    return Http.json(http.get("/v1/agent/checks")).getAsJsonObject().getAsJsonObject(id);
  }

  private String status(String id) {
    JsonObject c = check(id);
    return c == null ? null : c.get("Status").getAsString();
  }

  @Test
  void ttlExpiresToCriticalWithConsulsOutput() {
    http.put("/v1/agent/service/register", "{\"Name\": \"web\", \"Check\": {\"TTL\": \"1s\", "
        + "\"Status\": \"passing\"}}");
    assertThat(status("service:web")).isEqualTo("passing");
    await().atMost(Duration.ofSeconds(10)).until(() -> "critical".equals(status("service:web")));
    assertThat(check("service:web").get("Output").getAsString()).isEqualTo("TTL expired");

    http.put("/v1/agent/check/pass/service:web?note=alive", null);
    assertThat(status("service:web")).isEqualTo("passing");
    await().atMost(Duration.ofSeconds(10)).until(() -> "critical".equals(status("service:web")));
    assertThat(check("service:web").get("Output").getAsString())
        .isEqualTo("TTL expired (last output before timeout follows): alive");
  }

  @Test
  void ttlUpdatesPostponeExpiry() {
    http.put("/v1/agent/service/register", "{\"Name\": \"web\", \"Check\": {\"TTL\": \"2s\"}}");
    long deadline = System.nanoTime() + Duration.ofSeconds(3).toNanos();
    // Heartbeat every ~500 ms for 3 s: never expires although 3 s > TTL.
    await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(500)).until(() -> {
      http.put("/v1/agent/check/pass/service:web", null);
      assertThat(status("service:web")).isEqualTo("passing");
      return System.nanoTime() > deadline;
    });
  }

  @Test
  void grpcCheckFollowsTheServersHealth() throws Exception {
    HealthStatusManager health = new HealthStatusManager();
    Server server = NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0))
        .addService(health.getHealthService()).build().start();
    try {
      int port = server.getPort();
      health.setStatus("hello.Greeter", ServingStatus.SERVING);
      http.put("/v1/agent/service/register", "{\"Name\": \"hello\", \"Port\": " + port + ", \"Check\": {"
          + "\"GRPC\": \"127.0.0.1:" + port + "/hello.Greeter\", \"Interval\": \"1s\", \"Timeout\": \"2s\"}}");
      assertThat(status("service:hello")).isEqualTo("critical");
      assertThat(check("service:hello").get("Type").getAsString()).isEqualTo("grpc");
      assertThat(check("service:hello").get("Interval").getAsString()).isEqualTo("1s");
      await().atMost(Duration.ofSeconds(10)).until(() -> "passing".equals(status("service:hello")));
      assertThat(check("service:hello").get("Output").getAsString())
          .isEqualTo("gRPC check 127.0.0.1:" + port + "/hello.Greeter: success");
      assertThat(agent.run().checks.grpcChannelCount()).isEqualTo(1);

      health.setStatus("hello.Greeter", ServingStatus.NOT_SERVING);
      await().atMost(Duration.ofSeconds(10)).until(() -> "critical".equals(status("service:hello")));
      assertThat(check("service:hello").get("Output").getAsString())
          .isEqualTo("gRPC 127.0.0.1:" + port + "/hello.Greeter serving status: NOT_SERVING");

      health.setStatus("hello.Greeter", ServingStatus.SERVING);
      await().atMost(Duration.ofSeconds(10)).until(() -> "passing".equals(status("service:hello")));
      server.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
      await().atMost(Duration.ofSeconds(15)).until(() -> "critical".equals(status("service:hello")));
      assertThat(check("service:hello").get("Output").getAsString()).startsWith("rpc error: code = ");

      http.put("/v1/agent/service/deregister/hello", null);
      assertThat(agent.run().checks.grpcChannelCount()).isZero();
    } finally {
      server.shutdownNow();
    }
  }

  @Test
  void grpcCheckOverTls() throws Exception {
    HealthStatusManager health = new HealthStatusManager();
    Server server = NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0),
            io.grpc.TlsServerCredentials.create(TlsTest.fixture("server.pem").toFile(),
                TlsTest.fixture("server-key.pem").toFile()))
        .addService(health.getHealthService()).build().start();
    try {
      String target = "127.0.0.1:" + server.getPort();
      http.put("/v1/agent/service/register", "{\"Name\": \"secure\", \"Checks\": ["
          + "{\"CheckID\": \"tls\", \"GRPC\": \"" + target + "\", \"GRPCUseTLS\": true, \"TLSSkipVerify\": true, "
          + "\"Interval\": \"1s\"},"
          + "{\"CheckID\": \"plain\", \"GRPC\": \"" + target + "\", \"Interval\": \"1s\", \"Timeout\": \"1s\"}]}");
      await().atMost(Duration.ofSeconds(10)).until(() -> "passing".equals(status("tls")));
      await().atMost(Duration.ofSeconds(10)).until(() -> check("plain").get("Output").getAsString()
          .startsWith("rpc error: code = "));
      assertThat(status("plain")).isEqualTo("critical");
      assertThat(agent.run().checks.grpcChannelCount()).isEqualTo(2);
    } finally {
      server.shutdownNow();
    }
  }

  @Test
  void httpCheckMapsStatusCodes() throws Exception {
    AtomicInteger code = new AtomicInteger(200);
    HttpServer target = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    target.createContext("/health", ex -> {
      byte[] body = "hi".getBytes();
      ex.sendResponseHeaders(code.get(), body.length);
      ex.getResponseBody().write(body);
      ex.close();
    });
    target.start();
    try {
      String url = "http://127.0.0.1:" + target.getAddress().getPort() + "/health";
      http.put("/v1/agent/service/register", "{\"Name\": \"web\", \"Check\": {\"HTTP\": \"" + url
          + "\", \"Interval\": \"1s\", \"Timeout\": \"1s\"}}");
      await().atMost(Duration.ofSeconds(10)).until(() -> "passing".equals(status("service:web")));
      assertThat(check("service:web").get("Output").getAsString()).isEqualTo("HTTP GET " + url + ": 200 OK Output: hi");
      code.set(429);
      await().atMost(Duration.ofSeconds(10)).until(() -> "warning".equals(status("service:web")));
      code.set(503);
      await().atMost(Duration.ofSeconds(10)).until(() -> "critical".equals(status("service:web")));
    } finally {
      target.stop(0);
    }
  }

  @Test
  void tcpCheck() throws Exception {
    int port;
    try (ServerSocket ss = new ServerSocket(0, 50, java.net.InetAddress.getLoopbackAddress())) {
      port = ss.getLocalPort();
      http.put("/v1/agent/service/register", "{\"Name\": \"db\", \"Check\": {\"TCP\": \"127.0.0.1:" + port
          + "\", \"Interval\": \"1s\"}}");
      await().atMost(Duration.ofSeconds(10)).until(() -> "passing".equals(status("service:db")));
      assertThat(check("service:db").get("Output").getAsString()).isEqualTo("TCP connect 127.0.0.1:" + port
          + ": Success");
    }
    await().atMost(Duration.ofSeconds(10)).until(() -> "critical".equals(status("service:db")));
    assertThat(check("service:db").get("Output").getAsString()).startsWith("dial tcp 127.0.0.1:" + port + ": ");
  }

  @Test
  void reaperDeregistersCriticalServices() {
    http.put("/v1/agent/service/register", "{\"Name\": \"doomed\", \"Check\": {\"TTL\": \"30s\", "
        + "\"DeregisterCriticalServiceAfter\": \"500ms\"}}");
    http.put("/v1/agent/service/register", "{\"Name\": \"kept\", \"Check\": {\"TTL\": \"30s\"}}");
    http.put("/v1/agent/service/register", "{\"Name\": \"healthy\", \"Check\": {\"TTL\": \"30s\", "
        + "\"Status\": \"passing\", \"DeregisterCriticalServiceAfter\": \"500ms\"}}");
    await().atMost(Duration.ofSeconds(10))
        .until(() -> !Http.json(http.get("/v1/agent/services")).getAsJsonObject().has("doomed"));
    assertThat(Http.json(http.get("/v1/agent/services")).getAsJsonObject().keySet())
        .containsExactlyInAnyOrder("kept", "healthy");
    assertThat(Http.json(http.get("/v1/health/service/doomed")).getAsJsonArray()).isEmpty();
  }

  @Test
  void reaperFloorIsOneMinuteByDefault() {
    try (DevAgent strict = DevAgent.builder().checkReapInterval(Duration.ofMillis(100)).build()) {
      strict.start();
      Http h = new Http(strict);
      h.put("/v1/agent/service/register", "{\"Name\": \"doomed\", \"Check\": {\"TTL\": \"30s\", "
          + "\"DeregisterCriticalServiceAfter\": \"10ms\"}}");
      // Several reaper rounds pass; the 1-minute floor keeps the service.
      await().pollDelay(Duration.ofMillis(600)).until(() -> true);
      assertThat(Http.json(h.get("/v1/agent/services")).getAsJsonObject().has("doomed")).isTrue();
    }
  }
}
