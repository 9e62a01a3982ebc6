package io.github.grpcconsul.internal.consul;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;

/**
 * Reads PEM certificates and unencrypted private keys the way Consul's Go client does, with the JDK only.
 *
 * <p>Keys: PKCS#8 ({@code BEGIN PRIVATE KEY}: RSA, EC, Ed25519), PKCS#1 RSA ({@code BEGIN RSA PRIVATE KEY}) and SEC1
 * EC ({@code BEGIN EC PRIVATE KEY}, what {@code consul tls cert create} writes; an {@code EC PARAMETERS} block before
 * it is skipped). The JDK's {@link KeyFactory} only takes PKCS#8, so PKCS#1 and SEC1 keys are wrapped into a PKCS#8
 * structure here: a few DER headers, no cryptography. Encrypted keys are refused with the openssl command that
 * decrypts them. Certificates: every {@code CERTIFICATE} block, in order; other blocks and text between them are
 * skipped, as Go's {@code tls.X509KeyPair} and {@code AppendCertsFromPEM} do.
 *
 * <p>Threading: stateless static functions, called where TLS files are read (see {@link TlsSupport}); they block on
 * reading the file.
 */
final class PemReader {
  private static final String KEY_SETTING = "CONSUL_CLIENT_KEY / clientKeyFile";
  /** rsaEncryption, 1.2.840.113549.1.1.1. */
  private static final byte[] OID_RSA = {0x2a, (byte) 0x86, 0x48, (byte) 0x86, (byte) 0xf7, 0x0d, 0x01, 0x01, 0x01};
  /** id-ecPublicKey, 1.2.840.10045.2.1. */
  private static final byte[] OID_EC = {0x2a, (byte) 0x86, 0x48, (byte) 0xce, 0x3d, 0x02, 0x01};
  /** prime256v1 (P-256), secp384r1, secp521r1: the curves Consul and Go use. */
  private static final byte[] OID_P256 = {0x2a, (byte) 0x86, 0x48, (byte) 0xce, 0x3d, 0x03, 0x01, 0x07};
  private static final byte[] OID_P384 = {0x2b, (byte) 0x81, 0x04, 0x00, 0x22};
  private static final byte[] OID_P521 = {0x2b, (byte) 0x81, 0x04, 0x00, 0x23};

  private static final int SEQUENCE = 0x30;
  private static final int INTEGER = 0x02;
  private static final int OCTET_STRING = 0x04;
  private static final int NULL = 0x05;
  private static final int OID = 0x06;
  private static final int CONTEXT_0 = 0xa0;

  private PemReader() {}

  /** One {@code -----BEGIN type-----} block: its type, its headers (RFC 1421 style) and its decoded bytes. */
  record Block(String type, boolean hasHeaders, String headers, byte[] der) {}

  /** The certificates of a PEM file, in file order. */
  static List<X509Certificate> certificates(Path file, String what, String setting) throws IOException {
    byte[] pem = read(file, what, setting);
    List<X509Certificate> certs = new ArrayList<>();
    CertificateFactory cf;
    try {
      cf = CertificateFactory.getInstance("X.509");
    } catch (CertificateException e) {
      throw new IOException("the JDK offers no X.509 certificate factory: " + e, e);
    }
    int n = 0;
    for (Block b : blocks(new String(pem, StandardCharsets.US_ASCII), file, what, setting)) {
      n++;
      if (!b.type().equals("CERTIFICATE") && !b.type().equals("TRUSTED CERTIFICATE")) {
        continue;
      }
      try {
        certs.add((X509Certificate) cf.generateCertificate(new ByteArrayInputStream(b.der())));
      } catch (CertificateException | ClassCastException e) {
        throw new IOException(what + " \"" + file + "\" (" + setting + "): PEM block " + n + " is not an X.509"
            + " certificate (" + e.getMessage() + "): give a PEM file with -----BEGIN CERTIFICATE----- blocks", e);
      }
    }
    if (certs.isEmpty()) {
      throw new IOException(what + " \"" + file + "\" (" + setting + ") holds no certificate: give a PEM file with"
          + " -----BEGIN CERTIFICATE----- blocks");
    }
    return List.copyOf(certs);
  }

  /** The first private key of a PEM file; PKCS#8, PKCS#1 RSA or SEC1 EC, unencrypted. */
  static PrivateKey privateKey(Path file) throws IOException {
    String pem = new String(read(file, "client key file", KEY_SETTING), StandardCharsets.US_ASCII);
    String where = "client key file \"" + file + "\" (" + KEY_SETTING + ")";
    for (Block b : blocks(pem, file, "client key file", KEY_SETTING)) {
      switch (b.type()) {
        case "ENCRYPTED PRIVATE KEY":
          throw new IOException(where + " holds an encrypted PKCS#8 key, and keys with a passphrase are not"
              + " supported (neither does Consul's client): decrypt it with `openssl pkcs8 -in " + file
              + " -out key.pem` and set " + KEY_SETTING + " to the decrypted file");
        case "PRIVATE KEY":
        case "RSA PRIVATE KEY":
        case "EC PRIVATE KEY":
          if (b.hasHeaders() && b.headers().contains("ENCRYPTED")) {
            throw new IOException(where + " holds an encrypted key (Proc-Type: 4,ENCRYPTED), and keys with a"
                + " passphrase are not supported (neither does Consul's client): decrypt it with `openssl "
                + (b.type().startsWith("RSA") ? "rsa" : b.type().startsWith("EC") ? "ec" : "pkey") + " -in " + file
                + " -out key.pem` and set " + KEY_SETTING + " to the decrypted file");
          }
          return decode(b, where);
        default:
          break; // EC PARAMETERS, certificates in the same file, ...
      }
    }
    throw new IOException(where + " holds no private key: give a PEM file with a -----BEGIN PRIVATE KEY-----,"
        + " -----BEGIN RSA PRIVATE KEY----- or -----BEGIN EC PRIVATE KEY----- block");
  }

  private static PrivateKey decode(Block b, String where) throws IOException {
    String format;
    byte[] pkcs8;
    String[] algorithms;
    try {
      switch (b.type()) {
        case "RSA PRIVATE KEY":
          format = "PKCS#1 RSA";
          pkcs8 = pkcs8(algorithmIdentifier(der(OID, OID_RSA), der(NULL, new byte[0])), b.der());
          algorithms = new String[] {"RSA"};
          break;
        case "EC PRIVATE KEY":
          format = "SEC1 EC";
          pkcs8 = pkcs8(algorithmIdentifier(der(OID, OID_EC), der(OID, curveOf(b.der()))), b.der());
          algorithms = new String[] {"EC"};
          break;
        default:
          format = "PKCS#8";
          pkcs8 = b.der();
          algorithms = new String[] {"RSA", "EC", "Ed25519", "Ed448"};
          break;
      }
    } catch (IOException e) {
      throw new IOException(where + " holds a " + b.type() + " block that is not valid DER (" + e.getMessage()
          + "): write the key again, e.g. with `openssl pkey -in key.pem -out key-fixed.pem`", e);
    }
    PKCS8EncodedKeySpec spec = new PKCS8EncodedKeySpec(pkcs8);
    GeneralSecurityException last = null;
    for (String algorithm : algorithms) {
      try {
        return KeyFactory.getInstance(algorithm).generatePrivate(spec);
      } catch (GeneralSecurityException e) {
        last = e;
      }
    }
    throw new IOException(where + " holds a " + format + " key the JDK cannot read (" + last.getMessage()
        + "): use an RSA, EC (P-256, P-384, P-521) or Ed25519 key", last);
  }

  /**
   * The named curve of a SEC1 {@code ECPrivateKey} (RFC 5915: version, privateKey, [0] parameters, [1] publicKey).
   * Without the optional parameters the curve follows from the private key's length, which SEC1 fixes per curve.
   */
  private static byte[] curveOf(byte[] sec1) throws IOException {
    Der seq = new Der(sec1, 0).expect(SEQUENCE);
    Der version = new Der(sec1, seq.contentStart).expect(INTEGER);
    Der key = new Der(sec1, version.end).expect(OCTET_STRING);
    if (key.end < seq.end && (sec1[key.end] & 0xff) == CONTEXT_0) {
      Der params = new Der(sec1, key.end);
      Der oid = new Der(sec1, params.contentStart);
      if (oid.tag != OID) {
        throw new IOException("the key has explicit curve parameters instead of a named curve: write it with a named"
            + " curve (`openssl ec -in key.pem -param_enc named_curve -out key-named.pem`)");
      }
      return Arrays.copyOfRange(sec1, oid.contentStart, oid.end);
    }
    switch (key.end - key.contentStart) {
      case 32:
        return OID_P256;
      case 48:
        return OID_P384;
      case 65:
      case 66:
        return OID_P521;
      default:
        throw new IOException("the key names no curve and its length (" + (key.end - key.contentStart)
            + " bytes) fits none of P-256, P-384, P-521");
    }
  }

  /** PrivateKeyInfo: version 0, algorithm, privateKey OCTET STRING (RFC 5208). */
  private static byte[] pkcs8(byte[] algorithm, byte[] key) throws IOException {
    new Der(key, 0).expect(SEQUENCE); // fail early on garbage rather than inside the KeyFactory
    return der(SEQUENCE, concat(der(INTEGER, new byte[] {0}), algorithm, der(OCTET_STRING, key)));
  }

  private static byte[] algorithmIdentifier(byte[] oid, byte[] params) {
    return der(SEQUENCE, concat(oid, params));
  }

  private static byte[] der(int tag, byte[] content) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(content.length + 6);
    out.write(tag);
    int len = content.length;
    if (len < 0x80) {
      out.write(len);
    } else {
      int bytes = len > 0xffffff ? 4 : len > 0xffff ? 3 : len > 0xff ? 2 : 1;
      out.write(0x80 | bytes);
      for (int i = bytes - 1; i >= 0; i--) {
        out.write(len >>> (8 * i));
      }
    }
    out.writeBytes(content);
    return out.toByteArray();
  }

  private static byte[] concat(byte[]... parts) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (byte[] p : parts) {
      out.writeBytes(p);
    }
    return out.toByteArray();
  }

  /** One DER element's header: tag, where its content starts and where the element ends. */
  private static final class Der {
    final int tag;
    final int contentStart;
    final int end;

    Der(byte[] b, int at) throws IOException {
      if (at + 2 > b.length) {
        throw new IOException("truncated at byte " + at);
      }
      tag = b[at] & 0xff;
      int len = b[at + 1] & 0xff;
      int pos = at + 2;
      if (len >= 0x80) {
        int n = len & 0x7f;
        if (n == 0 || n > 4 || pos + n > b.length) {
          throw new IOException("bad length at byte " + (at + 1));
        }
        len = 0;
        for (int i = 0; i < n; i++) {
          len = (len << 8) | (b[pos++] & 0xff);
        }
      }
      if (len < 0 || pos + len > b.length) {
        throw new IOException("length " + len + " at byte " + at + " runs past the end");
      }
      contentStart = pos;
      end = pos + len;
    }

    Der expect(int expected) throws IOException {
      if (tag != expected) {
        throw new IOException("expected tag 0x" + Integer.toHexString(expected) + ", found 0x"
            + Integer.toHexString(tag));
      }
      return this;
    }
  }

  /** The PEM blocks of a text, in order. */
  static List<Block> blocks(String text, Path file, String what, String setting) throws IOException {
    List<Block> blocks = new ArrayList<>();
    int from = 0;
    while (true) {
      int begin = text.indexOf("-----BEGIN ", from);
      if (begin < 0) {
        return blocks;
      }
      int typeEnd = text.indexOf("-----", begin + 11);
      if (typeEnd < 0) {
        return blocks;
      }
      String type = text.substring(begin + 11, typeEnd);
      String endMarker = "-----END " + type + "-----";
      int end = text.indexOf(endMarker, typeEnd + 5);
      if (end < 0) {
        throw new IOException(what + " \"" + file + "\" (" + setting + "): the " + type + " block has no "
            + endMarker + " line: the file is cut short or damaged");
      }
      String body = text.substring(typeEnd + 5, end);
      String headers = "";
      boolean hasHeaders = false;
      int blank = headerEnd(body);
      if (blank >= 0) {
        headers = body.substring(0, blank);
        body = body.substring(blank);
        hasHeaders = true;
      }
      byte[] der;
      try {
        der = Base64.getMimeDecoder().decode(body);
      } catch (IllegalArgumentException e) {
        throw new IOException(what + " \"" + file + "\" (" + setting + "): the " + type + " block has broken base64 ("
            + e.getMessage() + "): the file is damaged", e);
      }
      blocks.add(new Block(type, hasHeaders, headers, der));
      from = end + endMarker.length();
    }
  }

  /** Where RFC 1421 headers ({@code Proc-Type: ...}) end, or -1 when the block has none. */
  private static int headerEnd(String body) {
    String b = body.replace("\r\n", "\n");
    int firstLine = b.indexOf('\n', b.startsWith("\n") ? 1 : 0);
    String first = (firstLine < 0 ? b : b.substring(0, firstLine)).strip();
    if (!first.contains(":")) {
      return -1;
    }
    int blank = body.indexOf("\n\n");
    int blankCrlf = body.indexOf("\r\n\r\n");
    if (blankCrlf >= 0 && (blank < 0 || blankCrlf < blank)) {
      return blankCrlf + 4;
    }
    return blank < 0 ? body.length() : blank + 2;
  }

  static byte[] read(Path file, String what, String setting) throws IOException {
    try {
      return Files.readAllBytes(file);
    } catch (IOException e) {
      throw new IOException(what + " \"" + file + "\" (" + setting + ") cannot be read: " + e
          + ": fix the path or the file's permissions", e);
    }
  }
}
