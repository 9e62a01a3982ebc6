package io.github.grpcconsul.devagent;

import com.google.gson.JsonArray;
import com.google.gson.JsonPrimitive;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/** /v1/kv/:key: GET (recurse, keys, separator, raw), PUT (flags, cas), DELETE (recurse, cas). */
final class KvEndpoints {
  static final int MAX_VALUE_SIZE = 512 * 1024;
  private final StateStore store;

  KvEndpoints(StateStore store) {
    this.store = store;
  }

  void register(Router r) {
    r.add("/v1/kv/", Set.of("GET", "PUT", "DELETE"), this::handle);
  }

  private void handle(ApiRequest req, String key) {
    ReadQuery.requireDatacenter(req, store);
    switch (req.method) {
      case "GET" -> get(req, key);
      case "PUT" -> put(req, key);
      default -> delete(req, key);
    }
  }

  private void get(ApiRequest req, String key) {
    boolean keys = req.has("keys");
    boolean recurse = req.has("recurse");
    boolean raw = req.has("raw");
    String separator = req.param("separator", "");
    Authz authz = req.authz();
    boolean prefix = keys || recurse;
    if (!prefix && !authz.read) {
      throw new ApiException(403, authz.accessor == null ? Texts.permissionDenied("key:read", key)
          : Texts.permissionDeniedToken(authz.accessor, "key:read", key));
    }
    Blocking.serve(req, store, StateStore.TOPIC_KV, () -> store.kvIndex(key, prefix), () -> {
      long index = store.kvIndex(key, prefix);
      if (keys) {
        TreeSet<String> out = new TreeSet<>();
        for (KvEntry e : store.kvList(key)) {
          if (!authz.read) {
            continue;
          }
          String k = e.key();
          if (!separator.isEmpty()) {
            int at = k.indexOf(separator, key.length());
            if (at >= 0) {
              k = k.substring(0, at + separator.length());
            }
          }
          out.add(k);
        }
        return out.isEmpty() ? notFound(index) : QueryResult.json(Json.strings(out), index);
      }
      List<KvEntry> entries = recurse ? store.kvList(key) : single(store.kvGet(key));
      if (!authz.read) {
        entries = List.of();
      }
      if (entries.isEmpty()) {
        return notFound(index);
      }
      if (raw) {
        byte[] value = entries.get(0).value();
        return new QueryResult(200, null, value == null ? new byte[0] : value, "text/plain; charset=utf-8", index,
            false);
      }
      JsonArray a = new JsonArray();
      entries.forEach(e -> a.add(Render.kvEntry(e)));
      return QueryResult.json(a, index);
    });
  }

  private static List<KvEntry> single(KvEntry e) {
    return e == null ? List.of() : List.of(e);
  }

  private static QueryResult notFound(long index) {
    return new QueryResult(404, null, new byte[0], null, index, false);
  }

  private static Long uintParam(ApiRequest req, String name) {
    String v = req.param(name);
    if (v == null) {
      return null;
    }
    try {
      return Long.parseUnsignedLong(v);
    } catch (NumberFormatException e) {
      throw ApiException.badRequest("Invalid " + name + " value: \"" + v + "\"");
    }
  }

  private void put(ApiRequest req, String key) {
    if (key.isEmpty()) {
      throw ApiException.badRequest(Texts.MISSING_KEY_NAME);
    }
    if (req.has("acquire") || req.has("release")) {
      String session = req.has("acquire") ? req.param("acquire") : req.param("release");
      throw new ApiException(500, "invalid session \"" + session + "\"");
    }
    Long flags = uintParam(req, "flags");
    Long cas = uintParam(req, "cas");
    req.authz().requireWrite("key:write", key);
    String length = req.header("Content-Length");
    if (length != null) {
      try {
        long n = Long.parseLong(length.trim());
        if (n > MAX_VALUE_SIZE) {
          req.discardBody();
          throw new ApiException(413, Texts.kvValueTooLarge(n, MAX_VALUE_SIZE));
        }
      } catch (NumberFormatException e) {
        throw ApiException.badRequest("Invalid Content-Length: " + length);
      }
    }
    byte[] value = req.body();
    boolean ok = store.write(() -> store.kvPut(key, value, flags, cas));
    req.respondJson(200, new JsonPrimitive(ok));
  }

  private void delete(ApiRequest req, String key) {
    boolean recurse = req.has("recurse");
    if (key.isEmpty() && !recurse) {
      throw ApiException.badRequest(Texts.MISSING_KEY_NAME);
    }
    Long cas = uintParam(req, "cas");
    req.authz().requireWrite("key:write", key);
    boolean ok = store.write(() -> store.kvDelete(key, recurse, cas));
    req.respondJson(200, new JsonPrimitive(ok));
  }
}
