package io.github.grpcconsul.devagent;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import io.github.grpcconsul.devagent.filter.FilterSchema;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Predicate;

/** The /v1/health/ endpoints. */
final class HealthEndpoints {
  private final StateStore store;

  HealthEndpoints(StateStore store) {
    this.store = store;
  }

  void register(Router r) {
    r.get("/v1/health/service/", this::service);
    r.get("/v1/health/checks/", this::checksOfService);
    r.get("/v1/health/node/", this::node);
    r.get("/v1/health/state/", this::state);
  }

  /** Consul answers 500 "No path to datacenter" for a datacenter it does not know. */
  static void requireDatacenter(ApiRequest req, StateStore store) {
    String dc = req.param("dc");
    if (dc != null && !dc.isEmpty() && !dc.equals(store.datacenter)) {
      throw new ApiException(500, Texts.NO_PATH_TO_DC);
    }
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

  private void service(ApiRequest req, String name) {
    if (name.isEmpty()) {
      throw ApiException.badRequest(Texts.MISSING_SERVICE_NAME);
    }
    requireDatacenter(req, store);
    boolean passing = req.boolParam("passing");
    List<String> tags = req.params("tag");
    List<String> nodeMeta = req.params("node-meta");
    Predicate<JsonElement> filter = Filters.of(req, FilterSchema.HEALTH_SERVICE);
    Authz authz = req.authz();
    Blocking.serve(req, store, StateStore.serviceTopic(name), () -> store.serviceIndex(name), () -> {
      JsonArray out = new JsonArray();
      boolean aclFiltered = false;
      for (ServiceEntry s : store.instancesOf(name)) {
        NodeEntry n = store.node(s.node());
        if (n == null || !hasTags(s, tags) || !hasNodeMeta(n, nodeMeta)) {
          continue;
        }
        if (!authz.read) {
          aclFiltered = true;
          continue;
        }
        List<CheckEntry> checks = store.checksFor(s);
        JsonObject entry = Render.healthEntry(n, s, checks);
        if (!filter.test(entry)) {
          continue;
        }
        if (passing && checks.stream().anyMatch(c -> !c.status().equals(CheckStatus.PASSING))) {
          continue;
        }
        out.add(entry);
      }
      return QueryResult.json(out, store.serviceIndex(name)).aclFiltered(aclFiltered);
    });
  }

  private void checksOfService(ApiRequest req, String name) {
    if (name.isEmpty()) {
      throw ApiException.badRequest(Texts.MISSING_SERVICE_NAME);
    }
    requireDatacenter(req, store);
    List<String> nodeMeta = req.params("node-meta");
    Predicate<JsonElement> filter = Filters.of(req, FilterSchema.HEALTH_CHECKS);
    Authz authz = req.authz();
    Blocking.serve(req, store, StateStore.serviceTopic(name), () -> store.serviceIndex(name), () -> {
      JsonArray out = new JsonArray();
      boolean aclFiltered = false;
      List<CheckEntry> candidates = new java.util.ArrayList<>();
      for (ServiceEntry s : store.instancesOf(name)) {
        candidates.addAll(store.serviceChecks(s.node(), s.id()));
      }
      for (CheckEntry c : candidates) {
        NodeEntry n = store.node(c.node());
        if (n == null || !hasNodeMeta(n, nodeMeta)) {
          continue;
        }
        if (!authz.read) {
          aclFiltered = true;
          continue;
        }
        JsonObject o = Render.check(c);
        if (filter.test(o)) {
          out.add(o);
        }
      }
      return QueryResult.json(out, store.serviceIndex(name)).aclFiltered(aclFiltered);
    });
  }

  private void node(ApiRequest req, String node) {
    if (node.isEmpty()) {
      throw ApiException.badRequest(Texts.MISSING_NODE_NAME);
    }
    requireDatacenter(req, store);
    Predicate<JsonElement> filter = Filters.of(req, FilterSchema.HEALTH_CHECKS);
    Authz authz = req.authz();
    Blocking.serve(req, store, StateStore.TOPIC_CATALOG, store::catalogIndex, () -> {
      JsonArray out = new JsonArray();
      boolean aclFiltered = false;
      for (CheckEntry c : store.checksOnNode(node)) {
        if (!authz.read) {
          aclFiltered = true;
          continue;
        }
        JsonObject o = Render.check(c);
        if (filter.test(o)) {
          out.add(o);
        }
      }
      return QueryResult.json(out, store.catalogIndex()).aclFiltered(aclFiltered);
    });
  }

  private void state(ApiRequest req, String state) {
    if (state.isEmpty()) {
      throw ApiException.badRequest(Texts.MISSING_CHECK_STATE);
    }
    if (!state.equals("any") && !CheckStatus.isValid(state)) {
      throw ApiException.badRequest("Invalid check state");
    }
    requireDatacenter(req, store);
    List<String> nodeMeta = req.params("node-meta");
    Predicate<JsonElement> filter = Filters.of(req, FilterSchema.HEALTH_CHECKS);
    Authz authz = req.authz();
    Blocking.serve(req, store, StateStore.TOPIC_CATALOG, store::catalogIndex, () -> {
      JsonArray out = new JsonArray();
      boolean aclFiltered = false;
      for (CheckEntry c : store.checks()) {
        NodeEntry n = store.node(c.node());
        if ((!state.equals("any") && !c.status().equals(state)) || n == null || !hasNodeMeta(n, nodeMeta)) {
          continue;
        }
        if (!authz.read) {
          aclFiltered = true;
          continue;
        }
        JsonObject o = Render.check(c);
        if (filter.test(o)) {
          out.add(o);
        }
      }
      return QueryResult.json(out, store.catalogIndex()).aclFiltered(aclFiltered);
    });
  }
}
