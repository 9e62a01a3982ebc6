package io.github.grpcconsul.devagent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.InputStream;
import java.net.http.HttpClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.security.KeyFactory;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.Base64;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.Test;

class TlsTest {
  static Path fixture(String name) throws Exception {
    return Paths.get(TlsTest.class.getResource("/tls/" + name).toURI());
  }

  static SSLContext client(boolean withCert) throws Exception {
    KeyStore trust = KeyStore.getInstance("PKCS12");
    trust.load(null, null);
    CertificateFactory cf = CertificateFactory.getInstance("X.509");
    try (InputStream in = Files.newInputStream(fixture("ca.pem"))) {
      trust.setCertificateEntry("ca", cf.generateCertificate(in));
    }
    TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    tmf.init(trust);
    KeyManagerFactory kmf = null;
    if (withCert) {
      String pem = Files.readString(fixture("client-key.pem"));
      byte[] der = Base64.getMimeDecoder().decode(pem.replaceAll("-----[A-Z ]+-----", ""));
      KeyStore ks = KeyStore.getInstance("PKCS12");
      ks.load(null, null);
      Certificate cert;
      try (InputStream in = Files.newInputStream(fixture("client.pem"))) {
        cert = cf.generateCertificate(in);
      }
      ks.setKeyEntry("client", KeyFactory.getInstance("RSA").generatePrivate(new PKCS8EncodedKeySpec(der)),
          new char[0], new Certificate[] {cert});
      kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
      kmf.init(ks, new char[0]);
    }
    SSLContext ctx = SSLContext.getInstance("TLS");
    ctx.init(kmf == null ? null : kmf.getKeyManagers(), tmf.getTrustManagers(), null);
    return ctx;
  }

  @Test
  void servesHttps() throws Exception {
    try (DevAgent agent = DevAgent.builder().tls(fixture("server.pem"), fixture("server-key.pem")).build()) {
      agent.start();
      assertThat(agent.baseUri().getScheme()).isEqualTo("https");
      Http http = new Http(agent, HttpClient.newBuilder().sslContext(client(false)).build());
      assertThat(http.put("/v1/agent/service/register", "{\"Name\": \"web\"}").statusCode()).isEqualTo(200);
      assertThat(Http.json(http.get("/v1/health/service/web")).getAsJsonArray()).hasSize(1);
    }
  }

  @Test
  void mutualTlsRejectsClientsWithoutCertificate() throws Exception {
    try (DevAgent agent = DevAgent.builder().tls(fixture("server.pem"), fixture("server-key.pem"))
        .tlsClientCa(fixture("ca.pem")).build()) {
      agent.start();
      Http withCert = new Http(agent, HttpClient.newBuilder().sslContext(client(true)).build());
      assertThat(withCert.get("/v1/agent/self").statusCode()).isEqualTo(200);
      Http without = new Http(agent, HttpClient.newBuilder().sslContext(client(false)).build());
      assertThatThrownBy(() -> without.get("/v1/agent/self")).isInstanceOf(java.io.UncheckedIOException.class);
      assertThat(withCert.get("/v1/agent/self").statusCode()).isEqualTo(200);
    }
  }

  @Test
  void badKeyFileNamesTheFix() throws Exception {
    DevAgent agent = DevAgent.builder().tls(fixture("server.pem"), fixture("server.pem")).build();
    assertThatThrownBy(agent::start).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("PKCS#8");
    assertThat(agent.isRunning()).isFalse();
  }
}
