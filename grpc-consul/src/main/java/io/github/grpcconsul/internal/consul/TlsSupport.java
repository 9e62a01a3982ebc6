package io.github.grpcconsul.internal.consul;

import io.github.grpcconsul.consul.ConsulConfig;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.CertificateException;
import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.Base64;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import javax.net.ssl.KeyManager;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509ExtendedTrustManager;
import javax.net.ssl.X509TrustManager;

/**
 * Builds the {@link SSLContext} for HTTPS to the agent from PEM files, with the JDK only.
 *
 * <p>Host-name verification: the JDK HttpClient verifies the URI host itself. When {@code tlsServerName} is set we
 * install a trust manager that checks the chain and then matches the certificate against that name instead (the JDK
 * HttpClient offers no way to override the expected name). SNI still carries the address's host name.
 */
final class TlsSupport {
  private static final char[] NO_PASSWORD = new char[0];

  private TlsSupport() {}

  static SSLContext sslContext(ConsulConfig cfg) throws IOException {
    try {
      TrustManager trust = trustManager(cfg);
      KeyManager[] keys = cfg.clientCertFile() == null ? null
          : keyManagers(cfg.clientCertFile(), cfg.clientKeyFile());
      SSLContext ctx = SSLContext.getInstance("TLS");
      ctx.init(keys, new TrustManager[] {trust}, null);
      return ctx;
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
      List<X509Certificate> cas = certificates(cfg.caCertFile(), "CA certificate file", "CONSUL_CACERT / caCertFile");
      anchors = KeyStore.getInstance(KeyStore.getDefaultType());
      anchors.load(null, null);
      int i = 0;
      for (X509Certificate ca : cas) {
        anchors.setCertificateEntry("ca-" + i++, ca);
      }
    }
    TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    tmf.init(anchors);
    X509TrustManager delegate = null;
    for (TrustManager tm : tmf.getTrustManagers()) {
      if (tm instanceof X509TrustManager) {
        delegate = (X509TrustManager) tm;
      }
    }
    if (delegate == null) {
      throw new GeneralSecurityException("no X509TrustManager available");
    }
    return cfg.tlsServerName() == null ? delegate : new NamedServer(delegate, cfg.tlsServerName());
  }

  private static KeyManager[] keyManagers(Path certFile, Path keyFile) throws IOException, GeneralSecurityException {
    List<X509Certificate> chain = certificates(certFile, "client certificate file", "CONSUL_CLIENT_CERT / clientCertFile");
    PrivateKey key = privateKey(keyFile);
    KeyStore ks = KeyStore.getInstance(KeyStore.getDefaultType());
    ks.load(null, null);
    ks.setKeyEntry("client", key, NO_PASSWORD, chain.toArray(new X509Certificate[0]));
    KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
    kmf.init(ks, NO_PASSWORD);
    return kmf.getKeyManagers();
  }

  static List<X509Certificate> certificates(Path file, String what, String setting) throws IOException {
    byte[] pem = read(file, what, setting);
    try {
      java.security.cert.CertificateFactory cf = java.security.cert.CertificateFactory.getInstance("X.509");
      Collection<? extends java.security.cert.Certificate> certs = cf.generateCertificates(new ByteArrayInputStream(pem));
      if (certs.isEmpty()) {
        throw new IOException(what + " \"" + file + "\" (" + setting + ") holds no certificate: give a PEM file with"
            + " -----BEGIN CERTIFICATE----- blocks");
      }
      return certs.stream().map(c -> (X509Certificate) c).toList();
    } catch (CertificateException e) {
      throw new IOException(what + " \"" + file + "\" (" + setting + ") is not a PEM certificate file: " + e.getMessage()
          + ": give a PEM file with -----BEGIN CERTIFICATE----- blocks", e);
    }
  }

  static PrivateKey privateKey(Path file) throws IOException {
    String setting = "CONSUL_CLIENT_KEY / clientKeyFile";
    String pem = new String(read(file, "client key file", setting), StandardCharsets.US_ASCII);
    String begin = "-----BEGIN PRIVATE KEY-----";
    String end = "-----END PRIVATE KEY-----";
    int b = pem.indexOf(begin);
    int e = pem.indexOf(end);
    if (b < 0 || e < b) {
      String hint = pem.contains("BEGIN RSA PRIVATE KEY") || pem.contains("BEGIN EC PRIVATE KEY")
          ? "it is a PKCS#1/SEC1 key: convert it with `openssl pkcs8 -topk8 -nocrypt -in key.pem -out key-pkcs8.pem`"
          : pem.contains("BEGIN ENCRYPTED PRIVATE KEY")
              ? "it is encrypted: decrypt it with `openssl pkcs8 -in key.pem -out key-pkcs8.pem`"
              : "give an unencrypted PKCS#8 PEM key (-----BEGIN PRIVATE KEY-----)";
      throw new IOException("client key file \"" + file + "\" (" + setting + ") is not an unencrypted PKCS#8 PEM key: "
          + hint);
    }
    byte[] der;
    try {
      der = Base64.getMimeDecoder().decode(pem.substring(b + begin.length(), e));
    } catch (IllegalArgumentException ex) {
      throw new IOException("client key file \"" + file + "\" (" + setting + ") has broken base64: " + ex.getMessage(),
          ex);
    }
    PKCS8EncodedKeySpec spec = new PKCS8EncodedKeySpec(der);
    for (String algorithm : new String[] {"RSA", "EC", "Ed25519"}) {
      try {
        return KeyFactory.getInstance(algorithm).generatePrivate(spec);
      } catch (GeneralSecurityException ignored) {
        // try the next algorithm
      }
    }
    throw new IOException("client key file \"" + file + "\" (" + setting + ") holds a PKCS#8 key that is neither RSA,"
        + " EC nor Ed25519: use one of those");
  }

  private static byte[] read(Path file, String what, String setting) throws IOException {
    try {
      return Files.readAllBytes(file);
    } catch (IOException e) {
      throw new IOException(what + " \"" + file + "\" (" + setting + ") cannot be read: " + e
          + ": fix the path or the file's permissions", e);
    }
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

  /** Chain validation by the JDK, host-name verification against the configured name. */
  private static final class NamedServer extends X509ExtendedTrustManager {
    private final X509TrustManager delegate;
    private final String serverName;

    NamedServer(X509TrustManager delegate, String serverName) {
      this.delegate = delegate;
      this.serverName = serverName;
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType) throws CertificateException {
      delegate.checkServerTrusted(chain, authType);
      if (!matches(chain[0], serverName)) {
        throw new CertificateException("the agent's certificate is not valid for tlsServerName \"" + serverName
            + "\" (CONSUL_TLS_SERVER_NAME): its names are " + chain[0].getSubjectAlternativeNames()
            + ": set tlsServerName to one of them");
      }
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket)
        throws CertificateException {
      checkServerTrusted(chain, authType);
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
        throws CertificateException {
      checkServerTrusted(chain, authType);
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType) throws CertificateException {
      delegate.checkClientTrusted(chain, authType);
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket)
        throws CertificateException {
      delegate.checkClientTrusted(chain, authType);
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
        throws CertificateException {
      delegate.checkClientTrusted(chain, authType);
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
}
