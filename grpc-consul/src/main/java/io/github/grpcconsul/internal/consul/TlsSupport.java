package io.github.grpcconsul.internal.consul;

import io.github.grpcconsul.consul.ConsulConfig;
import java.io.IOException;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.Signature;
import java.security.cert.CertificateException;
import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import javax.net.ssl.KeyManager;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509ExtendedKeyManager;
import javax.net.ssl.X509ExtendedTrustManager;

/**
 * Builds the {@link SSLContext} for HTTPS to the agent from PEM files, with the JDK only (keys in PKCS#8, PKCS#1 RSA
 * or SEC1 EC form: see {@link PemReader}).
 *
 * <p>The trust manager tells the two ways the agent's certificate can be refused apart by type, so that
 * {@link TlsProblems} can name the fix: {@link TlsProblems.UntrustedAgent} (the chain does not lead to a CA we trust)
 * and {@link TlsProblems.NameMismatch} (the chain is trusted but does not name the host, or {@code tlsServerName}).
 * Both carry the agent's chain, for its subject and issuer.
 *
 * <p>Host-name verification: the JDK HttpClient verifies the URI host itself. When {@code tlsServerName} is set we
 * check the chain and then match the certificate against that name instead (the JDK HttpClient offers no way to
 * override the expected name). SNI still carries the address's host name.
 *
 * <p>Threading: stateless static functions that build an {@code SSLContext}, called when a client is created or its
 * TLS files changed (the caller of {@link ConsulClient#create} or a request's thread, see {@link HttpClients}); they
 * read PEM files, so they may block on file I/O. The trust managers they return are immutable and called by the
 * JDK's TLS handshake on the HTTP client's threads.
 */
final class TlsSupport {
  private static final char[] NO_PASSWORD = new char[0];
  private static final byte[] PROBE = "grpc-consul key check".getBytes(StandardCharsets.US_ASCII);

  private TlsSupport() {}

  /** What a TLS set-up was built from: the context, and the client chain (empty without a client certificate). */
  record Material(SSLContext context, List<X509Certificate> clientChain) {}

  /**
   * Reads the CA, client certificate and key files and builds a context whose key manager reports the agent's
   * certificate requests to {@code observations}.
   */
  static Material load(ConsulConfig cfg, TlsProblems.Observations observations) throws IOException {
    try {
      TrustManager trust = trustManager(cfg);
      List<X509Certificate> chain = List.of();
      X509ExtendedKeyManager keys = null;
      if (cfg.clientCertFile() != null) {
        chain = PemReader.certificates(cfg.clientCertFile(), "client certificate file",
            "CONSUL_CLIENT_CERT / clientCertFile");
        PrivateKey key = PemReader.privateKey(cfg.clientKeyFile());
        requireMatch(chain.get(0), key, cfg);
        keys = keyManager(chain, key);
      }
      SSLContext ctx = SSLContext.getInstance("TLS");
      ctx.init(new KeyManager[] {new TlsProblems.Observing(keys, observations)}, new TrustManager[] {trust}, null);
      return new Material(ctx, chain);
    } catch (GeneralSecurityException e) {
      throw new IOException("cannot set up TLS to Consul (" + cfg + "): " + e, e);
    }
  }

  private static TrustManager trustManager(ConsulConfig cfg) throws IOException, GeneralSecurityException {
    if (!cfg.tlsVerify()) {
      return new TrustAll();
    }
    KeyStore anchors = null;
    if (cfg.caCertFile() != null) {
      List<X509Certificate> cas = PemReader.certificates(cfg.caCertFile(), "CA certificate file",
          "CONSUL_CACERT / caCertFile");
      anchors = KeyStore.getInstance("PKCS12");
      anchors.load(null, null);
      int i = 0;
      for (X509Certificate ca : cas) {
        anchors.setCertificateEntry("ca-" + i++, ca);
      }
    }
    TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    tmf.init(anchors);
    X509ExtendedTrustManager delegate = null;
    for (TrustManager tm : tmf.getTrustManagers()) {
      if (tm instanceof X509ExtendedTrustManager) {
        delegate = (X509ExtendedTrustManager) tm;
      }
    }
    if (delegate == null) {
      throw new GeneralSecurityException("no X509ExtendedTrustManager available");
    }
    return new Checking(delegate, cfg.tlsServerName());
  }

  private static X509ExtendedKeyManager keyManager(List<X509Certificate> chain, PrivateKey key)
      throws IOException, GeneralSecurityException {
    KeyStore ks = KeyStore.getInstance("PKCS12");
    ks.load(null, null);
    ks.setKeyEntry("client", key, NO_PASSWORD, chain.toArray(new X509Certificate[0]));
    KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
    kmf.init(ks, NO_PASSWORD);
    for (KeyManager km : kmf.getKeyManagers()) {
      if (km instanceof X509ExtendedKeyManager) {
        return (X509ExtendedKeyManager) km;
      }
    }
    throw new GeneralSecurityException("no X509ExtendedKeyManager available");
  }

  /**
   * Refuses a key that does not belong to the certificate, as Go's {@code tls.X509KeyPair} does (otherwise the agent
   * would refuse the handshake with an alert that says nothing about which file is wrong): signs a probe with the
   * key and verifies it with the certificate's public key.
   */
  private static void requireMatch(X509Certificate cert, PrivateKey key, ConsulConfig cfg) throws IOException {
    String algorithm;
    switch (key.getAlgorithm()) {
      case "RSA":
        algorithm = "SHA256withRSA";
        break;
      case "EC":
        algorithm = "SHA256withECDSA";
        break;
      case "Ed25519":
      case "Ed448":
      case "EdDSA":
        algorithm = key.getAlgorithm();
        break;
      default:
        return; // no probe for this algorithm: the agent will judge
    }
    boolean ok;
    try {
      Signature signer = Signature.getInstance(algorithm);
      signer.initSign(key);
      signer.update(PROBE);
      byte[] sig = signer.sign();
      Signature verifier = Signature.getInstance(algorithm);
      verifier.initVerify(cert.getPublicKey());
      verifier.update(PROBE);
      ok = verifier.verify(sig);
    } catch (GeneralSecurityException e) {
      ok = false; // e.g. an EC key with an RSA certificate
    }
    if (!ok) {
      throw new IOException("the client key \"" + cfg.clientKeyFile() + "\" (CONSUL_CLIENT_KEY / clientKeyFile) does"
          + " not belong to the client certificate \"" + cfg.clientCertFile() + "\" (CONSUL_CLIENT_CERT /"
          + " clientCertFile, subject " + cert.getSubjectX500Principal().getName() + "): set both to files of the"
          + " same pair (after a rotation, write both before the next request)");
    }
  }

  static List<X509Certificate> certificates(Path file, String what, String setting) throws IOException {
    return PemReader.certificates(file, what, setting);
  }

  static PrivateKey privateKey(Path file) throws IOException {
    return PemReader.privateKey(file);
  }

  /** Matches a certificate's DNS/IP subject alternative names against a name (wildcards in the first label only). */
  static boolean matches(X509Certificate cert, String name) throws CertificateParsingException {
    Collection<List<?>> sans = cert.getSubjectAlternativeNames();
    if (sans == null) {
      return false;
    }
    String n = name.toLowerCase(Locale.ROOT);
    for (List<?> san : sans) {
      int type = (Integer) san.get(0);
      String value = String.valueOf(san.get(1)).toLowerCase(Locale.ROOT);
      if ((type == 2 || type == 7) && (value.equals(n) || wildcardMatch(value, n))) {
        return true;
      }
    }
    return false;
  }

  private static boolean wildcardMatch(String pattern, String name) {
    if (!pattern.startsWith("*.")) {
      return false;
    }
    int dot = name.indexOf('.');
    return dot > 0 && name.substring(dot).equals(pattern.substring(1));
  }

  /**
   * Chain validation by the JDK, then host-name verification: the JDK's against the address's host, or ours against
   * {@code tlsServerName}. Failures are typed, carrying the agent's chain.
   */
  private static final class Checking extends X509ExtendedTrustManager {
    private final X509ExtendedTrustManager delegate;
    private final String serverName; // null: verify the address's host

    Checking(X509ExtendedTrustManager delegate, String serverName) {
      this.delegate = delegate;
      this.serverName = serverName;
    }

    private void checkChain(X509Certificate[] chain, String authType) throws CertificateException {
      try {
        delegate.checkServerTrusted(chain, authType); // no endpoint identification in this variant
      } catch (CertificateException e) {
        throw new TlsProblems.UntrustedAgent(chain, e);
      }
    }

    private void checkServerName(X509Certificate[] chain) throws CertificateException {
      if (!matches(chain[0], serverName)) {
        throw new TlsProblems.NameMismatch(chain, serverName, true, null);
      }
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType) throws CertificateException {
      checkChain(chain, authType);
      if (serverName != null) {
        checkServerName(chain);
      }
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket)
        throws CertificateException {
      checkServerTrusted(chain, authType, socket != null
          && socket.getRemoteSocketAddress() instanceof java.net.InetSocketAddress a ? a.getHostString() : null,
          () -> delegate.checkServerTrusted(chain, authType, socket));
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
        throws CertificateException {
      checkServerTrusted(chain, authType, engine == null ? null : engine.getPeerHost(),
          () -> delegate.checkServerTrusted(chain, authType, engine));
    }

    /** The chain, then our server name, or else the JDK's host-name check (which {@code delegateCheck} runs). */
    private void checkServerTrusted(X509Certificate[] chain, String authType, String peerHost,
        DelegateCheck delegateCheck) throws CertificateException {
      checkChain(chain, authType);
      if (serverName != null) {
        checkServerName(chain);
        return;
      }
      try {
        // The chain passed above, so what fails here is the host-name check the HttpClient asked for.
        delegateCheck.run();
      } catch (CertificateException e) {
        throw new TlsProblems.NameMismatch(chain, peerHost, false, e);
      }
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType) throws CertificateException {
      delegate.checkClientTrusted(chain, authType);
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket)
        throws CertificateException {
      delegate.checkClientTrusted(chain, authType, socket);
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
        throws CertificateException {
      delegate.checkClientTrusted(chain, authType, engine);
    }

    @Override
    public X509Certificate[] getAcceptedIssuers() {
      return delegate.getAcceptedIssuers();
    }
  }

  /** {@code CONSUL_HTTP_SSL_VERIFY=false}: no chain or host-name check at all. */
  private static final class TrustAll extends X509ExtendedTrustManager {
    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType) {}

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType) {}

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket) {}

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket) {}

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine) {}

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine) {}

    @Override
    public X509Certificate[] getAcceptedIssuers() {
      return new X509Certificate[0];
    }
  }

  /** A delegate trust-manager call that may refuse the chain. */
  @FunctionalInterface
  private interface DelegateCheck {
    void run() throws CertificateException;
  }
}
