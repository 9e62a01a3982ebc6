package io.github.grpcconsul.devagent;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;

/**
 * Rendered answers of blocking queries, keyed by query and valid for one store version. When one change wakes a
 * thousand watchers of the same service, the answer is rendered and serialised once, not a thousand times.
 */
final class AnswerCache {
  /**
   * One query's answer at one store version. Its JSON bytes (and their gzip) are made once, by the first waiter
   * that needs them; the others wait for that one instead of serialising again.
   */
  static final class Entry {
    private final long version;
    private final QueryResult result;
    private byte[] body;
    private byte[] gzipped;

    Entry(long version, QueryResult result) {
      this.version = version;
      this.result = result;
    }

    long version() {
      return version;
    }

    QueryResult result() {
      return result;
    }

    synchronized byte[] body() {
      if (body == null) {
        body = Json.write(result.json());
      }
      return body;
    }

    synchronized byte[] gzipped() {
      if (gzipped == null) {
        try {
          gzipped = ApiRequest.gzip(body());
        } catch (java.io.IOException e) {
          throw new java.io.UncheckedIOException(e); // in memory: cannot happen
        }
      }
      return gzipped;
    }
  }

  private static final int MAX_ENTRIES = 256;

  private final Map<String, Entry> entries = new LinkedHashMap<>(16, 0.75f, true) {
    private static final long serialVersionUID = 1L;

    @Override
    protected boolean removeEldestEntry(Map.Entry<String, Entry> eldest) {
      return size() > MAX_ENTRIES;
    }
  };

  synchronized Entry get(String key, long version) {
    Entry e = entries.get(key);
    return e != null && e.version == version ? e : null;
  }

  /** The entry for {@code key} at {@code version}, made with {@code render} (under the store lock) when missing. */
  synchronized Entry getOrRender(String key, long version, java.util.function.Supplier<QueryResult> render) {
    Entry e = get(key, version);
    if (e == null) {
      e = new Entry(version, render.get());
      entries.put(key, e);
    }
    return e;
  }

  synchronized void put(String key, Entry e) {
    entries.put(key, e);
  }

  /** The query's identity: path, parameters other than index/wait/token, and what the caller may read. */
  static String key(ApiRequest req, Iterable<Map.Entry<String, java.util.List<String>>> params) {
    StringBuilder sb = new StringBuilder(req.path).append('?');
    Map<String, java.util.List<String>> sorted = new TreeMap<>();
    for (Map.Entry<String, java.util.List<String>> p : params) {
      if (!p.getKey().equals("index") && !p.getKey().equals("wait") && !p.getKey().equals("token")) {
        sorted.put(p.getKey(), p.getValue());
      }
    }
    sorted.forEach((k, v) -> sb.append(k).append('=').append(v).append('&'));
    Authz a = req.authz();
    sb.append('|').append(a.read).append(a.tokenGiven);
    return sb.toString();
  }
}
