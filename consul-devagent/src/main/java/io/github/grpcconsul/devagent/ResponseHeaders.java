package io.github.grpcconsul.devagent;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The headers of one response. Names are stored as Go's {@code http.CanonicalHeaderKey} spells them, because that is
 * what Consul puts on the wire ({@code X-Consul-Knownleader}, {@code X-Consul-Default-Acl-Policy}); code may set them
 * in Consul's documented spelling.
 */
final class ResponseHeaders {
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

  /**
   * Go's textproto.CanonicalMIMEHeaderKey: the first letter and every letter after a '-' upper case, the rest lower
   * case; a name with a byte that is not a token character stays as it is.
   */
  static String canonical(String name) {
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
}
