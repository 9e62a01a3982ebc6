package io.github.grpcconsul.internal.consul;

import io.github.grpcconsul.consul.ConsulConfig;
import java.io.IOException;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.Principal;
import java.security.PrivateKey;
import java.security.cert.CertificateException;
import java.security.cert.CertificateExpiredException;
import java.security.cert.CertificateNotYetValidException;
import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLException;
import javax.net.ssl.X509ExtendedKeyManager;

/**
 * Turns TLS failures into one {@link ConsulTlsException} per mistake, with the fix. Classified from types and from
 * what the agent did, not from the JDK's message texts:
 * <ul>
 *   <li>the trust manager throws {@link UntrustedAgent} or {@link NameMismatch}, carrying the agent's chain;</li>
 *   <li>the key manager records that the agent asked for a client certificate ({@link Observations}), so an
 *       {@link SSLException} after that is the agent refusing our (missing or untrusted) certificate;</li>
 *   <li>any other {@link SSLException} over HTTPS is followed by one plain-HTTP {@code GET /v1/status/leader}
 *       (no token) to the same port: an HTTP answer other than Go's "Client sent an HTTP request to an HTTPS server."
 *       means the agent speaks plain HTTP there;</li>
 *   <li>plain HTTP answered by Go's 400 {@value #GO_HTTPS_ANSWER} means the agent speaks HTTPS.</li>
 * </ul>
 *
 * <p>Threading: stateless classification, called on the HTTP completion thread when a request failed; the one
 * plain-HTTP probe it may send is asynchronous. {@link Observations} is thread-safe (written by the JDK's key
 * manager during a handshake, read when classifying).
 */
final class TlsProblems {
  /** Go's TLS server answers plain HTTP on its HTTPS port with a 400 and exactly this body (plus a newline). */
  static final String GO_HTTPS_ANSWER = "Client sent an HTTP request to an HTTPS server.";
  private static final Duration PROBE_TIMEOUT = Duration.ofSeconds(10);

  private final ConsulConfig config;
  private final Observations observations;
  private final Function<HttpRequest, CompletableFuture<HttpResponse<byte[]>>> plainSender;
  private final java.util.function.Supplier<List<X509Certificate>> clientChain;

  TlsProblems(ConsulConfig config, Observations observations,
      Function<HttpRequest, CompletableFuture<HttpResponse<byte[]>>> plainSender,
      java.util.function.Supplier<List<X509Certificate>> clientChain) {
    this.config = config;
    this.observations = observations;
    this.plainSender = plainSender;
    this.clientChain = clientChain;
  }

  /** The agent's chain did not validate against our trust anchors. */
  static final class UntrustedAgent extends CertificateException {
    private static final long serialVersionUID = 1L;
    final transient X509Certificate[] chain;

    UntrustedAgent(X509Certificate[] chain, CertificateException cause) {
      super("the agent's certificate chain is not trusted: " + cause.getMessage(), cause);
      this.chain = chain.clone();
    }
  }

  /** The agent's chain is trusted but its certificate does not name the host (or tlsServerName). */
  static final class NameMismatch extends CertificateException {
    private static final long serialVersionUID = 1L;
    final transient X509Certificate[] chain;
    final String name;
    final boolean fromServerNameSetting;

    NameMismatch(X509Certificate[] chain, String name, boolean fromServerNameSetting, CertificateException cause) {
      super("the agent's certificate is not valid for " + (fromServerNameSetting ? "tlsServerName \"" + name
          + "\" (CONSUL_TLS_SERVER_NAME)" : "\"" + name + "\"") + ": its names are " + names(chain[0]), cause);
      this.chain = chain.clone();
      this.name = name;
      this.fromServerNameSetting = fromServerNameSetting;
    }
  }

  /** What the agents asked of us in handshakes, by {@code host:port}; shared by the clients a rotation builds. */
  static final class Observations {
    private record CertificateRequest(List<String> issuers, long atNanos) {}

    private final Map<String, CertificateRequest> requests = new ConcurrentHashMap<>();

    void certificateRequested(String host, int port, Principal[] issuers) {
      List<String> names = new ArrayList<>();
      if (issuers != null) {
        for (Principal p : issuers) {
          names.add(p.getName());
        }
      }
      requests.put(host + ":" + port, new CertificateRequest(List.copyOf(names), System.nanoTime()));
    }

    /**
     * The CAs the agent at host:port named when it asked for a client certificate, if it did in a handshake that
     * began after {@code sinceNanos} (so an older handshake cannot explain a newer failure).
     */
    List<String> certificateRequest(String host, int port, long sinceNanos) {
      CertificateRequest r = requests.get(host + ":" + port);
      if (r == null || r.atNanos() - sinceNanos < 0) {
        return null;
      }
      return r.issuers();
    }
  }

  /** A key manager that records the agent's CertificateRequest, then answers as the wrapped one (or with none). */
  static final class Observing extends X509ExtendedKeyManager {
    private final X509ExtendedKeyManager delegate; // null: no client certificate configured
    private final Observations observations;

    Observing(X509ExtendedKeyManager delegate, Observations observations) {
      this.delegate = delegate;
      this.observations = observations;
    }

    @Override
    public String chooseEngineClientAlias(String[] keyType, Principal[] issuers, SSLEngine engine) {
      if (engine != null && engine.getPeerHost() != null) {
        observations.certificateRequested(engine.getPeerHost(), engine.getPeerPort(), issuers);
      }
      return delegate == null ? null : delegate.chooseEngineClientAlias(keyType, issuers, engine);
    }

    @Override
    public String chooseClientAlias(String[] keyType, Principal[] issuers, Socket socket) {
      if (socket != null && socket.getRemoteSocketAddress() instanceof java.net.InetSocketAddress a) {
        observations.certificateRequested(a.getHostString(), a.getPort(), issuers); // getHostString: no DNS lookup
      }
      return delegate == null ? null : delegate.chooseClientAlias(keyType, issuers, socket);
    }

    @Override
    public String[] getClientAliases(String keyType, Principal[] issuers) {
      return delegate == null ? null : delegate.getClientAliases(keyType, issuers);
    }

    @Override
    public String[] getServerAliases(String keyType, Principal[] issuers) {
      return null;
    }

    @Override
    public String chooseServerAlias(String keyType, Principal[] issuers, Socket socket) {
      return null;
    }

    @Override
    public X509Certificate[] getCertificateChain(String alias) {
      return delegate == null ? null : delegate.getCertificateChain(alias);
    }

    @Override
    public PrivateKey getPrivateKey(String alias) {
      return delegate == null ? null : delegate.getPrivateKey(alias);
    }
  }

  /**
   * The error for a response that is Go's answer to plain HTTP on an HTTPS port, or null for any other response.
   */
  ConsulTlsException wrongProtocolAnswer(URI uri, String what, HttpResponse<byte[]> resp) {
    if (!"http".equals(uri.getScheme()) || !isGoHttpsAnswer(resp)) {
      return null;
    }
    return new ConsulTlsException(ConsulTlsException.Kind.AGENT_SPEAKS_HTTPS, prefix(uri, what)
        + "the agent speaks HTTPS on this port (it answered 400 \"" + GO_HTTPS_ANSWER + "\"): use https:// in"
        + " CONSUL_HTTP_ADDR, or set CONSUL_HTTP_SSL=true (ConsulConfig.Builder.tls(true)), and CONSUL_CACERT to"
        + " the CA that signed the agent's certificate", null);
  }

  private static boolean isGoHttpsAnswer(HttpResponse<byte[]> resp) {
    return resp.statusCode() == 400
        && new String(resp.body(), StandardCharsets.UTF_8).strip().equals(GO_HTTPS_ANSWER);
  }

  /**
   * The error to report for a failed exchange with {@code uri}, sent at {@code sentNanos} ({@link System#nanoTime()}):
   * a {@link ConsulTlsException} for a TLS mistake, otherwise {@code generic}. Never fails; may send one plain-HTTP
   * probe first.
   */
  CompletableFuture<IOException> explain(URI uri, String what, Throwable cause, IOException generic, long sentNanos) {
    UntrustedAgent untrusted = find(cause, UntrustedAgent.class);
    if (untrusted != null) {
      return CompletableFuture.completedFuture(untrusted(uri, what, untrusted));
    }
    NameMismatch mismatch = find(cause, NameMismatch.class);
    if (mismatch != null) {
      return CompletableFuture.completedFuture(nameMismatch(uri, what, mismatch));
    }
    SSLException ssl = find(cause, SSLException.class);
    if (ssl == null || !"https".equals(uri.getScheme())) {
      return CompletableFuture.completedFuture(generic);
    }
    List<String> accepted = observations.certificateRequest(uri.getHost(), uri.getPort(), sentNanos);
    if (accepted != null) {
      return CompletableFuture.completedFuture(clientCertificate(uri, what, accepted, ssl));
    }
    HttpRequest probe = HttpRequest.newBuilder(URI.create("http://" + uri.getRawAuthority() + ConsulJson.PATH_STATUS_LEADER))
        .timeout(PROBE_TIMEOUT).GET().build(); // no token: it must never travel in plain text
    CompletableFuture<HttpResponse<byte[]>> answer;
    try {
      answer = plainSender.apply(probe);
    } catch (RuntimeException e) {
      answer = CompletableFuture.failedFuture(e);
    }
    return answer.handle((resp, err) -> {
      if (resp != null && !isGoHttpsAnswer(resp)) {
        return new ConsulTlsException(ConsulTlsException.Kind.AGENT_SPEAKS_HTTP, prefix(uri, what)
            + "the agent speaks plain HTTP on this port, not HTTPS (a plain-HTTP request to it was answered with "
            + resp.statusCode() + "): use http:// in CONSUL_HTTP_ADDR and unset CONSUL_HTTP_SSL, or give the"
            + " agent's HTTPS port (ports.https, 8501 by default)", cause);
      }
      return new ConsulTlsException(ConsulTlsException.Kind.HANDSHAKE_FAILED, prefix(uri, what)
          + "the TLS handshake failed (" + ssl.getMessage() + "): check that the agent serves HTTPS on this port,"
          + " and, if it requires client certificates (verify_incoming), set CONSUL_CLIENT_CERT and"
          + " CONSUL_CLIENT_KEY", cause);
    });
  }

  private ConsulTlsException untrusted(URI uri, String what, UntrustedAgent e) {
    X509Certificate leaf = e.chain[0];
    String expiry = expiry(e.chain);
    String ca = config.caCertFile() == null
        ? "CONSUL_CACERT is not set, so only the JDK's default CAs are trusted"
        : "CONSUL_CACERT is \"" + config.caCertFile() + "\"";
    String text = expiry != null
        ? "the agent's certificate " + describe(leaf) + " " + expiry + ": renew the agent's certificate (its"
            + " tls cert_file), or fix this machine's clock"
        : "the agent's certificate " + describe(leaf) + " is not signed by a CA we trust (" + ca + "): set"
            + " CONSUL_CACERT (ConsulConfig.Builder.caCertFile) to the PEM file of the CA that signed it, \""
            + issuer(e.chain[e.chain.length - 1]) + "\"";
    return new ConsulTlsException(ConsulTlsException.Kind.UNTRUSTED_AGENT_CERTIFICATE, prefix(uri, what) + text, e);
  }

  private static ConsulTlsException nameMismatch(URI uri, String what, NameMismatch e) {
    X509Certificate leaf = e.chain[0];
    String text = e.fromServerNameSetting
        ? "the agent's certificate " + describe(leaf) + " is not valid for tlsServerName \"" + e.name
            + "\" (CONSUL_TLS_SERVER_NAME): its names are " + names(leaf) + ": set CONSUL_TLS_SERVER_NAME to one of"
            + " them"
        : "the agent's certificate " + describe(leaf) + " does not name \"" + uri.getHost() + "\": its names are "
            + names(leaf) + ": use one of them as the host in CONSUL_HTTP_ADDR, set CONSUL_TLS_SERVER_NAME to one"
            + " of them (e.g. server.<datacenter>.consul for Consul's own certificates), or reissue the agent's"
            + " certificate with this name";
    return new ConsulTlsException(ConsulTlsException.Kind.AGENT_CERTIFICATE_NAME, prefix(uri, what) + text, e);
  }

  private ConsulTlsException clientCertificate(URI uri, String what, List<String> accepted, SSLException e) {
    String cas = accepted.isEmpty() ? "" : " (it accepts certificates from " + String.join("; ", accepted) + ")";
    List<X509Certificate> chain = config.clientCertFile() == null ? List.of() : clientChain.get();
    if (chain.isEmpty()) {
      return new ConsulTlsException(ConsulTlsException.Kind.CLIENT_CERTIFICATE_REQUIRED, prefix(uri, what)
          + "the agent requires a client certificate (verify_incoming) and none is configured" + cas + ": set"
          + " CONSUL_CLIENT_CERT and CONSUL_CLIENT_KEY (ConsulConfig.Builder.clientCertFile/clientKeyFile) to a"
          + " certificate signed by a CA the agent trusts and its key (handshake: " + e.getMessage() + ")", e);
    }
    X509Certificate leaf = chain.get(0);
    String expiry = expiry(chain.toArray(new X509Certificate[0]));
    return new ConsulTlsException(ConsulTlsException.Kind.CLIENT_CERTIFICATE_REJECTED, prefix(uri, what)
        + "the agent refused our client certificate " + describe(leaf) + " from CONSUL_CLIENT_CERT \""
        + config.clientCertFile() + "\"" + (expiry == null ? "" : ", which " + expiry) + cas + ": set"
        + " CONSUL_CLIENT_CERT and CONSUL_CLIENT_KEY to a certificate (and its key) signed by a CA the agent trusts"
        + " (its tls ca_file) and valid now; the files are re-read when they change (handshake: " + e.getMessage()
        + ")", e);
  }

  private static String prefix(URI uri, String what) {
    return "TLS problem with Consul at " + uri.getScheme() + "://" + uri.getRawAuthority() + " (" + what + "): ";
  }

  /** "expired on ..." / "is not valid before ..." for the first certificate of the chain out of its validity. */
  private static String expiry(X509Certificate[] chain) {
    Date now = new Date();
    for (X509Certificate c : chain) {
      try {
        c.checkValidity(now);
      } catch (CertificateExpiredException e) {
        return (c == chain[0] ? "" : "(through " + c.getSubjectX500Principal().getName() + ") ") + "expired on "
            + c.getNotAfter().toInstant();
      } catch (CertificateNotYetValidException e) {
        return (c == chain[0] ? "" : "(through " + c.getSubjectX500Principal().getName() + ") ")
            + "is not valid before " + c.getNotBefore().toInstant();
      }
    }
    return null;
  }

  static String describe(X509Certificate c) {
    return "(subject \"" + c.getSubjectX500Principal().getName() + "\", issuer \"" + issuer(c) + "\")";
  }

  private static String issuer(X509Certificate c) {
    return c.getIssuerX500Principal().getName();
  }

  static String names(X509Certificate c) {
    Collection<List<?>> sans;
    try {
      sans = c.getSubjectAlternativeNames();
    } catch (CertificateParsingException e) {
      return "unreadable (" + e.getMessage() + ")";
    }
    if (sans == null) {
      return "none (no subject alternative names; the JDK, like Go, ignores the subject's CN)";
    }
    List<String> out = new ArrayList<>();
    for (List<?> san : sans) {
      int type = (Integer) san.get(0);
      if (type == 2) {
        out.add("DNS:" + san.get(1));
      } else if (type == 7) {
        out.add("IP:" + san.get(1));
      }
    }
    return out.isEmpty() ? "none (no DNS or IP subject alternative names)" : String.join(", ", out);
  }

  private static <T extends Throwable> T find(Throwable t, Class<T> type) {
    for (int depth = 0; t != null && depth < 20; depth++, t = t.getCause()) {
      if (type.isInstance(t)) {
        return type.cast(t);
      }
      for (Throwable s : t.getSuppressed()) {
        if (type.isInstance(s)) {
          return type.cast(s);
        }
      }
    }
    return null;
  }
}
