package io.github.grpcconsul.internal.consul;

import static io.github.grpcconsul.internal.consul.ConsulClientProtocolTest.failure;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.github.grpcconsul.devagent.DevAgent;
import io.github.grpcconsul.internal.consul.ConsulTlsException.Kind;
import io.github.grpcconsul.internal.consul.TestPki.Alg;
import io.github.grpcconsul.internal.consul.TestPki.Issued;
import io.github.grpcconsul.internal.consul.TestPki.KeyFormat;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Every TLS mistake of issue 16's table against the dev agent (which answers like Go's TLS server), with
 * certificates made in the test: the message names the agent, the setting and the certificate, never the token; and
 * the same client recovers once the files are fixed, or a client with the fixed setting works.
 */
class TlsMistakesTest {
  private static final String TOKEN = "secret-token-never-shown";
  private static Issued rsaCa;
  private static Issued ecCa;
  private static Issued otherCa;

  @TempDir Path dir;
  private DevAgent agent;
  private ConsulClient client;

  @BeforeAll
  static void pki() {
    rsaCa = TestPki.ca("Test RSA CA", Alg.RSA);
    ecCa = TestPki.ca("Consul Agent CA 1234", Alg.EC);
    otherCa = TestPki.ca("Some Other CA", Alg.RSA);
  }

  @AfterEach
  void tearDown() {
    if (client != null) {
      client.close();
    }
    if (agent != null) {
      agent.close();
    }
  }

  private static Issued ca(Alg alg) {
    return alg == Alg.RSA ? rsaCa : ecCa;
  }

  /** An HTTPS agent with a certificate from {@code ca} naming localhost and 127.0.0.1. */
  private DevAgent httpsAgent(Issued ca, Alg alg, Issued clientCa) {
    return httpsAgent(TestPki.leaf(ca, "server.dc1.consul", alg, List.of("server.dc1.consul", "localhost",
        "127.0.0.1")), clientCa);
  }

  private DevAgent httpsAgent(Issued server, Issued clientCa) {
    Path[] files = TestPki.agentFiles(dir, "agent", server);
    DevAgent.Builder b = DevAgent.builder().tls(files[0], files[1]);
    if (clientCa != null) {
      b.tlsClientCa(TestPki.write(dir.resolve("agent-client-ca.pem"), TestPki.pem(clientCa.cert())));
    }
    agent = b.build();
    agent.start();
    return agent;
  }

  private Path caFile(Issued ca) {
    return TestPki.write(dir.resolve("ca.pem"), TestPki.pem(ca.cert()));
  }

  private Path[] clientFiles(Issued cert, KeyFormat format) {
    return new Path[] {TestPki.write(dir.resolve("client.pem"), TestPki.pem(cert.cert())),
        TestPki.write(dir.resolve("client-key.pem"), TestPki.pem(cert.keys().getPrivate(), format))};
  }

  private ConsulClient client(Map<String, String> env) {
    Map<String, String> e = new HashMap<>(env);
    e.put("CONSUL_HTTP_TOKEN", TOKEN);
    if (client != null) {
      client.close();
    }
    client = ConsulClient.create(ConfigAccess.fromEnvironment(e));
    return client;
  }

  private ConsulTlsException tlsFailure(Kind kind) throws Exception {
    Throwable t = failure(client.agentSelf());
    assertThat(t).isInstanceOf(ConsulTlsException.class);
    ConsulTlsException e = (ConsulTlsException) t;
    assertThat(e.kind()).as(e.getMessage()).isEqualTo(kind);
    assertThat(e.getMessage()).doesNotContain(TOKEN).contains("Consul at https://127.0.0.1:" + port()
        + " (GET /v1/agent/self)");
    return e;
  }

  private int port() {
    return agent.baseUri().getPort();
  }

  private void works() throws Exception {
    assertThat(client.agentSelf().get(30, TimeUnit.SECONDS).nodeName()).isEqualTo(agent.nodeName());
  }

  @ParameterizedTest
  @EnumSource(Alg.class)
  void noCaConfigured_namesTheCertificateAndCONSUL_CACERT_thenANewClientWithItWorks(Alg alg) throws Exception {
    httpsAgent(ca(alg), alg, null);
    client(Map.of("CONSUL_HTTP_ADDR", "https://" + agent.httpAddress()));
    String m = tlsFailure(Kind.UNTRUSTED_AGENT_CERTIFICATE).getMessage();
    assertThat(m).contains("the agent's certificate (subject \"CN=server.dc1.consul\", issuer \"CN="
        + ca(alg).subject().substring(3) + "\") is not signed by a CA we trust (CONSUL_CACERT is not set")
        .contains("set CONSUL_CACERT");
    client(Map.of("CONSUL_HTTP_ADDR", "https://" + agent.httpAddress(), "CONSUL_CACERT",
        caFile(ca(alg)).toString()));
    works();
  }

  @Test
  void wrongCa_namesTheFile_andRecoversWhenTheCaFileIsRewritten_noRestart() throws Exception {
    httpsAgent(ecCa, Alg.EC, null);
    Path ca = caFile(otherCa);
    client(Map.of("CONSUL_HTTP_ADDR", "https://" + agent.httpAddress(), "CONSUL_CACERT", ca.toString()));
    String m = tlsFailure(Kind.UNTRUSTED_AGENT_CERTIFICATE).getMessage();
    assertThat(m).contains("issuer \"CN=Consul Agent CA 1234\"").contains("CONSUL_CACERT is \"" + ca + "\"");
    caFile(ecCa); // the same path, new content
    works();
    assertThat(client.httpClientNamesForTest()).hasSize(2);
  }

  @Test
  void expiredAgentCertificate_saysItExpired() throws Exception {
    httpsAgent(TestPki.leaf(rsaCa, "server.dc1.consul", Alg.EC, List.of("127.0.0.1"), Duration.ofDays(2),
        Duration.ofDays(-1)), null);
    client(Map.of("CONSUL_HTTP_ADDR", "https://" + agent.httpAddress(), "CONSUL_CACERT", caFile(rsaCa).toString()));
    assertThat(tlsFailure(Kind.UNTRUSTED_AGENT_CERTIFICATE).getMessage()).contains("expired on")
        .contains("renew the agent's certificate");
  }

  @Test
  void certificateWithoutTheAddress_namesItsNames_andTlsServerNameFixesIt() throws Exception {
    httpsAgent(TestPki.leaf(ecCa, "server.dc1.consul", Alg.EC, List.of("server.dc1.consul")), null);
    String ca = caFile(ecCa).toString();
    client(Map.of("CONSUL_HTTP_ADDR", "https://" + agent.httpAddress(), "CONSUL_CACERT", ca));
    assertThat(tlsFailure(Kind.AGENT_CERTIFICATE_NAME).getMessage())
        .contains("does not name \"127.0.0.1\": its names are DNS:server.dc1.consul")
        .contains("set CONSUL_TLS_SERVER_NAME");
    client(Map.of("CONSUL_HTTP_ADDR", "https://" + agent.httpAddress(), "CONSUL_CACERT", ca,
        "CONSUL_TLS_SERVER_NAME", "consul.example.com"));
    assertThat(tlsFailure(Kind.AGENT_CERTIFICATE_NAME).getMessage())
        .contains("not valid for tlsServerName \"consul.example.com\" (CONSUL_TLS_SERVER_NAME): its names are"
            + " DNS:server.dc1.consul");
    client(Map.of("CONSUL_HTTP_ADDR", "https://" + agent.httpAddress(), "CONSUL_CACERT", ca,
        "CONSUL_TLS_SERVER_NAME", "server.dc1.consul"));
    works();
  }

  @Test
  void clientCertificateRequired_noneConfigured_saysSetCONSUL_CLIENT_CERT() throws Exception {
    httpsAgent(rsaCa, Alg.RSA, ecCa);
    String ca = caFile(rsaCa).toString();
    client(Map.of("CONSUL_HTTP_ADDR", "https://" + agent.httpAddress(), "CONSUL_CACERT", ca));
    assertThat(tlsFailure(Kind.CLIENT_CERTIFICATE_REQUIRED).getMessage())
        .contains("the agent requires a client certificate (verify_incoming) and none is configured")
        .contains("it accepts certificates from CN=Consul Agent CA 1234")
        .contains("set CONSUL_CLIENT_CERT and CONSUL_CLIENT_KEY");
    Path[] files = clientFiles(TestPki.leaf(ecCa, "client.dc1.consul", Alg.EC, List.of("client.dc1.consul")),
        KeyFormat.TRADITIONAL);
    client(Map.of("CONSUL_HTTP_ADDR", "https://" + agent.httpAddress(), "CONSUL_CACERT", ca,
        "CONSUL_CLIENT_CERT", files[0].toString(), "CONSUL_CLIENT_KEY", files[1].toString()));
    works();
  }

  @ParameterizedTest(name = "{0} CA, {1} client key as {2}")
  @CsvSource({"RSA, RSA, PKCS8", "RSA, RSA, TRADITIONAL", "EC, EC, PKCS8", "EC, EC, TRADITIONAL",
      "EC, EC, SEC1_MINIMAL", "EC, EC, SEC1_WITH_PARAMS_BLOCK", "RSA, EC, TRADITIONAL", "EC, RSA, TRADITIONAL"})
  void mutualTls_withEveryKeyForm(Alg caAlg, Alg keyAlg, KeyFormat format) throws Exception {
    httpsAgent(ca(caAlg), caAlg, ca(caAlg));
    Path[] files = clientFiles(TestPki.leaf(ca(caAlg), "client.dc1.consul", keyAlg, List.of("client.dc1.consul")),
        format);
    client(Map.of("CONSUL_HTTP_ADDR", "https://" + agent.httpAddress(), "CONSUL_CACERT",
        caFile(ca(caAlg)).toString(), "CONSUL_CLIENT_CERT", files[0].toString(),
        "CONSUL_CLIENT_KEY", files[1].toString()));
    works();
  }

  @Test
  void verifyIncoming_clientCertificateRotatedToAnUntrustedOne_failsClearly_thenAValidOneWorksWithNoRestart()
      throws Exception {
    httpsAgent(ecCa, Alg.EC, ecCa);
    Issued good = TestPki.leaf(ecCa, "client.dc1.consul", Alg.EC, List.of("client.dc1.consul"));
    Path[] files = clientFiles(good, KeyFormat.TRADITIONAL);
    client(Map.of("CONSUL_HTTP_ADDR", "https://" + agent.httpAddress(), "CONSUL_CACERT", caFile(ecCa).toString(),
        "CONSUL_CLIENT_CERT", files[0].toString(), "CONSUL_CLIENT_KEY", files[1].toString()));
    works();
    // the agent closes idle connections only when it wants to: the rotated files must take effect for new ones
    Issued untrusted = TestPki.leaf(otherCa, "rogue.client", Alg.RSA, List.of("client.dc1.consul"));
    clientFiles(untrusted, KeyFormat.TRADITIONAL);
    String m = tlsFailure(Kind.CLIENT_CERTIFICATE_REJECTED).getMessage();
    assertThat(m).contains("the agent refused our client certificate (subject \"CN=rogue.client\", issuer"
        + " \"CN=Some Other CA\") from CONSUL_CLIENT_CERT \"" + files[0] + "\"")
        .contains("it accepts certificates from CN=Consul Agent CA 1234");
    clientFiles(good, KeyFormat.PKCS8);
    works();
  }

  @Test
  void expiredClientCertificate_saysItExpired_andRecoversWithTheRenewedFiles() throws Exception {
    httpsAgent(rsaCa, Alg.RSA, rsaCa);
    Path[] files = clientFiles(TestPki.leaf(rsaCa, "client.dc1.consul", Alg.RSA, List.of(), Duration.ofHours(2),
        Duration.ofHours(-1)), KeyFormat.TRADITIONAL);
    client(Map.of("CONSUL_HTTP_ADDR", "https://" + agent.httpAddress(), "CONSUL_CACERT", caFile(rsaCa).toString(),
        "CONSUL_CLIENT_CERT", files[0].toString(), "CONSUL_CLIENT_KEY", files[1].toString()));
    assertThat(tlsFailure(Kind.CLIENT_CERTIFICATE_REJECTED).getMessage()).contains("which expired on");
    clientFiles(TestPki.leaf(rsaCa, "client.dc1.consul", Alg.RSA, List.of()), KeyFormat.TRADITIONAL);
    works();
  }

  @Test
  void plainHttpToAnHttpsAgent_saysUseHttps() throws Exception {
    httpsAgent(rsaCa, Alg.RSA, null);
    client(Map.of("CONSUL_HTTP_ADDR", agent.httpAddress()));
    Throwable t = failure(client.agentSelf());
    assertThat(t).isInstanceOf(ConsulTlsException.class);
    assertThat(((ConsulTlsException) t).kind()).isEqualTo(Kind.AGENT_SPEAKS_HTTPS);
    assertThat(t.getMessage()).doesNotContain(TOKEN)
        .startsWith("TLS problem with Consul at http://127.0.0.1:" + port() + " (GET /v1/agent/self): the agent"
            + " speaks HTTPS on this port")
        .contains("use https:// in CONSUL_HTTP_ADDR, or set CONSUL_HTTP_SSL=true");
    client(Map.of("CONSUL_HTTP_ADDR", agent.httpAddress(), "CONSUL_HTTP_SSL", "true",
        "CONSUL_CACERT", caFile(rsaCa).toString()));
    works();
  }

  @Test
  void httpsToAPlainAgent_saysUseHttp_atOnce() throws Exception {
    agent = DevAgent.builder().build();
    agent.start();
    // long timeouts, so that a failure well before them shows the agent answered (it used to hang until the
    // connect timeout)
    client = ConsulClient.create(ConfigAccess.fromEnvironment(Map.of("CONSUL_HTTP_ADDR", agent.httpAddress(),
        "CONSUL_HTTP_SSL", "true", "CONSUL_CACERT", caFile(rsaCa).toString())).toBuilder()
        .connectTimeout(Duration.ofSeconds(60)).requestTimeout(Duration.ofSeconds(60)).build());
    long start = System.nanoTime();
    String m = tlsFailure(Kind.AGENT_SPEAKS_HTTP).getMessage();
    assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(30));
    assertThat(m).contains("the agent speaks plain HTTP on this port, not HTTPS")
        .contains("use http:// in CONSUL_HTTP_ADDR and unset CONSUL_HTTP_SSL");
    client(Map.of("CONSUL_HTTP_ADDR", "http://" + agent.httpAddress()));
    works();
  }

  @Test
  void brokenFilesAfterARotation_failWithTheFile_andTheNextGoodWriteWorks() throws Exception {
    httpsAgent(rsaCa, Alg.RSA, rsaCa);
    Issued good = TestPki.leaf(rsaCa, "client.dc1.consul", Alg.RSA, List.of());
    Path[] files = clientFiles(good, KeyFormat.PKCS8);
    client(Map.of("CONSUL_HTTP_ADDR", "https://" + agent.httpAddress(), "CONSUL_CACERT", caFile(rsaCa).toString(),
        "CONSUL_CLIENT_CERT", files[0].toString(), "CONSUL_CLIENT_KEY", files[1].toString()));
    works();
    // half a rotation: the new certificate is there, its key not yet
    TestPki.write(files[0], TestPki.pem(TestPki.leaf(rsaCa, "client.dc1.consul", Alg.RSA, List.of()).cert()));
    Throwable t = failure(client.agentSelf());
    assertThat(t).isInstanceOf(ConsulTlsException.class).hasMessageContaining("TLS files for Consul changed and"
        + " cannot be used").hasMessageContaining("does not belong to the client certificate \"" + files[0] + "\"");
    clientFiles(good, KeyFormat.TRADITIONAL);
    works();
  }

  @Test
  void rotation_inFlightRequestsFinishOnTheOldClient_andRetiredClientsLeaveNoThread() throws Exception {
    httpsAgent(ecCa, Alg.EC, ecCa);
    Path[] files = clientFiles(TestPki.leaf(ecCa, "client.dc1.consul", Alg.EC, List.of()), KeyFormat.TRADITIONAL);
    client(Map.of("CONSUL_HTTP_ADDR", "https://" + agent.httpAddress(), "CONSUL_CACERT", caFile(ecCa).toString(),
        "CONSUL_CLIENT_CERT", files[0].toString(), "CONSUL_CLIENT_KEY", files[1].toString()));
    long index = client.healthService(HealthQuery.of("web"), 0, Duration.ZERO).get(30, TimeUnit.SECONDS).index();
    var parked = client.healthService(HealthQuery.of("web"), index, Duration.ofSeconds(3));
    await().atMost(Duration.ofSeconds(20)).until(() -> agent.parkedQueries() == 1);
    for (int i = 0; i < 3; i++) {
      clientFiles(TestPki.leaf(ecCa, "client.dc1.consul", Alg.EC, List.of()), KeyFormat.PKCS8);
      works();
    }
    // the blocking query started before the rotations ends normally, on the client it started on
    assertThat(parked.get(30, TimeUnit.SECONDS).index()).isEqualTo(index);
    List<String> names = client.httpClientNamesForTest();
    assertThat(names).hasSize(4);
    List<String> retired = names.subList(0, 3).stream()
        .map(n -> "HttpClient-" + ConsulClientProtocolTest.selectorId(n) + "-SelectorManager").toList();
    String last = "HttpClient-" + ConsulClientProtocolTest.selectorId(names.get(3)) + "-SelectorManager";
    // nothing references the retired clients: their selector threads end while the ConsulClient is still open
    await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(200)).untilAsserted(() -> {
      System.gc();
      assertThat(ConsulClientProtocolTest.liveThreadNames()).doesNotContainAnyElementsOf(retired).contains(last);
    });
    List<Thread> threads = client.threadsForTest();
    client.close();
    await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(200)).untilAsserted(() -> {
      System.gc();
      assertThat(threads).noneMatch(Thread::isAlive);
      assertThat(ConsulClientProtocolTest.liveThreadNames()).doesNotContain(last);
    });
  }

  @Test
  void agentReplacedByAPlainOneOnTheSamePort_aftermTlsWorked_saysPlainHttp_notTheClientCertificate()
      throws Exception {
    httpsAgent(rsaCa, Alg.RSA, rsaCa);
    int port = port();
    Path[] files = clientFiles(TestPki.leaf(rsaCa, "client.dc1.consul", Alg.RSA, List.of()), KeyFormat.TRADITIONAL);
    client(Map.of("CONSUL_HTTP_ADDR", "https://" + agent.httpAddress(), "CONSUL_CACERT", caFile(rsaCa).toString(),
        "CONSUL_CLIENT_CERT", files[0].toString(), "CONSUL_CLIENT_KEY", files[1].toString()));
    works(); // the agent asked for our certificate in this handshake
    agent.close();
    agent = DevAgent.builder().httpPort(port).build();
    agent.start();
    assertThat(tlsFailure(Kind.AGENT_SPEAKS_HTTP).getMessage()).contains("use http:// in CONSUL_HTTP_ADDR");
  }
}
