package io.github.grpcconsul.internal.consul;

import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.security.interfaces.ECPrivateKey;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.bouncycastle.asn1.ASN1Encodable;
import org.bouncycastle.asn1.DERBitString;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.openssl.jcajce.JcaPKCS8Generator;
import org.bouncycastle.openssl.jcajce.JceOpenSSLPKCS8EncryptorBuilder;
import org.bouncycastle.openssl.jcajce.JcePEMEncryptorBuilder;
import org.bouncycastle.operator.ContentSigner;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.bouncycastle.util.io.pem.PemObject;

/**
 * Certificates made in the test, as {@code consul tls ca create} / {@code consul tls cert create} and openssl would
 * make them: RSA or EC (P-256) CAs, agent certificates with chosen names, client certificates, and keys in every PEM
 * form (PKCS#8, PKCS#1 RSA, SEC1 EC with and without its optional fields, and encrypted).
 */
public final class TestPki {
  private static final AtomicLong SERIALS = new AtomicLong(System.currentTimeMillis());

  /** Key algorithm of a CA or leaf. */
  public enum Alg { RSA, EC }

  /** How a private key is written. */
  public enum KeyFormat {
    PKCS8,
    /** {@code BEGIN RSA PRIVATE KEY} (RSA keys) or SEC1 {@code BEGIN EC PRIVATE KEY} with parameters and public key. */
    TRADITIONAL,
    /** SEC1 {@code BEGIN EC PRIVATE KEY} without the optional parameters and public key fields (EC only). */
    SEC1_MINIMAL,
    /** SEC1 with the curve parameters but no public key (EC only), after an {@code EC PARAMETERS} block. */
    SEC1_WITH_PARAMS_BLOCK,
    /** {@code BEGIN ENCRYPTED PRIVATE KEY}. */
    PKCS8_ENCRYPTED,
    /** OpenSSL's legacy {@code Proc-Type: 4,ENCRYPTED}. */
    TRADITIONAL_ENCRYPTED
  }

  /** A certificate with its key. */
  public record Issued(X509Certificate cert, KeyPair keys, Alg alg) {
    public String subject() {
      return cert.getSubjectX500Principal().getName();
    }
  }

  private TestPki() {}

  public static KeyPair keyPair(Alg alg) {
    try {
      KeyPairGenerator g = KeyPairGenerator.getInstance(alg == Alg.RSA ? "RSA" : "EC");
      if (alg == Alg.RSA) {
        g.initialize(2048);
      } else {
        g.initialize(new ECGenParameterSpec("secp256r1"));
      }
      return g.generateKeyPair();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  public static Issued ca(String name, Alg alg) {
    KeyPair kp = keyPair(alg);
    return new Issued(build(new X500Name("CN=" + name), kp, null, kp, alg, true, List.of(), Duration.ofDays(1),
        Duration.ofDays(1)), kp, alg);
  }

  /** A leaf signed by {@code ca} with the given DNS names and IP addresses ("127.0.0.1"). */
  public static Issued leaf(Issued ca, String cn, Alg alg, List<String> names) {
    return leaf(ca, cn, alg, names, Duration.ofDays(1), Duration.ofDays(1));
  }

  /** A leaf valid from now - {@code before} to now + {@code after} (negative: in the past). */
  public static Issued leaf(Issued ca, String cn, Alg alg, List<String> names, Duration before, Duration after) {
    KeyPair kp = keyPair(alg);
    X509Certificate c = build(new X500Name("CN=" + cn), kp,
        new X500Name(ca.cert().getSubjectX500Principal().getName()), ca.keys(), ca.alg(), false, names, before, after);
    return new Issued(c, kp, alg);
  }

  private static X509Certificate build(X500Name subject, KeyPair subjectKeys, X500Name issuer, KeyPair issuerKeys,
      Alg issuerAlg, boolean isCa, List<String> names, Duration before, Duration after) {
    try {
      Instant now = Instant.now();
      X509v3CertificateBuilder b = new JcaX509v3CertificateBuilder(issuer == null ? subject : issuer,
          BigInteger.valueOf(SERIALS.incrementAndGet()), Date.from(now.minus(before)), Date.from(now.plus(after)),
          subject, subjectKeys.getPublic());
      b.addExtension(Extension.basicConstraints, true, new BasicConstraints(isCa));
      b.addExtension(Extension.keyUsage, true, isCa ? new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign)
          : new KeyUsage(KeyUsage.digitalSignature | KeyUsage.keyEncipherment));
      if (!names.isEmpty()) {
        List<GeneralName> gn = new ArrayList<>();
        for (String n : names) {
          gn.add(Character.isDigit(n.charAt(0)) || n.contains(":") ? new GeneralName(GeneralName.iPAddress, n)
              : new GeneralName(GeneralName.dNSName, n));
        }
        b.addExtension(Extension.subjectAlternativeName, false, new GeneralNames(gn.toArray(new GeneralName[0])));
      }
      ContentSigner signer = new JcaContentSignerBuilder(issuerAlg == Alg.RSA ? "SHA256withRSA" : "SHA256withECDSA")
          .build(issuerKeys.getPrivate());
      return new JcaX509CertificateConverter().getCertificate(b.build(signer));
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  /** PEM of certificates, in order. */
  public static String pem(X509Certificate... certs) {
    StringWriter out = new StringWriter();
    try (JcaPEMWriter w = new JcaPEMWriter(out)) {
      for (X509Certificate c : certs) {
        w.writeObject(c);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toString();
  }

  public static String pem(PrivateKey key, KeyFormat format) {
    try {
      StringWriter out = new StringWriter();
      try (JcaPEMWriter w = new JcaPEMWriter(out)) {
        switch (format) {
          case PKCS8:
            w.writeObject(new JcaPKCS8Generator(key, null));
            break;
          case TRADITIONAL:
            w.writeObject(key); // PKCS#1 for RSA, SEC1 with parameters and public key for EC
            break;
          case SEC1_MINIMAL: {
            ECPrivateKey ec = (ECPrivateKey) key;
            w.writeObject(new PemObject("EC PRIVATE KEY",
                new org.bouncycastle.asn1.sec.ECPrivateKey(256, ec.getS()).getEncoded()));
            break;
          }
          case SEC1_WITH_PARAMS_BLOCK: {
            ECPrivateKey ec = (ECPrivateKey) key;
            ASN1Encodable params = PrivateKeyInfo.getInstance(key.getEncoded()).getPrivateKeyAlgorithm()
                .getParameters();
            w.writeObject(new PemObject("EC PARAMETERS", params.toASN1Primitive().getEncoded()));
            w.writeObject(new PemObject("EC PRIVATE KEY",
                new org.bouncycastle.asn1.sec.ECPrivateKey(256, ec.getS(), (DERBitString) null, params).getEncoded()));
            break;
          }
          case PKCS8_ENCRYPTED:
            w.writeObject(new JcaPKCS8Generator(key, new JceOpenSSLPKCS8EncryptorBuilder(
                org.bouncycastle.openssl.PKCS8Generator.AES_256_CBC).setPassword("pw".toCharArray())
                .setProvider(new org.bouncycastle.jce.provider.BouncyCastleProvider()).setRandom(new SecureRandom())
                .build()));
            break;
          case TRADITIONAL_ENCRYPTED:
            w.writeObject(key, new JcePEMEncryptorBuilder("AES-128-CBC")
                .setProvider(new org.bouncycastle.jce.provider.BouncyCastleProvider()).build("pw".toCharArray()));
            break;
          default:
            throw new IllegalArgumentException(format.name());
        }
      }
      return out.toString();
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  /** Writes {@code text} to {@code file} by a rename, as consul-template and Vault agent do. */
  public static Path write(Path file, String text) {
    try {
      Path tmp = Files.createTempFile(file.toAbsolutePath().getParent(), file.getFileName().toString(), ".tmp");
      Files.writeString(tmp, text, StandardCharsets.US_ASCII);
      return Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Writes a certificate and a PKCS#8 key for the dev agent (it reads PKCS#8 only) into {@code dir}. */
  public static Path[] agentFiles(Path dir, String prefix, Issued server) {
    return new Path[] {write(dir.resolve(prefix + ".pem"), pem(server.cert())),
        write(dir.resolve(prefix + "-key.pem"), pem(server.keys().getPrivate(), KeyFormat.PKCS8))};
  }
}
