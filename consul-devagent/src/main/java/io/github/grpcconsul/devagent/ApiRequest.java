package io.github.grpcconsul.devagent;

import com.google.gson.JsonElement;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;
import java.util.concurrent.atomic.AtomicReference;
import java.util.logging.Level;
import java.util.logging.Logger;
import java.util.zip.GZIPOutputStream;

/**
 * One HTTP request to the agent and its single response, which may be written later from another thread. The
 * request is complete (headers and body) when it is made; the connection it came on writes the response.
 */
final class ApiRequest {
  private static final Logger logger = Logger.getLogger(ApiRequest.class.getName());
  static final int MAX_BODY_BYTES = 512 * 1024;
  /** How much of an oversized body is read and dropped so the error answer reaches the client. */
  static final long MAX_DISCARD_BYTES = 64L * 1024 * 1024;
  static final String JSON = "application/json";
  static final String TEXT = "text/plain; charset=utf-8";
  static final int GZIP_MIN_SIZE = 1400;
  private static final byte[] NO_BODY = new byte[0];

  /** Writes the one response of a request; called once, from any thread. */
  interface Responder {
    void send(ApiRequest req, int status, ResponseHeaders headers, byte[] body);

    /** The thread the connection writes on (answers made there skip a hand-off), or null. */
    default Executor executor() {
      return null;
    }
  }

  /** The request headers, looked up case-insensitively. */
  interface RequestHeaders {
    String first(String name);

    List<String> all(String name);
  }

  final String method;
  final String path;
  /** The path and query as sent ({@code /v1/kv/a%2Fb?recurse}), for forwarding to another datacenter. */
  final String rawTarget;
  private final Map<String, List<String>> query;
  private final RequestHeaders requestHeaders;
  private final ResponseHeaders responseHeaders = new ResponseHeaders();
  private final Responder responder;
  private final boolean bodyTooLarge;
  private final AtomicBoolean answered = new AtomicBoolean();
  private final AtomicReference<Runnable> onCancel = new AtomicReference<>();
  private byte[] body;
  private java.util.function.Supplier<Authz> authzResolver = () -> Authz.MANAGEMENT;
  private Authz authz;

  /**
   * @param rawTarget the request target as sent ({@code /v1/kv/a%2Fb?recurse}, or absolute form)
   * @param body the body, or null when it was larger than {@link #MAX_BODY_BYTES} (then {@link #body()} is 413)
   * @throws IllegalArgumentException if the target's path has an invalid escape
   */
  ApiRequest(String method, String rawTarget, RequestHeaders headers, byte[] body, Responder responder) {
    this.method = method;
    String target = stripAuthority(rawTarget);
    this.rawTarget = target;
    int q = target.indexOf('?');
    String rawPath = q < 0 ? target : target.substring(0, q);
    String p = decodePath(rawPath);
    this.path = p.isEmpty() ? "/" : p;
    this.query = parseQuery(q < 0 ? null : target.substring(q + 1));
    this.requestHeaders = headers;
    this.bodyTooLarge = body == null;
    this.body = body;
    this.responder = responder;
  }

  private static String stripAuthority(String target) {
    int scheme = target.indexOf("://");
    if (scheme > 0 && !target.startsWith("/")) {
      int slash = target.indexOf('/', scheme + 3);
      return slash < 0 ? "/" : target.substring(slash);
    }
    return target;
  }

  /** Percent-decoding of a URL path: unlike a query, '+' stays '+'. */
  static String decodePath(String raw) {
    if (raw.indexOf('%') < 0) {
      return raw;
    }
    ByteArrayOutputStream out = new ByteArrayOutputStream(raw.length());
    for (int i = 0; i < raw.length(); i++) {
      char c = raw.charAt(i);
      if (c == '%') {
        if (i + 2 >= raw.length()) {
          throw new IllegalArgumentException("invalid URL escape " + raw.substring(i));
        }
        int hi = Character.digit(raw.charAt(i + 1), 16);
        int lo = Character.digit(raw.charAt(i + 2), 16);
        if (hi < 0 || lo < 0) {
          throw new IllegalArgumentException("invalid URL escape " + raw.substring(i, i + 3));
        }
        out.write(hi << 4 | lo);
        i += 2;
      } else {
        byte[] b = String.valueOf(c).getBytes(StandardCharsets.UTF_8);
        out.write(b, 0, b.length);
      }
    }
    return out.toString(StandardCharsets.UTF_8);
  }

  /** Go's url.ParseQuery: '&'-separated, '+' is a space, a key without '=' has the value "". */
  static Map<String, List<String>> parseQuery(String raw) {
    Map<String, List<String>> out = new LinkedHashMap<>();
    if (raw == null || raw.isEmpty()) {
      return out;
    }
    for (String part : raw.split("&")) {
      if (part.isEmpty()) {
        continue;
      }
      int eq = part.indexOf('=');
      String k = eq < 0 ? part : part.substring(0, eq);
      String v = eq < 0 ? "" : part.substring(eq + 1);
      try {
        out.computeIfAbsent(URLDecoder.decode(k, StandardCharsets.UTF_8), x -> new ArrayList<>())
            .add(URLDecoder.decode(v, StandardCharsets.UTF_8));
      } catch (IllegalArgumentException e) {
        throw ApiException.badRequest("invalid URL escape in query: " + part);
      }
    }
    return out;
  }

  void setAuthzResolver(java.util.function.Supplier<Authz> resolver) {
    this.authzResolver = resolver;
  }

  /** The caller's permissions; resolving an unknown token throws 403 "ACL not found". */
  Authz authz() {
    if (authz == null) {
      authz = authzResolver.get();
    }
    return authz;
  }

  boolean has(String name) {
    return query.containsKey(name);
  }

  /** The first value of a query parameter, "" when present without a value, null when absent. */
  String param(String name) {
    List<String> v = query.get(name);
    return v == null ? null : v.get(0);
  }

  String param(String name, String dflt) {
    String v = param(name);
    return v == null ? dflt : v;
  }

  Iterable<Map.Entry<String, List<String>>> allParams() {
    return query.entrySet();
  }

  List<String> params(String name) {
    return query.getOrDefault(name, List.of());
  }

  /** Consul's getBoolQueryParam: absent = false, empty = true, otherwise strconv.ParseBool or 400. */
  boolean boolParam(String name) {
    String v = param(name);
    if (v == null) {
      return false;
    }
    if (v.isEmpty()) {
      return true;
    }
    Boolean b = parseGoBool(v);
    if (b == null) {
      throw ApiException.badRequest(Texts.invalidBool(name));
    }
    return b;
  }

  static Boolean parseGoBool(String v) {
    return switch (v) {
      case "1", "t", "T", "TRUE", "true", "True" -> Boolean.TRUE;
      case "0", "f", "F", "FALSE", "false", "False" -> Boolean.FALSE;
      default -> null;
    };
  }

  String header(String name) {
    return requestHeaders.first(name);
  }

  ResponseHeaders responseHeaders() {
    return responseHeaders;
  }

  /** The request body, at most {@link #MAX_BODY_BYTES}; larger bodies are 413 like Consul's KV limit. */
  byte[] body() {
    if (bodyTooLarge) {
      throw new ApiException(413, Texts.requestTooLarge(MAX_BODY_BYTES));
    }
    return body;
  }

  /** Drops the body before an early error answer (the connection has already read it). */
  void discardBody() {
    if (!bodyTooLarge) {
      body = NO_BODY;
    }
  }

  /**
   * Runs {@code action} if the client goes away before the request is answered (a parked blocking query then
   * stops waiting). Replaces an earlier action.
   */
  void onCancel(Runnable action) {
    onCancel.set(action);
  }

  /** The connection closed: no answer will be written; runs the cancel action. */
  void cancel() {
    if (answered.compareAndSet(false, true)) {
      Runnable action = onCancel.getAndSet(null);
      if (action != null) {
        action.run();
      }
    }
  }

  JsonElement jsonBody() {
    return Json.parseBody(body());
  }

  /** Consul wraps its handlers in gziphandler (default minimum size 1400 bytes). */
  private boolean acceptsGzip() {
    for (String v : requestHeaders.all("Accept-Encoding")) {
      for (String part : v.split(",")) {
        String enc = part.trim();
        if (enc.equals("gzip") || (enc.startsWith("gzip;") && !enc.replace(" ", "").endsWith("q=0"))) {
          return true;
        }
      }
    }
    return false;
  }

  static byte[] gzip(byte[] bytes) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream(bytes.length / 4 + 64);
    try (GZIPOutputStream gz = new GZIPOutputStream(out)) {
      gz.write(bytes);
    }
    return out.toByteArray();
  }

  /** See {@link Responder#executor()}. */
  Executor executor() {
    return responder.executor();
  }

  void respondJson(int status, JsonElement element) {
    respond(status, Json.write(element), JSON);
  }

  void respondText(int status, String text) {
    respond(status, text.getBytes(StandardCharsets.UTF_8), TEXT);
  }

  /** 200 with no body and no content type, like Consul's handlers that return nil. */
  void respondEmpty() {
    respond(200, null, null);
  }

  void respond(int status, byte[] bytes, String contentType) {
    respond(status, bytes, contentType, null);
  }

  /**
   * Like {@link #respond(int, byte[], String)}; {@code gzipped}, when not null, gives the gzip of {@code bytes}
   * made once for many answers of the same bytes.
   */
  void respond(int status, byte[] bytes, String contentType, Supplier<byte[]> gzipped) {
    if (!answered.compareAndSet(false, true)) {
      return;
    }
    onCancel.set(null);
    if (contentType != null) {
      responseHeaders.set("Content-Type", contentType);
    }
    boolean noBody = bytes == null || bytes.length == 0;
    if (!noBody && bytes.length >= GZIP_MIN_SIZE && acceptsGzip()) {
      try {
        bytes = gzipped != null ? gzipped.get() : gzip(bytes);
        responseHeaders.set("Content-Encoding", "gzip");
        responseHeaders.set("Vary", "Accept-Encoding");
      } catch (IOException e) {
        // In memory: cannot happen; send the body as it is.
        logger.log(Level.FINE, "gzip failed", e);
      }
    }
    responder.send(this, status, responseHeaders, noBody ? NO_BODY : bytes);
  }
}
