package io.github.grpcconsul.internal.consul;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.grpcconsul.consul.ConsulConfig;
import io.github.grpcconsul.internal.consul.TestPki.Alg;
import io.github.grpcconsul.internal.consul.TestPki.Issued;
import io.github.grpcconsul.internal.consul.TestPki.KeyFormat;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.PrivateKey;
import java.security.Signature;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Keys and certificates in the PEM forms Consul's tooling and openssl write. */
class PemReaderTest {
  private static Issued rsaCa;
  private static Issued ecCa;
  private static Issued rsaLeaf;
  private static Issued ecLeaf;

  @TempDir Path dir;

  @BeforeAll
  static void pki() {
    rsaCa = TestPki.ca("RSA CA", Alg.RSA);
    ecCa = TestPki.ca("Consul Agent CA", Alg.EC);
    rsaLeaf = TestPki.leaf(rsaCa, "client.dc1.consul", Alg.RSA, List.of("localhost"));
    ecLeaf = TestPki.leaf(ecCa, "client.dc1.consul", Alg.EC, List.of("localhost"));
  }

  private Path write(String name, String text) throws Exception {
    Path p = dir.resolve(name);
    Files.writeString(p, text);
    return p;
  }

  /** The key read back signs what the certificate's public key verifies: it is the same key. */
  private static void assertSameKey(PrivateKey read, Issued leaf) throws Exception {
    String alg = read.getAlgorithm().equals("RSA") ? "SHA256withRSA" : "SHA256withECDSA";
    Signature s = Signature.getInstance(alg);
    s.initSign(read);
    s.update(new byte[] {1, 2, 3});
    byte[] sig = s.sign();
    Signature v = Signature.getInstance(alg);
    v.initVerify(leaf.cert().getPublicKey());
    v.update(new byte[] {1, 2, 3});
    assertThat(v.verify(sig)).isTrue();
  }

  @ParameterizedTest
  @EnumSource(value = KeyFormat.class, names = {"PKCS8", "TRADITIONAL"})
  void rsaKeys_pkcs8AndPkcs1(KeyFormat format) throws Exception {
    String pem = TestPki.pem(rsaLeaf.keys().getPrivate(), format);
    assertThat(pem).startsWith(format == KeyFormat.PKCS8 ? "-----BEGIN PRIVATE KEY-----"
        : "-----BEGIN RSA PRIVATE KEY-----");
    PrivateKey key = PemReader.privateKey(write("key.pem", pem));
    assertThat(key.getAlgorithm()).isEqualTo("RSA");
    assertSameKey(key, rsaLeaf);
  }

  @ParameterizedTest
  @EnumSource(value = KeyFormat.class, names = {"PKCS8", "TRADITIONAL", "SEC1_MINIMAL", "SEC1_WITH_PARAMS_BLOCK"})
  void ecP256Keys_pkcs8AndSec1_withAndWithoutOptionalFields(KeyFormat format) throws Exception {
    String pem = TestPki.pem(ecLeaf.keys().getPrivate(), format);
    if (format != KeyFormat.PKCS8) {
      assertThat(pem).contains("-----BEGIN EC PRIVATE KEY-----");
    }
    PrivateKey key = PemReader.privateKey(write("key.pem", pem));
    assertThat(key.getAlgorithm()).isEqualTo("EC");
    assertSameKey(key, ecLeaf);
  }

  @Test
  void consulStyleSec1Key_fromConsulTlsCertCreate_works() throws Exception {
    // What `consul tls cert create -client` writes (Go's x509.MarshalECPrivateKey: version, key, named curve,
    // public key), with the file names Consul uses.
    String key = TestPki.pem(ecLeaf.keys().getPrivate(), KeyFormat.TRADITIONAL);
    Path keyFile = write("dc1-client-consul-0-key.pem", key);
    Path certFile = write("dc1-client-consul-0.pem", TestPki.pem(ecLeaf.cert()));
    ConsulConfig cfg = ConsulConfig.newBuilder().tls(true).clientCertFile(certFile).clientKeyFile(keyFile).build();
    TlsSupport.Material m = TlsSupport.load(cfg, new TlsProblems.Observations());
    assertThat(m.clientChain()).hasSize(1);
  }

  @Test
  void encryptedKeys_areRefused_sayingHowToDecrypt() throws Exception {
    Path pkcs8 = write("enc8.pem", TestPki.pem(rsaLeaf.keys().getPrivate(), KeyFormat.PKCS8_ENCRYPTED));
    assertThatThrownBy(() -> PemReader.privateKey(pkcs8))
        .hasMessageContaining("client key file \"" + pkcs8 + "\" (CONSUL_CLIENT_KEY / clientKeyFile)")
        .hasMessageContaining("encrypted").hasMessageContaining("openssl pkcs8 -in " + pkcs8);
    Path legacyRsa = write("encrsa.pem", TestPki.pem(rsaLeaf.keys().getPrivate(), KeyFormat.TRADITIONAL_ENCRYPTED));
    assertThat(Files.readString(legacyRsa)).contains("Proc-Type: 4,ENCRYPTED");
    assertThatThrownBy(() -> PemReader.privateKey(legacyRsa))
        .hasMessageContaining("encrypted key (Proc-Type: 4,ENCRYPTED)").hasMessageContaining("openssl rsa -in");
    Path legacyEc = write("encec.pem", TestPki.pem(ecLeaf.keys().getPrivate(), KeyFormat.TRADITIONAL_ENCRYPTED));
    assertThatThrownBy(() -> PemReader.privateKey(legacyEc)).hasMessageContaining("openssl ec -in");
  }

  @Test
  void certificateChains_inOrder_skippingTextAndOtherBlocks() throws Exception {
    String text = "subject=CN = client\nissuer=CN = RSA CA\n" + TestPki.pem(rsaLeaf.cert())
        + "some comment\n" + TestPki.pem(rsaCa.cert())
        + TestPki.pem(rsaLeaf.keys().getPrivate(), KeyFormat.PKCS8);
    List<java.security.cert.X509Certificate> chain = PemReader.certificates(write("chain.pem", text), "chain",
        "TEST");
    assertThat(chain).containsExactly(rsaLeaf.cert(), rsaCa.cert());
    // the key in the same file is found too
    assertSameKey(PemReader.privateKey(dir.resolve("chain.pem")), rsaLeaf);
  }

  @Test
  void brokenFiles_nameTheFileAndTheProblem() throws Exception {
    Path none = write("none.pem", TestPki.pem(rsaLeaf.cert()));
    assertThatThrownBy(() -> PemReader.privateKey(none)).hasMessageContaining("holds no private key")
        .hasMessageContaining("BEGIN EC PRIVATE KEY");
    Path cut = write("cut.pem", "-----BEGIN EC PRIVATE KEY-----\nMHcCAQEE\n");
    assertThatThrownBy(() -> PemReader.privateKey(cut)).hasMessageContaining("no -----END EC PRIVATE KEY-----");
    Path garbage = write("garbage.pem", "-----BEGIN RSA PRIVATE KEY-----\nAAAA\n-----END RSA PRIVATE KEY-----\n");
    assertThatThrownBy(() -> PemReader.privateKey(garbage)).hasMessageContaining("not valid DER");
    Path noCert = write("nocert.pem", "hello");
    assertThatThrownBy(() -> PemReader.certificates(noCert, "CA certificate file", "CONSUL_CACERT / caCertFile"))
        .hasMessageContaining("CA certificate file \"" + noCert + "\" (CONSUL_CACERT / caCertFile) holds no"
            + " certificate");
  }

  @Test
  void keyOfAnotherCertificate_isRefused_namingBothFiles() throws Exception {
    Path cert = write("cert.pem", TestPki.pem(rsaLeaf.cert()));
    Path key = write("key.pem", TestPki.pem(ecLeaf.keys().getPrivate(), KeyFormat.PKCS8));
    ConsulConfig cfg = ConsulConfig.newBuilder().tls(true).clientCertFile(cert).clientKeyFile(key).build();
    assertThatThrownBy(() -> TlsSupport.load(cfg, new TlsProblems.Observations()))
        .hasMessageContaining("the client key \"" + key + "\"").hasMessageContaining("does not belong to the client"
            + " certificate \"" + cert + "\"");
  }

  @ParameterizedTest
  @org.junit.jupiter.params.provider.ValueSource(strings = {"secp384r1", "secp521r1"})
  void sec1KeysWithoutCurve_p384AndP521_followFromTheKeyLength(String curve) throws Exception {
    java.security.KeyPairGenerator g = java.security.KeyPairGenerator.getInstance("EC");
    g.initialize(new java.security.spec.ECGenParameterSpec(curve));
    java.security.KeyPair kp = g.generateKeyPair();
    java.security.interfaces.ECPrivateKey ec = (java.security.interfaces.ECPrivateKey) kp.getPrivate();
    int bits = curve.equals("secp384r1") ? 384 : 521;
    String pem = "-----BEGIN EC PRIVATE KEY-----\n" + java.util.Base64.getMimeEncoder().encodeToString(
        new org.bouncycastle.asn1.sec.ECPrivateKey(bits, ec.getS()).getEncoded()) + "\n-----END EC PRIVATE KEY-----\n";
    java.security.interfaces.ECPrivateKey read = (java.security.interfaces.ECPrivateKey) PemReader.privateKey(
        write("key.pem", pem));
    assertThat(read.getS()).isEqualTo(ec.getS());
    assertThat(read.getParams().getOrder()).isEqualTo(ec.getParams().getOrder());
  }
}
