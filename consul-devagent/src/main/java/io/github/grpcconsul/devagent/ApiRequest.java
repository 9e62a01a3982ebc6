package io.github.grpcconsul.devagent;

import com.google.gson.JsonElement;
import com.sun.net.httpserver.Headers;
import com.sun.net.httpserver.HttpExchange;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.logging.Level;
import java.util.logging.Logger;
import java.util.zip.GZIPOutputStream;

/** One HTTP request to the agent and its single response, which may be written later from another thread. */
final class ApiRequest {
  private static final Logger logger = Logger.getLogger(ApiRequest.class.getName());
  static final int MAX_BODY_BYTES = 512 * 1024;
  /** How much of an oversized body is read and dropped so the error answer reaches the client. */
  private static final long MAX_DISCARD_BYTES = 64L * 1024 * 1024;
  static final String JSON = "application/json";
  static final String TEXT = "text/plain; charset=utf-8";
  static final int GZIP_MIN_SIZE = 1400;

  final HttpExchange exchange;
  final String method;
  final String path;
  private final Map<String, List<String>> query;
  private final AtomicBoolean answered = new AtomicBoolean();
  private byte[] body;
  private java.util.function.Supplier<Authz> authzResolver = () -> Authz.MANAGEMENT;
  private Authz authz;

  ApiRequest(HttpExchange exchange) {
    this.exchange = exchange;
    this.method = exchange.getRequestMethod();
    String p = exchange.getRequestURI().getPath();
    this.path = p == null || p.isEmpty() ? "/" : p;
    this.query = parseQuery(exchange.getRequestURI().getRawQuery());
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
    return exchange.getRequestHeaders().getFirst(name);
  }

  Headers responseHeaders() {
    return exchange.getResponseHeaders();
  }

  /** The request body, at most {@link #MAX_BODY_BYTES}; larger bodies are 413 like Consul's KV limit. */
  byte[] body() {
    if (body != null) {
      return body;
    }
    try (InputStream in = exchange.getRequestBody()) {
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      byte[] buf = new byte[8192];
      int n;
      long total = 0;
      while ((n = in.read(buf)) > 0) {
        total += n;
        if (total > MAX_BODY_BYTES) {
          discard(in);
          throw new ApiException(413, Texts.requestTooLarge(MAX_BODY_BYTES));
        }
        out.write(buf, 0, n);
      }
      body = out.toByteArray();
      return body;
    } catch (IOException e) {
      throw ApiException.badRequest(Texts.DECODE_FAILED + e.getMessage());
    }
  }

  /**
   * Reads and drops what is left of the request body before an early error answer. Without it the JDK server closes a
   * connection that still holds unread bytes, the kernel answers with a reset, and the client may lose the 413 it was
   * sent (seen in CI). Bounded, so a client streaming forever is still cut off.
   */
  void discardBody() {
    try (InputStream in = exchange.getRequestBody()) {
      discard(in);
    } catch (IOException e) {
      // The connection is going away anyway; the error answer is best effort.
      body = new byte[0];
    }
  }

  private static void discard(InputStream in) throws IOException {
    byte[] buf = new byte[16384];
    long left = MAX_DISCARD_BYTES;
    int n;
    while (left > 0 && (n = in.read(buf, 0, (int) Math.min(buf.length, left))) > 0) {
      left -= n;
    }
  }

  JsonElement jsonBody() {
    return Json.parseBody(body());
  }

  /** Consul wraps its handlers in gziphandler (default minimum size 1400 bytes). */
  private boolean acceptsGzip() {
    for (String v : exchange.getRequestHeaders().getOrDefault("Accept-Encoding", List.of())) {
      for (String part : v.split(",")) {
        String enc = part.trim();
        if (enc.equals("gzip") || (enc.startsWith("gzip;") && !enc.replace(" ", "").endsWith("q=0"))) {
          return true;
        }
      }
    }
    return false;
  }

  private static byte[] gzip(byte[] bytes) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream(bytes.length / 4 + 64);
    try (GZIPOutputStream gz = new GZIPOutputStream(out)) {
      gz.write(bytes);
    }
    return out.toByteArray();
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
    if (!answered.compareAndSet(false, true)) {
      return;
    }
    try {
      if (contentType != null) {
        exchange.getResponseHeaders().set("Content-Type", contentType);
      }
      boolean noBody = bytes == null || bytes.length == 0;
      if (!noBody && bytes.length >= GZIP_MIN_SIZE && acceptsGzip()) {
        bytes = gzip(bytes);
        exchange.getResponseHeaders().set("Content-Encoding", "gzip");
        exchange.getResponseHeaders().set("Vary", "Accept-Encoding");
      }
      exchange.sendResponseHeaders(status, noBody ? -1 : bytes.length);
      if (!noBody) {
        try (OutputStream out = exchange.getResponseBody()) {
          out.write(bytes);
        }
      }
    } catch (IOException e) {
      logger.log(Level.FINE, "client went away before its response was written", e);
    } finally {
      exchange.close();
    }
  }
}
