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
 * decoded once and shared, and so are equal tag lists, meta maps and weights. Field names are compared as two packed
 * words, not byte by byte. Once a node, service or check object has given every field read from it, the rest of that
 * object is passed over without reading names (Consul's encoder writes each field once; a field repeated after that
 * point would be ignored, where a field repeated earlier keeps its last value).
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

  /** Eight bytes at a time, for finding the end of a string (the bulk of a body is string bytes). */
  private static final VarHandle LONGS =
      MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);
  private static final long ONES = 0x0101010101010101L;
  private static final long HIGHS = 0x8080808080808080L;
  private static final long QUOTES = 0x2222222222222222L;
  private static final long BACKSLASHES = 0x5C5C5C5C5C5C5C5CL;
  private static final long SPACES = 0x2020202020202020L;
  private static final long TRUE = Scanner.word("true".getBytes(StandardCharsets.US_ASCII), 0, 4);
  private static final long FALSE = Scanner.word("false".getBytes(StandardCharsets.US_ASCII), 0, 5);
  private static final long NULL = Scanner.word("null".getBytes(StandardCharsets.US_ASCII), 0, 4);

  /**
   * A field name the parser looks for, as the two little-endian words {@code Scanner.fieldName} packs every name of up
   * to 16 bytes into: a name matches when its length and both words are equal, with no byte loop.
   */
  private static final class Key {
    final String text;
    final int length;
    final long w0;
    final long w1;

    Key(String text) {
      byte[] bytes = text.getBytes(StandardCharsets.US_ASCII);
      if (bytes.length > 16) {
        throw new IllegalArgumentException(text);
      }
      this.text = text;
      this.length = bytes.length;
      this.w0 = Scanner.word(bytes, 0, Math.min(8, length));
      this.w1 = length > 8 ? Scanner.word(bytes, 8, length - 8) : 0;
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

  /** A cursor over one body. Not thread-safe; one per parse. */
  private static final class Scanner {
    /** Strings up to this many bytes are looked up in (and added to) the per-parse cache. */
    private static final int CACHED_MAX_BYTES = 64;
    /** Distinct tag lists (and meta maps) kept for sharing in one response. */
    private static final int SHARED_MAX = 1024;

    private final byte[] b;
    private final int end;
    private int pos;
    /** Start offset of the current field name (inside {@link #b}) and its length; -1 when it had escapes. */
    private int keyStart;
    private int keyLength;
    private String escapedKey;
    /** The current name packed as {@link Key} packs one; {@code keyMatch} is its length, or -1 beyond 16 bytes. */
    private int keyMatch;
    private long keyW0;
    private long keyW1;
    // The string cache: open addressing without probing (a collision replaces), keyed by a hash of the first and last
    // eight bytes and the length; an entry keeps those words and where in the body its bytes are, so a lookup
    // compares two words (and, past 16 bytes, the middle) without decoding.
    private final String[] cached;
    private final int[] cachedAt;
    private final int[] cachedLength;
    private final long[] cachedFirst;
    private final long[] cachedLast;
    private final int shift;
    // Equal tag lists and meta maps are shared too (most instances of a service carry the same ones), up to a bound.
    private final HashMap<List<String>, List<String>> lists = new HashMap<>();
    private final HashMap<List<String>, Map<String, String>> maps = new HashMap<>();
    private HealthEntry.Weights lastWeights = HealthEntry.Weights.DEFAULT;
    // Scratch for tags, meta and checks, reused across entries.
    private final ArrayList<String> scratchStrings = new ArrayList<>();
    private final ArrayList<HealthEntry.Check> scratchChecks = new ArrayList<>();

    Scanner(byte[] body) {
      this.b = body;
      this.end = body.length;
      // Small enough to stay in the first-level caches: most short strings of a response are either repeated often
      // (and stay) or unique (and would only pollute a bigger table).
      int slots = Integer.highestOneBit(Math.max(64, Math.min(1024, body.length / 64)));
      this.cached = new String[slots];
      this.cachedAt = new int[slots];
      this.cachedLength = new int[slots];
      this.cachedFirst = new long[slots];
      this.cachedLast = new long[slots];
      this.shift = 64 - Integer.numberOfTrailingZeros(slots);
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
      int seen = 0;
      pos++;
      while (hasNext('}')) {
        if (seen == 0b11111) {
          skipRest();
          break;
        }
        fieldName();
        if (keyIs(K_ID)) {
          id = string();
          seen |= 1;
        } else if (keyIs(K_NODE)) {
          name = string();
          seen |= 2;
        } else if (keyIs(K_ADDRESS)) {
          address = string();
          seen |= 4;
        } else if (keyIs(K_DATACENTER)) {
          datacenter = string();
          seen |= 8;
        } else if (keyIs(K_META)) {
          meta = stringMap();
          seen |= 16;
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
      int seen = 0;
      pos++;
      while (hasNext('}')) {
        if (seen == 0b1111111) {
          skipRest();
          break;
        }
        fieldName();
        if (keyIs(K_ID)) {
          id = string();
          seen |= 1;
        } else if (keyIs(K_SERVICE)) {
          name = string();
          seen |= 2;
        } else if (keyIs(K_ADDRESS)) {
          address = string();
          seen |= 4;
        } else if (keyIs(K_PORT)) {
          port = (int) number(0);
          seen |= 8;
        } else if (keyIs(K_TAGS)) {
          tags = stringList();
          seen |= 16;
        } else if (keyIs(K_META)) {
          meta = stringMap();
          seen |= 32;
        } else if (keyIs(K_WEIGHTS)) {
          weights = weights();
          seen |= 64;
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
      HealthEntry.Weights last = lastWeights;
      if (last.passing() != passing || last.warning() != warning) {
        last = passing == 1 && warning == 1 ? HealthEntry.Weights.DEFAULT : new HealthEntry.Weights(passing, warning);
        lastWeights = last;
      }
      return last;
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
      int seen = 0;
      pos++;
      while (hasNext('}')) {
        if (seen == 0b11111) {
          skipRest();
          break;
        }
        fieldName();
        if (keyIs(K_CHECK_ID)) {
          checkId = string();
          seen |= 1;
        } else if (keyIs(K_NAME)) {
          name = string();
          seen |= 2;
        } else if (keyIs(K_STATUS)) {
          status = string();
          seen |= 4;
        } else if (keyIs(K_SERVICE_ID)) {
          serviceId = string();
          seen |= 8;
        } else if (keyIs(K_OUTPUT)) {
          output = string();
          seen |= 16;
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
      List<String> shared = lists.get(list);
      if (shared == null) {
        shared = List.copyOf(list);
        if (lists.size() < SHARED_MAX) {
          lists.put(shared, shared);
        }
      }
      return shared;
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
      Map<String, String> shared = maps.get(pairs);
      if (shared == null) {
        shared = immutableMap(pairs, repeatedKey);
        if (maps.size() < SHARED_MAX) {
          maps.put(List.copyOf(pairs), shared);
        }
      }
      return shared;
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
      long first;
      long last;
      if (length <= 8) {
        first = word(b, start, length);
        last = 0;
      } else {
        first = (long) LONGS.get(b, start);
        last = (long) LONGS.get(b, start + length - 8);
      }
      long h = (first + length) * 0x9E3779B97F4A7C15L + last * 0xC2B2AE3D27D4EB4FL;
      int slot = (int) ((h ^ (h >>> 29)) >>> shift);
      String hit = cached[slot];
      if (hit != null && cachedLength[slot] == length && cachedFirst[slot] == first && cachedLast[slot] == last) {
        // Up to 16 bytes the two words cover every byte; beyond, compare the middle.
        int at = cachedAt[slot];
        if (length <= 16 || Arrays.equals(b, at + 8, at + length - 8, b, start + 8, start + length - 8)) {
          // The next comparison reads these bytes instead: recent, so still in the cache (the first occurrence may
          // be megabytes back).
          cachedAt[slot] = start;
          return hit;
        }
      }
      String s = new String(b, start, length, StandardCharsets.ISO_8859_1);
      cached[slot] = s;
      cachedAt[slot] = start;
      cachedLength[slot] = length;
      cachedFirst[slot] = first;
      cachedLast[slot] = last;
      return s;
    }

    /**
     * The {@code n} (0 to 8) bytes at {@code from}, little-endian, the bytes past them zero: one unaligned load when
     * eight bytes are there to read.
     */
    static long word(byte[] bytes, int from, int n) {
      if (from + 8 <= bytes.length) {
        long w = (long) LONGS.get(bytes, from);
        return n >= 8 ? w : w & ((1L << (n << 3)) - 1);
      }
      long w = 0;
      for (int k = n - 1; k >= 0; k--) {
        w = (w << 8) | (bytes[from + k] & 0xff);
      }
      return w;
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
      int i = nextSpecial(start);
      if (i >= end) {
        throw eof("a field name");
      }
      if (b[i] == '"') {
        escapedKey = null;
        keyStart = start;
        keyLength = i - start;
        pack(b, start, keyLength);
        pos = i + 1;
      } else {
        escapedKey = escapedOrNonAscii(start);
        keyStart = -1;
        byte[] utf8 = escapedKey.getBytes(StandardCharsets.UTF_8);
        pack(utf8, 0, utf8.length);
      }
      colon();
    }

    /** Packs a name's bytes as {@link Key} does, for {@link #keyIs}. */
    private void pack(byte[] bytes, int from, int length) {
      if (length > 16) {
        keyMatch = -1;
        return;
      }
      keyMatch = length;
      keyW0 = word(bytes, from, Math.min(8, length));
      keyW1 = length > 8 ? word(bytes, from + 8, length - 8) : 0;
    }

    private void colon() throws IOException {
      if (peek() != ':') {
        throw malformed(pos, "expected ':'");
      }
      pos++;
    }

    private boolean keyIs(Key name) {
      return keyMatch == name.length && keyW0 == name.w0 && keyW1 == name.w1;
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

    /**
     * Moves to the closing brace of the object being read (left for the caller), passing over its remaining fields
     * without reading their names: once an object's every field this parser reads has been seen, the rest is skipped
     * (Consul's encoder writes each field once, so nothing later can replace them).
     */
    private void skipRest() throws IOException {
      int depth = 0;
      byte[] b = this.b;
      while (pos < end) {
        byte x = b[pos];
        if (x == '"') {
          pos++;
          skipStringBody();
          continue;
        }
        if (x == '{' || x == '[') {
          depth++;
        } else if (x == '}' || x == ']') {
          if (depth == 0) {
            return;
          }
          depth--;
        }
        pos++;
      }
      throw eof("an object");
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
        int n = pos - start;
        long w = n <= 5 ? word(b, start, n) : -1;
        if (w != TRUE && w != FALSE && w != NULL) {
          String word = new String(b, start, Math.min(n, 20), StandardCharsets.ISO_8859_1);
          throw malformed(start, "unexpected '" + (n > 20 ? word + "…" : word) + "'");
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

    /**
     * The next non-whitespace byte, not consumed. Runs of spaces go eight at a time: a pretty-printed body (what
     * {@code consul agent -dev} and {@code ?pretty} send) is about half indentation.
     */
    private int peek() throws IOException {
      byte[] b = this.b;
      while (pos < end) {
        byte c = b[pos];
        if (c == ' ' && pos + 8 <= end && (long) LONGS.get(b, pos) == SPACES) {
          pos += 8;
          continue;
        }
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
