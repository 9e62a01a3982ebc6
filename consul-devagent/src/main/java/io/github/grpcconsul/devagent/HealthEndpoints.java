package io.github.grpcconsul.devagent;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import io.github.grpcconsul.devagent.filter.FilterSchema;
import java.util.ArrayList;
import java.util.List;
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

  private void service(ApiRequest req, String name) {
    if (name.isEmpty()) {
      throw ApiException.badRequest(Texts.MISSING_SERVICE_NAME);
    }
    ReadQuery.requireDatacenter(req, store);
    boolean passing = req.boolParam("passing");
    ReadQuery q = ReadQuery.of(req, FilterSchema.HEALTH_SERVICE);
    // ?passing applies after ?filter, so an entry it drops still counts towards ACL filtering like Consul's.
    Predicate<JsonObject> keep = passing ? HealthEndpoints::allPassing : entry -> true;
    Blocking.serve(req, store, StateStore.serviceTopic(name), () -> store.serviceIndex(name), () -> {
      JsonArray out = new JsonArray();
      boolean aclFiltered = q.collect(store.instancesOf(name), s -> q.serviceMatches(s, store.node(s.node())),
          s -> Render.healthEntry(store.node(s.node()), s, store.checksFor(s)),
          (s, entry) -> {
            if (keep.test(entry)) {
              out.add(entry);
            }
          });
      return QueryResult.json(out, store.serviceIndex(name)).aclFiltered(aclFiltered);
    });
  }

  private static boolean allPassing(JsonObject healthEntry) {
    for (JsonElement c : healthEntry.getAsJsonArray("Checks")) {
      if (!c.getAsJsonObject().get("Status").getAsString().equals(CheckStatus.PASSING)) {
        return false;
      }
    }
    return true;
  }

  private void checksOfService(ApiRequest req, String name) {
    if (name.isEmpty()) {
      throw ApiException.badRequest(Texts.MISSING_SERVICE_NAME);
    }
    ReadQuery.requireDatacenter(req, store);
    ReadQuery q = ReadQuery.of(req, FilterSchema.HEALTH_CHECKS);
    Blocking.serve(req, store, StateStore.serviceTopic(name), () -> store.serviceIndex(name), () -> {
      List<CheckEntry> candidates = new ArrayList<>();
      for (ServiceEntry s : store.instancesOf(name)) {
        candidates.addAll(store.serviceChecks(s.node(), s.id()));
      }
      return q.array(candidates, c -> q.nodeMatches(store.node(c.node())), Render::check, store.serviceIndex(name));
    });
  }

  private void node(ApiRequest req, String node) {
    if (node.isEmpty()) {
      throw ApiException.badRequest(Texts.MISSING_NODE_NAME);
    }
    ReadQuery.requireDatacenter(req, store);
    ReadQuery q = ReadQuery.of(req, FilterSchema.HEALTH_CHECKS);
    Blocking.serve(req, store, StateStore.TOPIC_CATALOG, store::catalogIndex,
        () -> q.array(store.checksOnNode(node), c -> true, Render::check, store.catalogIndex()));
  }

  private void state(ApiRequest req, String state) {
    if (state.isEmpty()) {
      throw ApiException.badRequest(Texts.MISSING_CHECK_STATE);
    }
    if (!state.equals("any") && !CheckStatus.isValid(state)) {
      throw ApiException.badRequest("Invalid check state");
    }
    ReadQuery.requireDatacenter(req, store);
    ReadQuery q = ReadQuery.of(req, FilterSchema.HEALTH_CHECKS);
    Blocking.serve(req, store, StateStore.TOPIC_CATALOG, store::catalogIndex, () -> q.array(store.checks(),
        c -> (state.equals("any") || c.status().equals(state)) && q.nodeMatches(store.node(c.node())),
        Render::check, store.catalogIndex()));
  }
}
