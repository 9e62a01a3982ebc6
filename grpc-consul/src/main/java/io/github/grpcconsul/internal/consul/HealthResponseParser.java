package io.github.grpcconsul.internal.consul;

import io.github.grpcconsul.registration.CheckStatus;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.Reader;
import java.io.StringWriter;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Parser for {@code GET /v1/health/service/:name} bodies, straight from the UTF-8 bytes into {@link HealthEntry}
 * values: no decoded copy of the body, no JSON tree, no string for a field name.
 *
 * <p>Only the fields {@link HealthEntry} holds are decoded (node ID, Node, Address, Datacenter, Meta; service ID,
 * Service, Address, Port, Tags, Meta, Weights; each check's CheckID, Name, Status, ServiceID, Output). Everything else
 * ({@code TaggedAddresses}, {@code Proxy}, {@code Connect}, the indexes, check definitions, fields Consul adds later)
 * is skipped by scanning its bytes, with brackets and strings followed so that a value of any shape is passed over
 * whole. Values read leniently, as the other parsers do ({@link JsonReaders}): null or a value of an unexpected kind
 * reads as absent, a number may stand for a string and a string for a number. Equal short strings in one response
 * (the service name, datacenter, check names, tags, outputs, an address repeated between node and service) are
 * decoded once and shared.
 *
 * <p>A body that is not a JSON array, or that ends or breaks off inside a value, is an {@link IOException}.
 *
 * <p><i>Internal, not a stable API</i>: public only so the benchmarks module can measure it.
 */
public final class HealthResponseParser {
  private HealthResponseParser() {}

  /** Parses a UTF-8 body. */
  public static List<HealthEntry> parse(byte[] body) throws IOException {
    return new Scanner(body).healthEntries();
  }

  /** Parses a UTF-8 body from a stream (not closed). */
  public static List<HealthEntry> parse(InputStream body) throws IOException {
    return parse(body.readAllBytes());
  }

  /** Parses a body from a reader (not closed). */
  public static List<HealthEntry> parse(Reader body) throws IOException {
    StringWriter text = new StringWriter();
    body.transferTo(text);
    return parse(text.toString().getBytes(StandardCharsets.UTF_8));
  }

  /** A field name the parser looks for, with the packed prefix {@code Scanner.fieldName} computes. */
  private static final class Key {
    final String text;
    final byte[] bytes;
    final long prefix;

    Key(String text) {
      this.text = text;
      this.bytes = text.getBytes(StandardCharsets.US_ASCII);
      this.prefix = Scanner.prefix(bytes, 0, bytes.length);
    }
  }

  private static Key key(String name) {
    return new Key(name);
  }

  private static final Key K_NODE = key(ConsulJson.NODE);
  private static final Key K_SERVICE = key(ConsulJson.SERVICE);
  private static final Key K_CHECKS = key(ConsulJson.CHECKS);
  private static final Key K_ID = key(ConsulJson.ID);
  private static final Key K_ADDRESS = key(ConsulJson.ADDRESS);
  private static final Key K_DATACENTER = key(ConsulJson.DATACENTER);
  private static final Key K_META = key(ConsulJson.META);
  private static final Key K_PORT = key(ConsulJson.PORT);
  private static final Key K_TAGS = key(ConsulJson.TAGS);
  private static final Key K_WEIGHTS = key(ConsulJson.WEIGHTS);
  private static final Key K_PASSING = key(ConsulJson.PASSING);
  private static final Key K_WARNING = key(ConsulJson.WARNING);
  private static final Key K_CHECK_ID = key(ConsulJson.CHECK_ID);
  private static final Key K_NAME = key(ConsulJson.NAME);
  private static final Key K_STATUS = key(ConsulJson.STATUS);
  private static final Key K_SERVICE_ID = key(ConsulJson.SERVICE_ID);
  private static final Key K_OUTPUT = key(ConsulJson.OUTPUT);

  /** Eight bytes at a time, for finding the end of a string (the bulk of a body is string bytes). */
  private static final VarHandle LONGS =
      MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);
  private static final long ONES = 0x0101010101010101L;
  private static final long HIGHS = 0x8080808080808080L;
  private static final long QUOTES = 0x2222222222222222L;
  private static final long BACKSLASHES = 0x5C5C5C5C5C5C5C5CL;

  /** A cursor over one body. Not thread-safe; one per parse. */
  private static final class Scanner {
    /** Strings up to this many bytes are looked up in (and added to) the per-parse cache. */
    private static final int CACHED_MAX_BYTES = 64;

    private final byte[] b;
    private final int end;
    private int pos;
    /** Start offset of the current field name (inside {@link #b}) and its length; -1 when it had escapes. */
    private int keyStart;
    private int keyLength;
    private String escapedKey;
    private long keyPrefix;
    // The string cache: open addressing without probing (a collision replaces), keyed by the bytes' hash; an entry
    // remembers where in the body its string's bytes are, so a lookup compares bytes without decoding.
    private final String[] cached;
    private final int[] cachedAt;
    private final int[] cachedLength;
    private final int mask;
    // Scratch for tags, meta and checks, reused across entries.
    private final ArrayList<String> scratchStrings = new ArrayList<>();
    private final ArrayList<HealthEntry.Check> scratchChecks = new ArrayList<>();

    Scanner(byte[] body) {
      this.b = body;
      this.end = body.length;
      int slots = Integer.highestOneBit(Math.max(64, Math.min(8192, body.length / 128)));
      this.cached = new String[slots];
      this.cachedAt = new int[slots];
      this.cachedLength = new int[slots];
      this.mask = slots - 1;
    }

    List<HealthEntry> healthEntries() throws IOException {
      int c = peek();
      if (c == 'n') {
        literal("null");
        return new ArrayList<>();
      }
      if (c != '[') {
        throw new IOException("expected a JSON array of health entries but found " + describe(c));
      }
      pos++;
      List<HealthEntry> entries = new ArrayList<>();
      while (hasNext(']')) {
        if (peek() == '{') {
          entries.add(entry());
        } else {
          skipValue();
        }
      }
      pos++;
      return entries;
    }

    private HealthEntry entry() throws IOException {
      HealthEntry.Node node = null;
      HealthEntry.Service service = null;
      List<HealthEntry.Check> checks = List.of();
      pos++; // '{'
      while (hasNext('}')) {
        fieldName();
        if (keyIs(K_NODE) && peek() == '{') {
          node = node();
        } else if (keyIs(K_SERVICE) && peek() == '{') {
          service = service();
        } else if (keyIs(K_CHECKS) && peek() == '[') {
          checks = checks();
        } else {
          skipValue();
        }
      }
      pos++;
      if (node == null) {
        node = new HealthEntry.Node(null, null, null, null, null);
      }
      if (service == null) {
        service = new HealthEntry.Service(null, null, null, 0, null, null, null);
      }
      return new HealthEntry(node, service, checks);
    }

    private HealthEntry.Node node() throws IOException {
      String id = null;
      String name = null;
      String address = null;
      String datacenter = null;
      Map<String, String> meta = null;
      pos++;
      while (hasNext('}')) {
        fieldName();
        if (keyIs(K_ID)) {
          id = string();
        } else if (keyIs(K_NODE)) {
          name = string();
        } else if (keyIs(K_ADDRESS)) {
          address = string();
        } else if (keyIs(K_DATACENTER)) {
          datacenter = string();
        } else if (keyIs(K_META)) {
          meta = stringMap();
        } else {
          skipValue();
        }
      }
      pos++;
      return new HealthEntry.Node(id, name, address, datacenter, meta);
    }

    /** The fields {@link JsonReaders#service} reads, with the same leniency. */
    private HealthEntry.Service service() throws IOException {
      String id = null;
      String name = null;
      String address = null;
      int port = 0;
      List<String> tags = null;
      Map<String, String> meta = null;
      HealthEntry.Weights weights = null;
      pos++;
      while (hasNext('}')) {
        fieldName();
        if (keyIs(K_ID)) {
          id = string();
        } else if (keyIs(K_SERVICE)) {
          name = string();
        } else if (keyIs(K_ADDRESS)) {
          address = string();
        } else if (keyIs(K_PORT)) {
          port = (int) number(0);
        } else if (keyIs(K_TAGS)) {
          tags = stringList();
        } else if (keyIs(K_META)) {
          meta = stringMap();
        } else if (keyIs(K_WEIGHTS)) {
          weights = weights();
        } else {
          skipValue();
        }
      }
      pos++;
      return new HealthEntry.Service(id, name, address, port, tags, meta, weights);
    }

    private HealthEntry.Weights weights() throws IOException {
      if (peek() != '{') {
        skipValue();
        return null;
      }
      int passing = 1;
      int warning = 1;
      pos++;
      while (hasNext('}')) {
        fieldName();
        if (keyIs(K_PASSING)) {
          passing = (int) number(1);
        } else if (keyIs(K_WARNING)) {
          warning = (int) number(1);
        } else {
          skipValue();
        }
      }
      pos++;
      return passing == 1 && warning == 1 ? HealthEntry.Weights.DEFAULT : new HealthEntry.Weights(passing, warning);
    }

    private List<HealthEntry.Check> checks() throws IOException {
      ArrayList<HealthEntry.Check> checks = scratchChecks;
      checks.clear();
      pos++; // '['
      while (hasNext(']')) {
        if (peek() == '{') {
          checks.add(check());
        } else {
          skipValue();
        }
      }
      pos++;
      return List.copyOf(checks);
    }

    private HealthEntry.Check check() throws IOException {
      String checkId = null;
      String name = null;
      String status = null;
      String serviceId = null;
      String output = null;
      pos++;
      while (hasNext('}')) {
        fieldName();
        if (keyIs(K_CHECK_ID)) {
          checkId = string();
        } else if (keyIs(K_NAME)) {
          name = string();
        } else if (keyIs(K_STATUS)) {
          status = string();
        } else if (keyIs(K_SERVICE_ID)) {
          serviceId = string();
        } else if (keyIs(K_OUTPUT)) {
          output = string();
        } else {
          skipValue();
        }
      }
      pos++;
      return new HealthEntry.Check(checkId, name, CheckStatus.fromWire(status), serviceId, output);
    }

    /** An array of strings (null elements dropped); null when the value is not an array. */
    private List<String> stringList() throws IOException {
      if (peek() != '[') {
        skipValue();
        return null;
      }
      ArrayList<String> list = scratchStrings;
      list.clear();
      pos++;
      while (hasNext(']')) {
        String s = string();
        if (s != null) {
          list.add(s);
        }
      }
      pos++;
      return List.copyOf(list);
    }

    /** An object of strings (a null value reads as ""; a repeated key keeps its last value); null when not one. */
    private Map<String, String> stringMap() throws IOException {
      if (peek() != '{') {
        skipValue();
        return null;
      }
      ArrayList<String> pairs = scratchStrings;
      pairs.clear();
      boolean repeatedKey = false;
      pos++;
      while (hasNext('}')) {
        fieldName();
        String k = keyString();
        String v = string();
        for (int i = 0; i < pairs.size() && !repeatedKey; i += 2) {
          repeatedKey = pairs.get(i).equals(k);
        }
        pairs.add(k);
        pairs.add(v == null ? "" : v);
      }
      pos++;
      return immutableMap(pairs, repeatedKey);
    }

    private static Map<String, String> immutableMap(List<String> kv, boolean repeatedKey) {
      if (repeatedKey) {
        Map<String, String> map = new HashMap<>();
        for (int i = 0; i < kv.size(); i += 2) {
          map.put(kv.get(i), kv.get(i + 1));
        }
        return Map.copyOf(map);
      }
      switch (kv.size() / 2) {
        case 0:
          return Map.of();
        case 1:
          return Map.of(kv.get(0), kv.get(1));
        case 2:
          return Map.of(kv.get(0), kv.get(1), kv.get(2), kv.get(3));
        case 3:
          return Map.of(kv.get(0), kv.get(1), kv.get(2), kv.get(3), kv.get(4), kv.get(5));
        case 4:
          return Map.of(kv.get(0), kv.get(1), kv.get(2), kv.get(3), kv.get(4), kv.get(5), kv.get(6), kv.get(7));
        default:
          @SuppressWarnings("unchecked")
          Map.Entry<String, String>[] entries = new Map.Entry[kv.size() / 2];
          for (int i = 0; i < entries.length; i++) {
            entries[i] = Map.entry(kv.get(2 * i), kv.get(2 * i + 1));
          }
          return Map.ofEntries(entries);
      }
    }

    // ---- values ----

    /** A string value; a number or boolean as its text; null for null and for objects and arrays. */
    private String string() throws IOException {
      int c = peek();
      if (c == '"') {
        pos++;
        return stringBody();
      }
      if (c == '-' || (c >= '0' && c <= '9')) {
        int start = pos;
        skipScalar();
        return text(start, pos - start);
      }
      if (c == 't') {
        literal("true");
        return "true";
      }
      if (c == 'f') {
        literal("false");
        return "false";
      }
      skipValue();
      return null;
    }

    /** A number (or a string holding one) as a long, truncating a fraction; {@code absent} otherwise. */
    private long number(long absent) throws IOException {
      int c = peek();
      String text;
      if (c == '-' || (c >= '0' && c <= '9')) {
        int start = pos;
        skipScalar();
        long value = 0;
        int i = start;
        boolean negative = b[i] == '-';
        if (negative) {
          i++;
        }
        int digits = pos - i;
        if (digits > 0 && digits <= 18) {
          for (; i < pos; i++) {
            int d = b[i] - '0';
            if (d < 0 || d > 9) {
              break;
            }
            value = value * 10 + d;
          }
          if (i == pos) {
            return negative ? -value : value;
          }
        }
        text = text(start, pos - start);
      } else if (c == '"') {
        pos++;
        text = stringBody();
      } else {
        skipValue();
        return absent;
      }
      try {
        return Long.parseLong(text);
      } catch (NumberFormatException e) {
        try {
          return (long) Double.parseDouble(text);
        } catch (NumberFormatException e2) {
          return absent;
        }
      }
    }

    /**
     * The index of the first quote, backslash or non-ASCII byte at or after {@code from}, or {@code end} when there is
     * none. Tests eight bytes per step: a byte equal to {@code c} is a zero byte of {@code word ^ c*ONES}, and
     * {@code (x - ONES) & ~x & HIGHS} flags the lowest zero byte of {@code x} exactly (a borrow only carries upward).
     */
    private int nextSpecial(int from) {
      byte[] b = this.b;
      int i = from;
      for (; i + 8 <= end; i += 8) {
        long word = (long) LONGS.get(b, i);
        long q = word ^ QUOTES;
        long bs = word ^ BACKSLASHES;
        long flags = ((q - ONES) & ~q) | ((bs - ONES) & ~bs) | word;
        flags &= HIGHS;
        if (flags != 0) {
          return i + (Long.numberOfTrailingZeros(flags) >>> 3);
        }
      }
      for (; i < end; i++) {
        byte c = b[i];
        if (c == '"' || c == '\\' || c < 0) {
          return i;
        }
      }
      return end;
    }

    /** The rest of a string whose opening quote was consumed. */
    private String stringBody() throws IOException {
      int start = pos;
      int i = nextSpecial(start);
      if (i >= end) {
        throw eof("a string");
      }
      if (b[i] == '"') {
        pos = i + 1;
        return text(start, i - start);
      }
      return escapedOrNonAscii(start);
    }

    /** ASCII text at {@code [start, start + length)}, shared with an equal earlier one when short. */
    private String text(int start, int length) {
      if (length > CACHED_MAX_BYTES) {
        return new String(b, start, length, StandardCharsets.ISO_8859_1);
      }
      int h = 0;
      for (int i = start; i < start + length; i++) {
        h = 31 * h + b[i];
      }
      int slot = (h ^ (h >>> 15)) & mask;
      String hit = cached[slot];
      int at = cachedAt[slot];
      if (hit != null && cachedLength[slot] == length
          && Arrays.equals(b, at, at + length, b, start, start + length)) {
        return hit;
      }
      String s = new String(b, start, length, StandardCharsets.ISO_8859_1);
      cached[slot] = s;
      cachedAt[slot] = start;
      cachedLength[slot] = length;
      return s;
    }

    /** The slow path: escapes and multi-byte UTF-8, decoded segment by segment. */
    private String escapedOrNonAscii(int start) throws IOException {
      StringBuilder out = new StringBuilder();
      int segment = start;
      int i = start;
      while (i < end) {
        byte c = b[i];
        if (c == '"') {
          out.append(new String(b, segment, i - segment, StandardCharsets.UTF_8));
          pos = i + 1;
          return out.toString();
        }
        if (c != '\\') {
          i++;
          continue;
        }
        out.append(new String(b, segment, i - segment, StandardCharsets.UTF_8));
        if (i + 1 >= end) {
          break;
        }
        byte e = b[i + 1];
        i += 2;
        switch (e) {
          case '"', '\\', '/' -> out.append((char) e);
          case 'b' -> out.append('\b');
          case 'f' -> out.append('\f');
          case 'n' -> out.append('\n');
          case 'r' -> out.append('\r');
          case 't' -> out.append('\t');
          case 'u' -> {
            if (i + 4 > end) {
              throw eof("a \\u escape");
            }
            int code = 0;
            for (int k = 0; k < 4; k++) {
              int d = Character.digit(b[i + k], 16);
              if (d < 0) {
                throw malformed(i + k, "bad \\u escape");
              }
              code = code * 16 + d;
            }
            out.append((char) code);
            i += 4;
          }
          default -> throw malformed(i - 1, "bad escape");
        }
        segment = i;
      }
      throw eof("a string");
    }

    // ---- structure ----

    /**
     * True when the object or array has another element (consuming a separating comma), false at {@code close},
     * which is left for the caller to consume.
     */
    private boolean hasNext(char close) throws IOException {
      int c = peek();
      if (c == ',') {
        pos++;
        c = peek();
      }
      return c != close;
    }

    /** Reads the field name and its colon; {@link #keyIs} and {@link #keyString} then tell what it was. */
    private void fieldName() throws IOException {
      if (peek() != '"') {
        throw malformed(pos, "expected a field name");
      }
      int start = ++pos;
      escapedKey = null;
      int i = nextSpecial(start);
      if (i >= end) {
        throw eof("a field name");
      }
      if (b[i] == '"') {
        keyStart = start;
        keyLength = i - start;
        keyPrefix = prefix(b, start, keyLength);
        pos = i + 1;
      } else {
        escapedKey = escapedOrNonAscii(start);
        keyStart = -1;
      }
      colon();
    }

    /** Up to the first eight bytes of a name, packed, with its length: equal names have equal prefixes. */
    private static long prefix(byte[] bytes, int from, int length) {
      long p = length;
      int n = Math.min(7, length);
      for (int k = 0; k < n; k++) {
        p = (p << 8) | (bytes[from + k] & 0xff);
      }
      return p;
    }

    private void colon() throws IOException {
      if (peek() != ':') {
        throw malformed(pos, "expected ':'");
      }
      pos++;
    }

    private boolean keyIs(Key name) {
      if (keyStart < 0) {
        return escapedKey.equals(name.text);
      }
      return keyPrefix == name.prefix && keyLength == name.bytes.length
          && (keyLength <= 7 || Arrays.equals(b, keyStart + 7, keyStart + keyLength, name.bytes, 7, keyLength));
    }

    private String keyString() {
      return keyStart < 0 ? escapedKey : text(keyStart, keyLength);
    }

    /** Skips one value of any kind, brackets and strings followed. */
    private void skipValue() throws IOException {
      int c = peek();
      if (c == '"') {
        pos++;
        skipStringBody();
        return;
      }
      if (c != '{' && c != '[') {
        skipScalar();
        return;
      }
      int depth = 0;
      byte[] b = this.b;
      while (pos < end) {
        byte x = b[pos++];
        if (x == '"') {
          skipStringBody();
        } else if (x == '{' || x == '[') {
          depth++;
        } else if (x == '}' || x == ']') {
          if (--depth == 0) {
            return;
          }
        }
      }
      throw eof("an object or array");
    }

    private void skipStringBody() throws IOException {
      int i = pos;
      while (true) {
        i = nextSpecial(i);
        if (i >= end) {
          throw eof("a string");
        }
        byte c = b[i];
        if (c == '"') {
          pos = i + 1;
          return;
        }
        i += c == '\\' ? 2 : 1; // an escape skips the escaped byte; a non-ASCII byte is just text here
      }
    }

    /** A number or literal: up to the next delimiter. */
    private void skipScalar() throws IOException {
      int start = pos;
      while (pos < end) {
        byte c = b[pos];
        if (c == ',' || c == '}' || c == ']' || c == ' ' || c == '\n' || c == '\r' || c == '\t' || c == ':') {
          break;
        }
        if (c == '"' || c == '{' || c == '[') {
          throw malformed(pos, "unexpected character");
        }
        pos++;
      }
      if (pos == start) {
        throw pos == end ? eof("a value") : malformed(pos, "expected a value");
      }
      if (pos == end) {
        throw eof("a value");
      }
      int c = b[start];
      if (c != '-' && (c < '0' || c > '9')) {
        String word = new String(b, start, pos - start, StandardCharsets.ISO_8859_1);
        if (!word.equals("true") && !word.equals("false") && !word.equals("null")) {
          throw malformed(start, "unexpected '" + (word.length() > 20 ? word.substring(0, 20) + "…" : word) + "'");
        }
      }
    }

    private void literal(String word) throws IOException {
      int n = word.length();
      if (pos + n > end) {
        throw eof("'" + word + "'");
      }
      for (int k = 0; k < n; k++) {
        if (b[pos + k] != word.charAt(k)) {
          throw malformed(pos, "expected '" + word + "'");
        }
      }
      pos += n;
    }

    /** The next non-whitespace byte, not consumed. */
    private int peek() throws IOException {
      byte[] b = this.b;
      while (pos < end) {
        byte c = b[pos];
        if (c != ' ' && c != '\n' && c != '\r' && c != '\t') {
          return c;
        }
        pos++;
      }
      throw eof("a value");
    }

    private static String describe(int c) {
      switch (c) {
        case '{':
          return "BEGIN_OBJECT";
        case '"':
          return "STRING";
        case 't':
        case 'f':
          return "BOOLEAN";
        default:
          return c == '-' || (c >= '0' && c <= '9') ? "NUMBER" : "'" + (char) (c & 0xff) + "' (not JSON)";
      }
    }

    private IOException eof(String inside) {
      return new EOFException("health response ends inside " + inside + " (" + end + " bytes)");
    }

    private IOException malformed(int at, String what) {
      return new IOException("malformed health response at byte " + at + ": " + what);
    }
  }
}
