package io.github.grpcconsul.internal.consul;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsParameters;
import com.sun.net.httpserver.HttpsServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.KeyStore;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.TrustManagerFactory;

/**
 * A scripted HTTP(S) server on a loopback port chosen by the OS, recording every request. For protocol-level tests
 * of the client (exact query strings, headers, TLS handshakes); behaviour tests run against the dev agent.
 */
final class FakeConsul implements AutoCloseable {
  record Recorded(String method, String path, String rawQuery, String token, String body) {}

  interface Handler {
    void handle(HttpExchange ex) throws IOException;
  }

  private final HttpServer server;
  private final ExecutorService executor = Executors.newCachedThreadPool();
  final List<Recorded> requests = new CopyOnWriteArrayList<>();
  private volatile Handler handler = ex -> respond(ex, 200, "[]", 1);

  private FakeConsul(HttpServer server) {
    this.server = server;
    server.setExecutor(executor);
    server.createContext("/", ex -> {
      try {
        String body = new String(ex.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
        requests.add(new Recorded(ex.getRequestMethod(), ex.getRequestURI().getRawPath(),
            ex.getRequestURI().getRawQuery(), ex.getRequestHeaders().getFirst("X-Consul-Token"), body));
        handler.handle(ex);
      } catch (IOException e) {
        // the client went away (e.g. a cancelled request)
      } finally {
        ex.close();
      }
    });
    server.start();
  }

  static FakeConsul http() throws IOException {
    return new FakeConsul(HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0));
  }

  /** HTTPS with the test fixtures' server certificate; {@code clientCa} non-null requires client certificates. */
  static FakeConsul https(String clientCa) throws Exception {
    HttpsServer s = HttpsServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    KeyStore ks = KeyStore.getInstance(KeyStore.getDefaultType());
    ks.load(null, null);
    ks.setKeyEntry("server", TlsSupport.privateKey(tls("server-key.pem")), new char[0],
        TlsSupport.certificates(tls("server.pem"), "server cert", "test").toArray(new java.security.cert.Certificate[0]));
    KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
    kmf.init(ks, new char[0]);
    TrustManagerFactory tmf = null;
    if (clientCa != null) {
      KeyStore ts = KeyStore.getInstance(KeyStore.getDefaultType());
      ts.load(null, null);
      ts.setCertificateEntry("ca", TlsSupport.certificates(tls(clientCa), "ca", "test").get(0));
      tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
      tmf.init(ts);
    }
    SSLContext ctx = SSLContext.getInstance("TLS");
    ctx.init(kmf.getKeyManagers(), tmf == null ? null : tmf.getTrustManagers(), null);
    boolean needClientAuth = clientCa != null;
    s.setHttpsConfigurator(new HttpsConfigurator(ctx) {
      @Override
      public void configure(HttpsParameters params) {
        SSLParameters p = ctx.getDefaultSSLParameters();
        p.setNeedClientAuth(needClientAuth);
        params.setSSLParameters(p);
      }
    });
    return new FakeConsul(s);
  }

  static Path tls(String name) {
    try {
      return Path.of(FakeConsul.class.getResource("/tls/" + name).toURI());
    } catch (URISyntaxException e) {
      throw new IllegalStateException(e);
    }
  }

  void handler(Handler h) {
    this.handler = h;
  }

  String address() {
    return "127.0.0.1:" + server.getAddress().getPort();
  }

  int port() {
    return server.getAddress().getPort();
  }

  static void respond(HttpExchange ex, int status, String body, long index) {
    try {
      byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
      if (index > 0) {
        ex.getResponseHeaders().set("X-Consul-Index", Long.toString(index));
        ex.getResponseHeaders().set("X-Consul-Knownleader", "true");
        ex.getResponseHeaders().set("X-Consul-Lastcontact", "0");
      }
      ex.sendResponseHeaders(status, bytes.length == 0 ? -1 : bytes.length);
      if (bytes.length > 0) {
        ex.getResponseBody().write(bytes);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Override
  public void close() {
    server.stop(0);
    executor.shutdownNow();
  }
}
