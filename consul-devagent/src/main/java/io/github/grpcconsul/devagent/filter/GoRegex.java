package io.github.grpcconsul.devagent.filter;

import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * Compiles a Go (RE2) regular expression as a Java pattern: RE2 spellings Java lacks are rewritten, and the Perl
 * features RE2 rejects (look-around, back-references, atomic groups, possessive quantifiers) are rejected with Go's
 * error text. Matching is unanchored, like Go's {@code Regexp.Match}.
 */
final class GoRegex {
  private static final Pattern POSIX_CLASS = Pattern.compile("\\[:(\\^?)([a-z]+):]");
  // Go names Unicode scripts bare (\p{Greek}) and negates with ^ inside the braces; Java wants \p{IsGreek}, \P{...}
  private static final Pattern UNICODE_CLASS =
      Pattern.compile("(?<!\\\\)((?:\\\\\\\\)*)\\\\([pP])\\{(\\^?)([A-Za-z_]+)}");
  private static final Pattern UNSUPPORTED_GROUP = Pattern.compile("\\(\\?[=!<>]");
  private static final Pattern BACK_REFERENCE = Pattern.compile("(?<!\\\\)(?:\\\\\\\\)*(\\\\[1-9]|\\\\k<)");
  private static final Pattern POSSESSIVE = Pattern.compile("(?<!\\\\)[*+?}]\\+");

  /** A Go-style compile error; the message is what Go's {@code regexp.Compile} would return. */
  static final class GoRegexException extends Exception {
    private static final long serialVersionUID = 1L;

    GoRegexException(String message) {
      super(message, null, false, false);
    }
  }

  private GoRegex() {}

  static Pattern compile(String goPattern) throws GoRegexException {
    rejectUnsupported(goPattern);
    String java = goPattern.replace("(?P<", "(?<");
    java = rewritePosixClasses(java);
    java = rewriteUnicodeClasses(java);
    java = escapeLiteralBraces(java);
    try {
      return Pattern.compile(java);
    } catch (PatternSyntaxException e) {
      throw new GoRegexException("error parsing regexp: " + goDescription(e, goPattern));
    }
  }

  private static void rejectUnsupported(String p) throws GoRegexException {
    Matcher group = UNSUPPORTED_GROUP.matcher(p);
    if (group.find()) {
      throw new GoRegexException(
          "error parsing regexp: invalid or unsupported Perl syntax: `" + group.group() + "`");
    }
    Matcher ref = BACK_REFERENCE.matcher(p);
    if (ref.find()) {
      throw new GoRegexException("error parsing regexp: invalid escape sequence: `" + ref.group(1) + "`");
    }
    Matcher possessive = POSSESSIVE.matcher(p);
    if (possessive.find()) {
      throw new GoRegexException("error parsing regexp: invalid nested repetition operator: `"
          + possessive.group() + "`");
    }
  }

  private static String rewritePosixClasses(String p) {
    Matcher m = POSIX_CLASS.matcher(p);
    StringBuilder out = new StringBuilder();
    while (m.find()) {
      String javaClass = switch (m.group(2)) {
        case "alnum" -> "Alnum";
        case "alpha" -> "Alpha";
        case "ascii" -> "ASCII";
        case "blank" -> "Blank";
        case "cntrl" -> "Cntrl";
        case "digit" -> "Digit";
        case "graph" -> "Graph";
        case "lower" -> "Lower";
        case "print" -> "Print";
        case "punct" -> "Punct";
        case "space" -> "Space";
        case "upper" -> "Upper";
        case "word" -> null;
        case "xdigit" -> "XDigit";
        default -> "";
      };
      String replacement;
      if (javaClass == null) {
        replacement = m.group(1).isEmpty() ? "\\w" : "\\W";
      } else if (javaClass.isEmpty()) {
        replacement = m.group();
      } else {
        replacement = (m.group(1).isEmpty() ? "\\p{" : "\\P{") + javaClass + "}";
      }
      m.appendReplacement(out, Matcher.quoteReplacement(replacement));
    }
    m.appendTail(out);
    return out.toString();
  }

  private static final Pattern REPEAT = Pattern.compile("\\{\\d+(,\\d*)?}");

  // In RE2 a '{' that does not start a repeat count ({n}, {n,}, {n,m}) is a literal; Java rejects it.
  private static String escapeLiteralBraces(String p) {
    StringBuilder out = new StringBuilder(p.length());
    boolean inClass = false;
    boolean quoted = false;
    for (int i = 0; i < p.length(); i++) {
      char c = p.charAt(i);
      if (quoted) {
        if (c == '\\' && i + 1 < p.length() && p.charAt(i + 1) == 'E') {
          quoted = false;
          out.append("\\E");
          i++;
        } else {
          out.append(c);
        }
        continue;
      }
      if (c == '\\' && i + 1 < p.length()) {
        char escaped = p.charAt(i + 1);
        quoted = escaped == 'Q';
        int end = i + 1;
        // \p{Name}, \P{Name} and \x{hex} keep their braces
        if ("pPx".indexOf(escaped) >= 0 && i + 2 < p.length() && p.charAt(i + 2) == '{' && p.indexOf('}', i) > 0) {
          end = p.indexOf('}', i);
        }
        out.append(p, i, end + 1);
        i = end;
        continue;
      }
      if (inClass) {
        inClass = c != ']';
      } else if (c == '[') {
        inClass = true;
        // a ']' right after '[' or '[^' is a literal member of the class
        if (i + 1 < p.length() && p.charAt(i + 1) == '^') {
          out.append(c);
          c = p.charAt(++i);
        }
        if (i + 1 < p.length() && p.charAt(i + 1) == ']') {
          out.append(c);
          c = p.charAt(++i);
        }
      } else if (c == '{' && !REPEAT.matcher(p).region(i, p.length()).lookingAt()) {
        out.append('\\');
      }
      out.append(c);
    }
    return out.toString();
  }

  private static String rewriteUnicodeClasses(String p) {
    Matcher m = UNICODE_CLASS.matcher(p);
    StringBuilder out = new StringBuilder();
    while (m.find()) {
      boolean negated = m.group(2).equals("P") ^ !m.group(3).isEmpty();
      String name = m.group(4);
      // one- and two-letter names are general categories, which Java spells like Go
      String javaName = name.length() <= 2 ? name : "Is" + name;
      m.appendReplacement(out, Matcher.quoteReplacement(
          m.group(1) + (negated ? "\\P{" : "\\p{") + javaName + "}"));
    }
    m.appendTail(out);
    return out.toString();
  }

  private static String goDescription(PatternSyntaxException e, String pattern) {
    String d = e.getDescription();
    if (d.startsWith("Unclosed group")) {
      return "missing closing ): `" + pattern + "`";
    }
    if (d.startsWith("Unclosed character class")) {
      int open = pattern.lastIndexOf('[');
      return "missing closing ]: `" + (open >= 0 ? pattern.substring(open) : pattern) + "`";
    }
    if (d.startsWith("Dangling meta character")) {
      int at = Math.max(0, Math.min(e.getIndex(), pattern.length() - 1));
      return "missing argument to repetition operator: `" + pattern.charAt(at) + "`";
    }
    if (d.startsWith("Unmatched closing ')'")) {
      return "unexpected ): `" + pattern + "`";
    }
    if (d.startsWith("Illegal repetition range")) {
      Matcher repeat = Pattern.compile("\\{\\d+(,\\d*)?}").matcher(pattern);
      return "invalid repeat count: `" + (repeat.find() ? repeat.group() : pattern) + "`";
    }
    if (d.startsWith("Illegal character range")) {
      Matcher range = Pattern.compile("([^\\\\\\[\\]])-([^\\\\\\[\\]])").matcher(pattern);
      while (range.find()) {
        if (range.group(1).compareTo(range.group(2)) > 0) {
          return "invalid character class range: `" + range.group() + "`";
        }
      }
      return "invalid character class range: `" + pattern + "`";
    }
    if (d.startsWith("Illegal/unsupported escape sequence")) {
      return "invalid escape sequence: `" + pattern + "`";
    }
    return d.toLowerCase(java.util.Locale.ROOT) + ": `" + pattern + "`";
  }
}
