package io.github.grpcconsul.internal.resolver;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.github.grpcconsul.consul.ConsulConfig;
import io.github.grpcconsul.devagent.DevAgent;
import io.github.grpcconsul.internal.consul.TestPki;
import io.github.grpcconsul.internal.consul.TestPki.Alg;
import io.github.grpcconsul.internal.consul.TestPki.Issued;
import io.github.grpcconsul.internal.consul.TestPki.KeyFormat;
import io.grpc.Status;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The resolver and TLS mistakes (issue 16): grpc's status and the log (once per streak) carry the clear message,
 * and the resolver recovers by itself when the CA or client certificate files are fixed, with no restart.
 */
class ConsulTlsRecoveryTest {
  private static Issued ca;
  private static Issued otherCa;

  @TempDir Path dir;
  private DevAgent agent;
  private final List<LogRecord> logs = new CopyOnWriteArrayList<>();
  private final Logger watchLogger = Logger.getLogger(ServiceWatch.class.getName());
  /** Logs every failed attempt at FINE: how the test counts retries. */
  private final Logger httpLogger = Logger.getLogger("io.github.grpcconsul.internal.consul.ConsulHttp");
  private final Handler capture = new Handler() {
    @Override
    public void publish(LogRecord record) {
      logs.add(record);
    }

    @Override
    public void flush() {}

    @Override
    public void close() {}
  };

  @BeforeAll
  static void pki() {
    ca = TestPki.ca("Consul Agent CA", Alg.EC);
    otherCa = TestPki.ca("Some Other CA", Alg.RSA);
  }

  @BeforeEach
  void setUp() {
    watchLogger.addHandler(capture);
    httpLogger.addHandler(capture);
    httpLogger.setLevel(Level.FINE);
  }

  @AfterEach
  void tearDown() {
    watchLogger.removeHandler(capture);
    httpLogger.removeHandler(capture);
    httpLogger.setLevel(null);
    if (agent != null) {
      agent.close();
    }
  }

  private long failedAttempts(String expected) {
    return logs.stream().filter(r -> r.getLevel() == Level.FINE
        && String.valueOf(r.getParameters()[0]).contains(expected)).count();
  }

  private List<String> warnings() {
    return logs.stream().filter(r -> r.getLevel() == Level.WARNING)
        .map(r -> r.getParameters()[1].toString()).toList();
  }

  private void startAgent(boolean verifyIncoming) {
    Path[] files = TestPki.agentFiles(dir, "agent", TestPki.leaf(ca, "server.dc1.consul", Alg.EC,
        List.of("localhost", "127.0.0.1")));
    DevAgent.Builder b = DevAgent.builder().tls(files[0], files[1]);
    if (verifyIncoming) {
      b.tlsClientCa(TestPki.write(dir.resolve("agent-ca.pem"), TestPki.pem(ca.cert())));
    }
    agent = b.build();
    agent.start();
  }

  private ConsulConfig.Builder https() {
    return ConsulConfig.newBuilder().address("https://" + agent.httpAddress())
        .connectTimeout(Duration.ofSeconds(30)); // handshakes on a loaded 2-core CI machine can take seconds
  }

  private Path clientCert(Issued issued) {
    return TestPki.write(dir.resolve("client.pem"), TestPki.pem(issued.cert()));
  }

  private Path clientKey(Issued issued) {
    return TestPki.write(dir.resolve("client-key.pem"), TestPki.pem(issued.keys().getPrivate(),
        KeyFormat.TRADITIONAL));
  }

  /** Several failed attempts, one warning; then the fix, and the resolver delivers the address by itself. */
  private void failsClearlyThenRecovers(ConsulConfig config, String expected, Runnable fix) throws Exception {
    WatchRegistry registry = new WatchRegistry(Duration.ZERO);
    try (ResolverHarness h = new ResolverHarness(new ResolverProviderCore(config, registry))) {
      ResolverHarness.Started r = h.start("consul:///web");
      Status status = r.listener.awaitError();
      assertThat(status.getCode()).isEqualTo(Status.Code.UNAVAILABLE);
      assertThat(status.getDescription()).contains(expected).contains("https://" + agent.httpAddress());
      // retried with backoff (from 200 ms): more failed results, still one warning for the streak
      await().atMost(Duration.ofSeconds(30)).until(() -> failedAttempts(expected) >= 3);
      assertThat(r.listener.results).allSatisfy(result -> assertThat(result.hasValue()).isFalse());
      assertThat(warnings()).hasSize(1);
      assertThat(warnings().get(0)).contains(expected);
      fix.run();
      await().atMost(Duration.ofSeconds(30)).until(() -> java.util.Set.of(9001).equals(r.listener.lastPorts()));
      assertThat(warnings()).hasSize(1);
    }
    await().atMost(Duration.ofSeconds(10)).until(() -> registry.watchCount() == 0);
  }

  @Test
  void wrongCa_statusAndLogSaySetCONSUL_CACERT_andTheRewrittenCaFileIsUsedWithNoRestart() throws Exception {
    startAgent(false);
    Path caFile = TestPki.write(dir.resolve("ca.pem"), TestPki.pem(ca.cert()));
    try (Registrar registrar = new Registrar(https().caCertFile(caFile).build())) {
      registrar.register("web", "web-1", "127.0.0.1", 9001);
    }
    TestPki.write(caFile, TestPki.pem(otherCa.cert()));
    failsClearlyThenRecovers(https().caCertFile(caFile).build(),
        "is not signed by a CA we trust (CONSUL_CACERT is \"" + caFile + "\")",
        () -> TestPki.write(caFile, TestPki.pem(ca.cert())));
  }

  @Test
  void verifyIncoming_untrustedClientCertificate_thenAValidOneWritten_resolvesWithNoRestart() throws Exception {
    startAgent(true);
    Path caFile = TestPki.write(dir.resolve("ca.pem"), TestPki.pem(ca.cert()));
    Issued good = TestPki.leaf(ca, "client.dc1.consul", Alg.EC, List.of("client.dc1.consul"));
    Issued rogue = TestPki.leaf(otherCa, "rogue", Alg.RSA, List.of("client.dc1.consul"));
    ConsulConfig config = https().caCertFile(caFile).clientCertFile(clientCert(good)).clientKeyFile(clientKey(good))
        .build();
    try (Registrar registrar = new Registrar(config)) {
      registrar.register("web", "web-1", "127.0.0.1", 9001);
    }
    clientCert(rogue);
    clientKey(rogue);
    failsClearlyThenRecovers(config, "the agent refused our client certificate (subject \"CN=rogue\", issuer"
        + " \"CN=Some Other CA\")", () -> {
          clientKey(good);
          clientCert(good);
        });
  }

  @Test
  void plainHttpToTheHttpsAgent_saysUseHttps_andAChannelWithHttpsWorks() throws Exception {
    startAgent(false);
    Path caFile = TestPki.write(dir.resolve("ca.pem"), TestPki.pem(ca.cert()));
    try (Registrar registrar = new Registrar(https().caCertFile(caFile).build())) {
      registrar.register("web", "web-1", "127.0.0.1", 9001);
    }
    WatchRegistry registry = new WatchRegistry(Duration.ZERO);
    ConsulConfig plain = ConsulConfig.newBuilder().address(agent.httpAddress()).caCertFile(caFile).build();
    try (ResolverHarness h = new ResolverHarness(new ResolverProviderCore(plain, registry))) {
      assertThat(h.start("consul:///web").listener.awaitError().getDescription())
          .contains("the agent speaks HTTPS on this port").contains("set CONSUL_HTTP_SSL=true");
    }
    // the fix is a setting (CONSUL_HTTP_SSL=true), so a new channel with it
    ConsulConfig fixed = ConsulConfig.newBuilder().address(agent.httpAddress()).tls(true).caCertFile(caFile).build();
    try (ResolverHarness h = new ResolverHarness(new ResolverProviderCore(fixed, registry))) {
      h.start("consul:///web").listener.awaitPorts(9001);
    }
    await().atMost(Duration.ofSeconds(10)).until(() -> registry.watchCount() == 0);
  }
}
