package io.github.grpcconsul.devagent;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import io.github.grpcconsul.devagent.filter.FilterSchema;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.BiConsumer;
import java.util.function.Function;
import java.util.function.Predicate;

/**
 * The read-side parameters the catalog and health endpoints share (?tag, ?node-meta, ?filter, the token's read
 * permission) and the one loop that applies them, so every listing hides, filters and flags entries alike.
 */
final class ReadQuery {
  final List<String> tags;
  final List<String> nodeMeta;
  final Predicate<JsonElement> filter;
  final Authz authz;

  private ReadQuery(List<String> tags, List<String> nodeMeta, Predicate<JsonElement> filter, Authz authz) {
    this.tags = tags;
    this.nodeMeta = nodeMeta;
    this.filter = filter;
    this.authz = authz;
  }

  /** Reads the parameters in the order the endpoints always have: a bad ?filter is reported before a denied token. */
  static ReadQuery of(ApiRequest req, FilterSchema schema) {
    List<String> tags = req.params("tag");
    List<String> nodeMeta = req.params("node-meta");
    Predicate<JsonElement> filter = Filters.of(req, schema);
    return new ReadQuery(tags, nodeMeta, filter, req.authz());
  }

  /** Consul answers 500 "No path to datacenter" for a datacenter it does not know. */
  static void requireDatacenter(ApiRequest req, StateStore store) {
    String dc = req.param("dc");
    if (dc != null && !dc.isEmpty() && !dc.equals(store.datacenter)) {
      throw new ApiException(500, Texts.NO_PATH_TO_DC);
    }
  }

  /** The node exists and carries every ?node-meta pair. */
  boolean nodeMatches(NodeEntry n) {
    return n != null && hasNodeMeta(n, nodeMeta);
  }

  /** The instance's node exists, and the instance carries every ?tag and its node every ?node-meta pair. */
  boolean serviceMatches(ServiceEntry s, NodeEntry n) {
    return n != null && hasTags(s, tags) && hasNodeMeta(n, nodeMeta);
  }

  /**
   * Walks {@code items} in order: those not {@code selected} are skipped; without read permission the rest are
   * hidden; the others are rendered and passed to {@code keep} when the ?filter matches.
   *
   * @return whether ACLs hid any entry (Consul's X-Consul-Results-Filtered-By-ACLs)
   */
  static <T> boolean collect(Iterable<T> items, Predicate<? super T> selected, Authz authz,
      Function<? super T, JsonObject> render, Predicate<JsonElement> filter, BiConsumer<? super T, JsonObject> keep) {
    boolean aclFiltered = false;
    for (T item : items) {
      if (!selected.test(item)) {
        continue;
      }
      if (!authz.read) {
        aclFiltered = true;
        continue;
      }
      JsonObject o = render.apply(item);
      if (filter.test(o)) {
        keep.accept(item, o);
      }
    }
    return aclFiltered;
  }

  /** {@link #collect} with this query's permission and filter. */
  <T> boolean collect(Iterable<T> items, Predicate<? super T> selected, Function<? super T, JsonObject> render,
      BiConsumer<? super T, JsonObject> keep) {
    return collect(items, selected, authz, render, filter, keep);
  }

  /** The matching entries as a JSON array answering at {@code index}. */
  <T> QueryResult array(Iterable<T> items, Predicate<? super T> selected, Function<? super T, JsonObject> render,
      long index) {
    JsonArray out = new JsonArray();
    boolean aclFiltered = collect(items, selected, render, (item, o) -> out.add(o));
    return QueryResult.json(out, index).aclFiltered(aclFiltered);
  }

  /** Repeatable ?tag=: the instance must carry every one, compared case-insensitively. */
  static boolean hasTags(ServiceEntry s, List<String> tags) {
    for (String want : tags) {
      boolean found = false;
      for (String t : s.tags()) {
        if (t.toLowerCase(Locale.ROOT).equals(want.toLowerCase(Locale.ROOT))) {
          found = true;
          break;
        }
      }
      if (!found) {
        return false;
      }
    }
    return true;
  }

  /** Repeatable ?node-meta=key:value, split on the first ':'. */
  static boolean hasNodeMeta(NodeEntry n, List<String> pairs) {
    for (String pair : pairs) {
      int colon = pair.indexOf(':');
      String k = colon < 0 ? pair : pair.substring(0, colon);
      String v = colon < 0 ? "" : pair.substring(colon + 1);
      Map<String, String> meta = n.meta();
      if (meta == null || !v.equals(meta.get(k))) {
        return false;
      }
    }
    return true;
  }
}
