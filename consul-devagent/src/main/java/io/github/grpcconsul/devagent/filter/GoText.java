package io.github.grpcconsul.devagent.filter;

/** Go's text conventions that go-bexpr's messages are built from ({@code %q} quoting, strconv error texts). */
final class GoText {
  private GoText() {}

  /** Go's {@code strconv.Quote}: what {@code fmt}'s {@code %q} prints for a string. */
  static String quote(String s) {
    StringBuilder out = new StringBuilder(s.length() + 2).append('"');
    s.codePoints().forEach(cp -> appendQuoted(out, cp));
    return out.append('"').toString();
  }

  private static void appendQuoted(StringBuilder out, int cp) {
    switch (cp) {
      case '"' -> out.append("\\\"");
      case '\\' -> out.append("\\\\");
      case 0x07 -> out.append("\\a");
      case '\b' -> out.append("\\b");
      case '\f' -> out.append("\\f");
      case '\n' -> out.append("\\n");
      case '\r' -> out.append("\\r");
      case '\t' -> out.append("\\t");
      case 0x0B -> out.append("\\v");
      default -> {
        if (cp < 0x20 || cp == 0x7F) {
          out.append(String.format("\\x%02x", cp));
        } else if (isPrintable(cp)) {
          out.appendCodePoint(cp);
        } else if (cp < 0x10000) {
          out.append(String.format("\\u%04x", cp));
        } else {
          out.append(String.format("\\U%08x", cp));
        }
      }
    }
  }

  private static boolean isPrintable(int cp) {
    if (cp < 0x7F) {
      return true;
    }
    int type = Character.getType(cp);
    return type != Character.CONTROL
        && type != Character.UNASSIGNED
        && type != Character.SURROGATE
        && type != Character.PRIVATE_USE
        && type != Character.FORMAT
        && type != Character.LINE_SEPARATOR
        && type != Character.PARAGRAPH_SEPARATOR
        && (type != Character.SPACE_SEPARATOR || cp == ' ');
  }

  static String syntaxError(String function, String input) {
    return "strconv." + function + ": parsing " + quote(input) + ": invalid syntax";
  }

  static String rangeError(String function, String input) {
    return "strconv." + function + ": parsing " + quote(input) + ": value out of range";
  }
}
