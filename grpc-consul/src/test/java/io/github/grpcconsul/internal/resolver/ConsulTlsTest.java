package io.github.grpcconsul.internal.resolver;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.github.grpcconsul.consul.ConsulConfig;
import io.github.grpcconsul.devagent.DevAgent;
import io.grpc.Status;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** The resolver reaches an agent that serves HTTPS, and one that also wants a client certificate. */
class ConsulTlsTest {

  private static Path tls(String name) {
    try {
      return Path.of(ConsulTlsTest.class.getResource("/tls/" + name).toURI());
    } catch (URISyntaxException e) {
      throw new AssertionError(e);
    }
  }

  /** HTTPS asked for by the address's scheme only, as {@code CONSUL_HTTP_ADDR=https://...} does. */
  private static ConsulConfig.Builder https(DevAgent agent) {
    return ConsulConfig.newBuilder().address("https://localhost:" + agent.baseUri().getPort())
        .caCertFile(tls("ca.pem"))
        .connectTimeout(Duration.ofSeconds(30)); // handshakes on a loaded 2-core CI machine can take seconds
  }

  @Test
  void tls_serverCertificateVerified() throws Exception {
    try (DevAgent agent = DevAgent.builder().tls(tls("server.pem"), tls("server-key.pem")).build()) {
      agent.start();
      ConsulConfig config = https(agent).build();
      resolves(agent, config);

      ConsulConfig wrongCa = https(agent).caCertFile(tls("other-ca.pem")).build();
      WatchRegistry registry = new WatchRegistry(Duration.ZERO);
      try (ResolverHarness h = new ResolverHarness(new ResolverProviderCore(wrongCa, registry))) {
        Status status = h.start("consul:///web").listener.awaitError();
        assertThat(status.getCode()).isEqualTo(Status.Code.UNAVAILABLE);
      }
      await().atMost(Duration.ofSeconds(10)).until(() -> registry.watchCount() == 0);
    }
  }

  @Test
  void mutualTls_clientCertificatePresented() throws Exception {
    try (DevAgent agent = DevAgent.builder().tls(tls("server.pem"), tls("server-key.pem"))
        .tlsClientCa(tls("ca.pem")).build()) {
      agent.start();
      resolves(agent, https(agent).clientCertFile(tls("client.pem")).clientKeyFile(tls("client-key.pem")).build());

      WatchRegistry registry = new WatchRegistry(Duration.ZERO);
      try (ResolverHarness h = new ResolverHarness(new ResolverProviderCore(https(agent).build(), registry))) {
        assertThat(h.start("consul:///web").listener.awaitError().getCode()).isEqualTo(Status.Code.UNAVAILABLE);
      }
      await().atMost(Duration.ofSeconds(10)).until(() -> registry.watchCount() == 0);
    }
  }

  private static void resolves(DevAgent agent, ConsulConfig config) throws InterruptedException {
    try (Registrar registrar = new Registrar(config)) {
      registrar.register("web", "web-1", "127.0.0.1", 9001);
    }
    WatchRegistry registry = new WatchRegistry(Duration.ZERO);
    try (ResolverHarness h = new ResolverHarness(new ResolverProviderCore(config, registry))) {
      h.start("consul:///web").listener.awaitPorts(9001);
      // the authority replaces only the address: TLS settings still apply
      h.start("consul://localhost:" + agent.baseUri().getPort() + "/web").listener.awaitPorts(9001);
    }
    await().atMost(Duration.ofSeconds(10)).until(() -> registry.watchCount() == 0);
  }
}
