package io.github.grpcconsul.internal.consul;

import io.github.grpcconsul.consul.ConsulConfig;
import static io.github.grpcconsul.internal.consul.ConsulClientProtocolTest.failure;
import static io.github.grpcconsul.internal.consul.FakeConsul.tls;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.grpcconsul.devagent.DevAgent;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** ACL tokens and TLS against the dev agent. */
class ConsulSecurityTest {
  private static final String ROOT = "root-secret";
  private static final String READ_ONLY = "read-only-secret";

  @TempDir Path dir;
  private DevAgent agent;
  private ConsulClient client;

  @AfterEach
  void tearDown() {
    if (client != null) {
      client.close();
    }
    if (agent != null) {
      agent.close();
    }
  }

  private DevAgent start(DevAgent.Builder b) {
    agent = b.build();
    agent.start();
    return agent;
  }

  private ConsulClient client(Map<String, String> env) {
    client = ConsulClient.create(ConfigAccess.fromEnvironment(env));
    return client;
  }

  private static ServiceDefinition svc() {
    return ServiceDefinition.newBuilder("web").id("web-1").port(80).build();
  }

  @Test
  void acl_tokenFromEnvironment_isSentAndAccepted() throws Exception {
    start(DevAgent.builder().aclManagementToken(ROOT));
    ConsulClient c = client(Map.of("CONSUL_HTTP_ADDR", agent.httpAddress(), "CONSUL_HTTP_TOKEN", ROOT));
    c.registerService(svc(), false).get(10, TimeUnit.SECONDS);
    assertThat(c.agentService("web-1").get(10, TimeUnit.SECONDS)).isPresent();
  }

  @Test
  void acl_unknownToken_saysTokenNotFound_withoutTheToken() throws Exception {
    start(DevAgent.builder().aclManagementToken(ROOT));
    ConsulClient c = client(Map.of("CONSUL_HTTP_ADDR", agent.httpAddress(), "CONSUL_HTTP_TOKEN", "no-such-token"));
    Throwable t = failure(c.healthService(HealthQuery.of("web"), 0, Duration.ofSeconds(1)));
    assertThat(t).isInstanceOf(ConsulException.class)
        .hasMessageContaining("token not found (check CONSUL_HTTP_TOKEN / the token configured)")
        .hasMessageNotContaining("no-such-token");
    assertThat(((ConsulException) t).isAclDenied()).isTrue();
  }

  @Test
  void acl_readOnlyToken_writeSaysPermissionMissing() throws Exception {
    start(DevAgent.builder().aclManagementToken(ROOT).aclReadOnlyToken(READ_ONLY));
    ConsulClient c = client(Map.of("CONSUL_HTTP_ADDR", agent.httpAddress(), "CONSUL_HTTP_TOKEN", READ_ONLY));
    Throwable t = failure(c.registerService(svc(), false));
    assertThat(t).isInstanceOf(ConsulException.class).hasMessageContaining("token lacks permission")
        .hasMessageContaining("service:write");
  }

  @Test
  void acl_tokenFile_isReReadAfterRotation() throws Exception {
    start(DevAgent.builder().aclManagementToken(ROOT));
    Path file = dir.resolve("token");
    Files.writeString(file, "stale-token\n");
    ConsulClient c = client(Map.of("CONSUL_HTTP_ADDR", agent.httpAddress(), "CONSUL_HTTP_TOKEN_FILE",
        file.toString()));
    assertThat(failure(c.registerService(svc(), false))).isInstanceOf(ConsulException.class);
    Files.writeString(file, ROOT + "\n");
    c.registerService(svc(), false).get(10, TimeUnit.SECONDS);
  }

  @Test
  void acl_tokenSupplier_rotates() throws Exception {
    start(DevAgent.builder().aclManagementToken(ROOT));
    AtomicReference<String> token = new AtomicReference<>("old");
    client = ConsulClient.create(ConsulConfig.newBuilder().address(agent.httpAddress()).tokenSupplier(token::get)
        .build());
    assertThat(failure(client.registerService(svc(), false))).isInstanceOf(ConsulException.class);
    token.set(ROOT);
    client.registerService(svc(), false).get(10, TimeUnit.SECONDS);
  }

  @Test
  void tls_verifiedWithCaBundle() throws Exception {
    start(DevAgent.builder().tls(tls("server.pem"), tls("server-key.pem")));
    ConsulClient c = client(Map.of("CONSUL_HTTP_ADDR", agent.httpAddress(), "CONSUL_HTTP_SSL", "true",
        "CONSUL_CACERT", tls("ca.pem").toString()));
    assertThat(c.agentSelf().get(10, TimeUnit.SECONDS).nodeName()).isEqualTo(agent.nodeName());
  }

  @Test
  void tls_untrustedServer_failsTheHandshake_unlessVerifyIsOff() throws Exception {
    start(DevAgent.builder().tls(tls("server.pem"), tls("server-key.pem")));
    ConsulClient c = client(Map.of("CONSUL_HTTP_ADDR", "https://" + agent.httpAddress(),
        "CONSUL_CACERT", tls("other-ca.pem").toString()));
    assertThat(failure(c.agentSelf())).isInstanceOf(IOException.class)
        .hasStackTraceContaining("PKIX path building failed");
    c.close();
    ConsulClient insecure = client(Map.of("CONSUL_HTTP_ADDR", "https://" + agent.httpAddress(),
        "CONSUL_CACERT", tls("other-ca.pem").toString(), "CONSUL_HTTP_SSL_VERIFY", "false"));
    assertThat(insecure.agentSelf().get(10, TimeUnit.SECONDS).nodeName()).isEqualTo(agent.nodeName());
  }

  @Test
  void tls_serverNameOverride_isHonoured() throws Exception {
    start(DevAgent.builder().tls(tls("server.pem"), tls("server-key.pem")));
    ConsulClient good = client(Map.of("CONSUL_HTTP_ADDR", "https://" + agent.httpAddress(),
        "CONSUL_CACERT", tls("ca.pem").toString(), "CONSUL_TLS_SERVER_NAME", "localhost"));
    assertThat(good.agentSelf().get(10, TimeUnit.SECONDS).nodeName()).isEqualTo(agent.nodeName());
    good.close();
    ConsulClient wrong = client(Map.of("CONSUL_HTTP_ADDR", "https://" + agent.httpAddress(),
        "CONSUL_CACERT", tls("ca.pem").toString(), "CONSUL_TLS_SERVER_NAME", "consul.example.com"));
    assertThat(failure(wrong.agentSelf())).isInstanceOf(IOException.class)
        .hasStackTraceContaining("not valid for tlsServerName \"consul.example.com\"");
  }

  @Test
  void mtls_withClientCertificate_andRejectedWithout() throws Exception {
    start(DevAgent.builder().tls(tls("server.pem"), tls("server-key.pem")).tlsClientCa(tls("ca.pem")));
    ConsulClient c = client(Map.of("CONSUL_HTTP_ADDR", "https://" + agent.httpAddress(),
        "CONSUL_CACERT", tls("ca.pem").toString(),
        "CONSUL_CLIENT_CERT", tls("client.pem").toString(),
        "CONSUL_CLIENT_KEY", tls("client-key.pem").toString()));
    assertThat(c.agentSelf().get(10, TimeUnit.SECONDS).nodeName()).isEqualTo(agent.nodeName());
    c.close();
    ConsulClient noCert = client(Map.of("CONSUL_HTTP_ADDR", "https://" + agent.httpAddress(),
        "CONSUL_CACERT", tls("ca.pem").toString()));
    assertThat(failure(noCert.agentSelf())).isInstanceOf(IOException.class);
  }

  @Test
  void tlsFileErrors_nameTheFileSettingAndFix() throws Exception {
    Path notPem = dir.resolve("ca.pem");
    Files.writeString(notPem, "hello");
    assertThatThrownBy(() -> ConsulClient.create(ConsulConfig.newBuilder().tls(true).caCertFile(notPem).build()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("CA certificate file \"" + notPem + "\" (CONSUL_CACERT / caCertFile)");
    Path missing = dir.resolve("missing.pem");
    assertThatThrownBy(() -> ConsulClient.create(ConsulConfig.newBuilder().tls(true).caCertFile(missing).build()))
        .hasMessageContaining("cannot be read").hasMessageContaining("fix the path");
    Path rsa = dir.resolve("rsa.pem");
    Files.writeString(rsa, "-----BEGIN RSA PRIVATE KEY-----\nAAAA\n-----END RSA PRIVATE KEY-----\n");
    assertThatThrownBy(() -> ConsulClient.create(ConsulConfig.newBuilder().tls(true)
        .clientCertFile(tls("client.pem")).clientKeyFile(rsa).build()))
        .hasMessageContaining("client key file \"" + rsa + "\" (CONSUL_CLIENT_KEY / clientKeyFile) holds a RSA PRIVATE"
            + " KEY block that is not valid DER");
  }

  @Test
  void pemKeys_parseRsaFixture() throws Exception {
    assertThat(TlsSupport.privateKey(tls("client-key.pem")).getAlgorithm()).isEqualTo("RSA");
    assertThat(TlsSupport.certificates(tls("ca.pem"), "ca", "test")).hasSize(1);
  }
}
