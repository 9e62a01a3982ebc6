package io.github.grpcconsul.devagent.filter;

/** Go's string-literal rules ({@code strconv.Unquote}) for the two kinds of literal the filter grammar has. */
final class GoStrings {
  private GoStrings() {}

  /** The value of a {@code `raw`} or {@code "interpreted"} Go literal, or null when Go would say "invalid syntax". */
  static String unquote(String literal) {
    if (literal.length() < 2) {
      return null;
    }
    char quote = literal.charAt(0);
    if (literal.charAt(literal.length() - 1) != quote) {
      return null;
    }
    String body = literal.substring(1, literal.length() - 1);
    if (quote == '`') {
      return body.indexOf('`') >= 0 ? null : body.replace("\r", "");
    }
    if (quote != '"') {
      return null;
    }
    return interpreted(body);
  }

  private static String interpreted(String body) {
    // Go strings are bytes: \x and octal escapes add raw bytes, so build UTF-8 and decode at the end
    java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream(body.length());
    int i = 0;
    while (i < body.length()) {
      char c = body.charAt(i);
      if (c == '"' || c == '\n') {
        return null;
      }
      if (c != '\\') {
        int cp = body.codePointAt(i);
        appendCodePoint(out, cp);
        i += Character.charCount(cp);
        continue;
      }
      if (i + 1 >= body.length()) {
        return null;
      }
      char e = body.charAt(i + 1);
      i += 2;
      switch (e) {
        case 'a' -> out.write(0x07);
        case 'b' -> out.write('\b');
        case 'f' -> out.write('\f');
        case 'n' -> out.write('\n');
        case 'r' -> out.write('\r');
        case 't' -> out.write('\t');
        case 'v' -> out.write(0x0B);
        case '\\' -> out.write('\\');
        case '"' -> out.write('"');
        case 'x', 'u', 'U' -> {
          int digits = e == 'x' ? 2 : e == 'u' ? 4 : 8;
          Integer v = hex(body, i, digits);
          if (v == null) {
            return null;
          }
          i += digits;
          if (e == 'x') {
            out.write(v);
          } else {
            if (v > Character.MAX_CODE_POINT || (v >= 0xD800 && v <= 0xDFFF)) {
              return null;
            }
            appendCodePoint(out, v);
          }
        }
        case '0', '1', '2', '3', '4', '5', '6', '7' -> {
          if (i + 2 > body.length()) {
            return null;
          }
          int v = e - '0';
          for (int k = 0; k < 2; k++) {
            char d = body.charAt(i + k);
            if (d < '0' || d > '7') {
              return null;
            }
            v = v * 8 + (d - '0');
          }
          if (v > 0xFF) {
            return null;
          }
          i += 2;
          out.write(v);
        }
        default -> {
          return null;
        }
      }
    }
    return out.toString(java.nio.charset.StandardCharsets.UTF_8);
  }

  private static void appendCodePoint(java.io.ByteArrayOutputStream out, int cp) {
    out.writeBytes(new String(Character.toChars(cp)).getBytes(java.nio.charset.StandardCharsets.UTF_8));
  }

  private static Integer hex(String s, int from, int digits) {
    if (from + digits > s.length()) {
      return null;
    }
    int v = 0;
    for (int k = 0; k < digits; k++) {
      int d = Character.digit(s.charAt(from + k), 16);
      if (d < 0) {
        return null;
      }
      v = v * 16 + d;
    }
    return v;
  }
}
