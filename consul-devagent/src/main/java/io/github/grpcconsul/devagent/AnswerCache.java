package io.github.grpcconsul.devagent;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;

/**
 * Rendered answers of blocking queries, keyed by query and valid for one store version. When one change wakes a
 * thousand watchers of the same service, the answer is rendered and serialised once, not a thousand times.
 */
final class AnswerCache {
  record Entry(long version, QueryResult result, byte[] body) {}

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
