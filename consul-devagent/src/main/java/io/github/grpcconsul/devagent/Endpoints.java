package io.github.grpcconsul.devagent;

/** Consul's route table (agent/http_register.go): every path the dev agent serves, with its methods. */
final class Endpoints {
  private Endpoints() {}

  static Router routes(StateStore store, AgentConfig cfg) {
    Router r = new Router();
    new AgentEndpoints(store, cfg).register(r);
    new HealthEndpoints(store).register(r);
    new CatalogEndpoints(store).register(r);
    new KvEndpoints(store).register(r);
    r.get("/v1/status/leader", (req, rest) -> req.respondJson(200,
        new com.google.gson.JsonPrimitive(store.nodeAddress + ":8300")));
    r.get("/v1/status/peers", (req, rest) -> req.respondJson(200,
        Json.strings(java.util.List.of(store.nodeAddress + ":8300"))));
    return r;
  }
}
