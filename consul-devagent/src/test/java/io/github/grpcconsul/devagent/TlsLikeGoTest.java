package io.github.grpcconsul.devagent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.net.http.HttpClient;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLHandshakeException;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.Test;

/**
 * The agent answers protocol mistakes the way Go's TLS server (so Consul) does, at once rather than at a timeout, so
 * clients' error messages can be tested against it (issue 16).
 */
class TlsLikeGoTest {
  private static DevAgent https(boolean verifyIncoming) throws Exception {
    DevAgent.Builder b = DevAgent.builder().tls(TlsTest.fixture("server.pem"), TlsTest.fixture("server-key.pem"));
    if (verifyIncoming) {
      b.tlsClientCa(TlsTest.fixture("ca.pem"));
    }
    return b.build();
  }

  @Test
  void plainHttpOnTheHttpsPortGetsGosAnswer() throws Exception {
    try (DevAgent agent = https(false)) {
      InetSocketAddress address = agent.start();
      try (RawHttp raw = new RawHttp(address)) {
        raw.write("GET /v1/agent/self HTTP/1.1\r\nHost: x\r\n\r\n");
        // Read to EOF: the answer is complete and the server has closed (a timeout would throw instead).
        assertThat(raw.rest()).isEqualTo("HTTP/1.0 400 Bad Request\r\n\r\n"
            + "Client sent an HTTP request to an HTTPS server.\n");
      }
      // The port still serves HTTPS.
      Http http = new Http(agent, HttpClient.newBuilder().sslContext(TlsTest.client(false)).build());
      assertThat(http.get("/v1/status/leader").statusCode()).isEqualTo(200);
    }
  }

  @Test
  void plainHttpFromJavaHttpClientFailsAtOnceNotAtItsTimeout() throws Exception {
    try (DevAgent agent = https(false)) {
      int port = agent.start().getPort();
      java.net.http.HttpResponse<String> r = HttpClient.newHttpClient().send(
          java.net.http.HttpRequest.newBuilder(java.net.URI.create("http://127.0.0.1:" + port + "/v1/agent/self"))
              .timeout(java.time.Duration.ofSeconds(30)).build(),
          java.net.http.HttpResponse.BodyHandlers.ofString());
      assertThat(r.statusCode()).isEqualTo(400);
      assertThat(r.body()).isEqualTo("Client sent an HTTP request to an HTTPS server.\n");
    }
  }

  @Test
  void tlsHandshakeOnTheHttpPortFailsAtOnce() throws Exception {
    try (DevAgent agent = DevAgent.builder().build()) {
      InetSocketAddress address = agent.start();
      try (SSLSocket s = (SSLSocket) TlsTest.client(false).getSocketFactory()
          .createSocket(address.getAddress(), address.getPort())) {
        s.setSoTimeout(30_000);
        assertThatThrownBy(s::startHandshake).isInstanceOf(SSLException.class)
            .isNotInstanceOf(SocketTimeoutException.class);
      }
      try (RawHttp raw = new RawHttp(address)) {
        // What the client was sent: a plain-text 400 (read here without TLS).
        raw.write("\u0016\u0003\u0001\u0000\u0005hello");
        assertThat(raw.rest()).startsWith("HTTP/1.1 400 Bad Request\r\n").endsWith("\r\n\r\n400 Bad Request");
      }
      assertThat(new Http(agent).get("/v1/status/leader").statusCode()).isEqualTo(200);
    }
  }

  @Test
  void missingClientCertificateEndsWithAnAlertInTls13() throws Exception {
    // Go sends certificate_required; JDK 17's TLS 1.3 server sends bad_certificate (newer JDKs may send either).
    assertThat(handshakeWithoutClientCertificate("TLSv1.3"))
        .matches("Received fatal alert: (certificate_required|bad_certificate)");
  }

  @Test
  void missingClientCertificateEndsWithBadCertificateInTls12() throws Exception {
    assertThat(handshakeWithoutClientCertificate("TLSv1.2")).contains("bad_certificate");
  }

  /** The message of the alert the client receives. */
  private static String handshakeWithoutClientCertificate(String protocol) throws Exception {
    try (DevAgent agent = https(true)) {
      InetSocketAddress address = agent.start();
      try (SSLSocket s = (SSLSocket) TlsTest.client(false).getSocketFactory()
          .createSocket(address.getAddress(), address.getPort())) {
        s.setSoTimeout(30_000);
        s.setEnabledProtocols(new String[] {protocol});
        Throwable failure = null;
        try {
          // In TLS 1.3 the client's handshake completes before the server checks its certificate; the alert
          // arrives on the first read.
          s.startHandshake();
          s.getOutputStream().write("GET /v1/agent/self HTTP/1.1\r\nHost: x\r\n\r\n".getBytes());
          s.getOutputStream().flush();
          InputStream in = s.getInputStream();
          in.read();
        } catch (SSLException e) {
          failure = e;
        }
        assertThat(failure).isInstanceOf(SSLException.class).isNotInstanceOf(SocketTimeoutException.class);
        if (protocol.equals("TLSv1.2")) {
          assertThat(failure).isInstanceOf(SSLHandshakeException.class);
        }
        return failure.getMessage();
      }
    }
  }
}
