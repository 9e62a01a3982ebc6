package io.github.grpcconsul.devagent;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The headers of one response. Names are stored as Go's {@code http.CanonicalHeaderKey} spells them, because that is
 * what Consul puts on the wire ({@code X-Consul-Knownleader}, {@code X-Consul-Default-Acl-Policy}); code may set them
 * in Consul's documented spelling.
 */
final class ResponseHeaders {
  private static final int COLON_SPACE = (':' << 8) | ' ';
  private static final int CRLF = ('\r' << 8) | '\n';
  private final Map<String, String> values = new LinkedHashMap<>();

  /** Sets (replaces) a header. */
  synchronized void set(String name, String value) {
    values.put(canonical(name), value);
  }

  synchronized String get(String name) {
    return values.get(canonical(name));
  }

  synchronized Map<String, String> snapshot() {
    return new LinkedHashMap<>(values);
  }

  synchronized int size() {
    return values.size();
  }

  /**
   * Writes each header as {@code Name: value\r\n}. Like Go's net/http, a CR or LF inside a value goes out as a
   * space, so no value can end the header block early.
   */
  synchronized void writeTo(ByteBuf out) {
    for (Map.Entry<String, String> e : values.entrySet()) {
      ByteBufUtil.writeAscii(out, e.getKey());
      out.writeShort(COLON_SPACE);
      String v = e.getValue();
      if (v.indexOf('\r') >= 0 || v.indexOf('\n') >= 0) {
        v = v.replace('\r', ' ').replace('\n', ' ');
      }
      ByteBufUtil.writeUtf8(out, v);
      out.writeShort(CRLF);
    }
  }

  /**
   * Go's textproto.CanonicalMIMEHeaderKey: the first letter and every letter after a '-' upper case, the rest lower
   * case; a name with a byte that is not a token character stays as it is.
   */
  static String canonical(String name) {
    if (isCanonical(name)) {
      return name;
    }
    for (int i = 0; i < name.length(); i++) {
      char c = name.charAt(i);
      if (c == ' ' || c > 0x7e || c < 0x21 || "\"(),/:;<=>?@[\\]{}".indexOf(c) >= 0) {
        return name;
      }
    }
    char[] out = name.toCharArray();
    boolean upper = true;
    for (int i = 0; i < out.length; i++) {
      char c = out[i];
      if (upper && c >= 'a' && c <= 'z') {
        out[i] = (char) (c - 32);
      } else if (!upper && c >= 'A' && c <= 'Z') {
        out[i] = (char) (c + 32);
      }
      upper = c == '-';
    }
    return new String(out);
  }

  /** Already in canonical form (the common case: names written in Go's spelling): no copy needed. */
  private static boolean isCanonical(String name) {
    boolean upper = true;
    for (int i = 0; i < name.length(); i++) {
      char c = name.charAt(i);
      boolean letter = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
      if (!(letter || (c >= '0' && c <= '9') || c == '-')) {
        return false;
      }
      if (letter && (upper != (c <= 'Z'))) {
        return false;
      }
      upper = c == '-';
    }
    return true;
  }
}
