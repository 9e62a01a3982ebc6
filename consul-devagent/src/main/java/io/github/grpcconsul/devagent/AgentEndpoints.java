package io.github.grpcconsul.devagent;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonNull;
import com.google.gson.JsonObject;
import io.github.grpcconsul.devagent.filter.FilterSchema;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;

/** The /v1/agent/ endpoints: the agent's own services and checks. */
final class AgentEndpoints {
  private final StateStore store;
  private final AgentConfig cfg;

  AgentEndpoints(StateStore store, AgentConfig cfg) {
    this.store = store;
    this.cfg = cfg;
  }

  void register(Router r) {
    r.put("/v1/agent/service/register", (req, rest) -> registerService(req));
    r.put("/v1/agent/service/deregister/", this::deregisterService);
    r.put("/v1/agent/service/maintenance/", this::serviceMaintenance);
    r.put("/v1/agent/maintenance", (req, rest) -> nodeMaintenance(req));
    r.put("/v1/agent/check/register", (req, rest) -> registerCheck(req));
    r.put("/v1/agent/check/deregister/", this::deregisterCheck);
    r.put("/v1/agent/check/pass/", (req, id) -> ttl(req, id, CheckStatus.PASSING, req.param("note", "")));
    r.put("/v1/agent/check/warn/", (req, id) -> ttl(req, id, CheckStatus.WARNING, req.param("note", "")));
    r.put("/v1/agent/check/fail/", (req, id) -> ttl(req, id, CheckStatus.CRITICAL, req.param("note", "")));
    r.put("/v1/agent/check/update/", this::checkUpdate);
    r.get("/v1/agent/services", (req, rest) -> services(req));
    r.get("/v1/agent/service/", this::service);
    r.get("/v1/agent/checks", (req, rest) -> checks(req));
    r.get("/v1/agent/self", (req, rest) -> self(req));
    r.get("/v1/agent/members", (req, rest) -> members(req));
    r.get("/v1/agent/health/service/id/", this::localHealthById);
    r.get("/v1/agent/health/service/name/", this::localHealthByName);
  }

  // ---- writes -----------------------------------------------------------------------------------------------

  private void registerService(ApiRequest req) {
    ServiceDef def = ServiceDef.decode(req.jsonBody());
    req.authz().requireWrite("service:write", def.name());
    for (CheckDef c : def.checks()) {
      if (c.script()) {
        throw new ApiException(500, Texts.SCRIPTS_DISABLED);
      }
    }
    String replace = req.param("replace-existing-checks");
    boolean replaceChecks = replace != null && (replace.isEmpty() || replace.equals("true"));
    store.write(() -> store.registerService(def, replaceChecks));
    req.respondEmpty();
  }

  private ServiceEntry requireService(String id) {
    ServiceEntry s = store.read(() -> store.agentService(id));
    if (s == null) {
      throw ApiException.notFound(Texts.unknownServiceId(id));
    }
    return s;
  }

  private void deregisterService(ApiRequest req, String id) {
    ServiceEntry s = requireService(id);
    req.authz().requireWrite("service:write", s.name());
    boolean removed = store.write(() -> store.deregisterAgentService(id));
    if (!removed) {
      throw ApiException.notFound(Texts.unknownServiceId(id));
    }
    req.respondEmpty();
  }

  private static boolean enableParam(ApiRequest req) {
    String enable = req.param("enable");
    if (enable == null) {
      throw ApiException.badRequest("Missing value for enable");
    }
    Boolean b = ApiRequest.parseGoBool(enable);
    if (b == null) {
      throw ApiException.badRequest("Invalid value for enable: \"" + enable + "\"");
    }
    return b;
  }

  private void serviceMaintenance(ApiRequest req, String id) {
    if (id.isEmpty()) {
      throw ApiException.badRequest(Texts.MISSING_SERVICE_ID);
    }
    boolean enable = enableParam(req);
    ServiceEntry s = requireService(id);
    req.authz().requireWrite("service:write", s.name());
    String reason = req.param("reason", "");
    store.write(() -> {
      ServiceEntry current = store.agentService(id);
      if (current == null) {
        throw ApiException.notFound(Texts.unknownServiceId(id));
      }
      store.serviceMaintenance(current, enable, reason);
    });
    req.respondEmpty();
  }

  private void nodeMaintenance(ApiRequest req) {
    boolean enable = enableParam(req);
    req.authz().requireWrite("node:write", store.nodeName);
    String reason = req.param("reason", "");
    store.write(() -> store.nodeMaintenance(enable, reason));
    req.respondEmpty();
  }

  private void registerCheck(ApiRequest req) {
    CheckDef def = CheckDef.decodeRegistration(req.jsonBody());
    if (def.name().isEmpty()) {
      throw ApiException.badRequest(Texts.MISSING_CHECK_NAME);
    }
    if (!def.validStatus()) {
      throw ApiException.badRequest("Bad check status");
    }
    String err = def.validationError();
    if (err != null) {
      throw ApiException.badRequest(Texts.invalidCheck(err));
    }
    if (def.script()) {
      throw new ApiException(500, Texts.SCRIPTS_DISABLED);
    }
    CheckDef named = def.checkId().isEmpty() ? def.withIdentity(def.name(), def.name()) : def;
    ServiceEntry service = null;
    if (!def.serviceId().isEmpty()) {
      service = store.read(() -> store.agentService(def.serviceId()));
      if (service == null) {
        throw ApiException.notFound("ServiceID \"" + def.serviceId() + "\" does not exist");
      }
      req.authz().requireWrite("service:write", service.name());
    } else {
      req.authz().requireWrite("node:write", store.nodeName);
    }
    ServiceEntry owner = service;
    store.write(() -> store.addAgentCheck(named, owner, true));
    req.respondEmpty();
  }

  private CheckEntry requireCheck(ApiRequest req, String id) {
    CheckEntry c = store.read(() -> store.agentCheck(id));
    if (c == null) {
      throw ApiException.notFound(Texts.unknownCheckId(id));
    }
    if (c.serviceId().isEmpty()) {
      req.authz().requireWrite("node:write", c.node());
    } else {
      req.authz().requireWrite("service:write", c.serviceName());
    }
    return c;
  }

  private void deregisterCheck(ApiRequest req, String id) {
    requireCheck(req, id);
    store.write(() -> store.deregisterAgentCheck(id));
    req.respondEmpty();
  }

  private void ttl(ApiRequest req, String id, String status, String output) {
    requireCheck(req, id);
    String out = ProbeResult.truncate(output);
    store.write(() -> {
      CheckDef def = store.agentCheckDef(id);
      if (store.agentCheck(id) == null) {
        throw ApiException.notFound(Texts.unknownCheckId(id));
      }
      if (def == null || !def.type().equals("ttl")) {
        throw new ApiException(500, Texts.noTtl(id));
      }
      store.setAgentCheckStatus(id, status, out);
      store.localChecks().ttlUpdated(id);
    });
    req.respondEmpty();
  }

  private void checkUpdate(ApiRequest req, String id) {
    JsonFields f = JsonFields.decode(req.jsonBody(), "agent.checkUpdate", "Status", "Output");
    String status = f.string("Status");
    if (!CheckStatus.isValid(status)) {
      throw ApiException.badRequest("Invalid check status: '" + status + "'");
    }
    ttl(req, id, status, f.string("Output"));
  }

  // ---- reads -----------------------------------------------------------------------------------------------

  private void services(ApiRequest req) {
    Predicate<JsonElement> filter = Filters.of(req, FilterSchema.AGENT_SERVICES);
    Authz authz = req.authz();
    JsonObject out = new JsonObject();
    boolean filtered = store.read(() -> ReadQuery.collect(store.agentServices(), s -> true, authz,
        s -> Render.agentService(s, store.datacenter), filter, (s, o) -> out.add(s.id(), o)));
    aclFilteredHeader(req, filtered);
    req.respondJson(200, out);
  }

  private static void aclFilteredHeader(ApiRequest req, boolean filtered) {
    if (filtered && req.authz().tokenGiven) {
      req.responseHeaders().set("X-Consul-Results-Filtered-By-ACLs", "true");
    }
  }

  private JsonObject agentServiceWithHash(String id) {
    ServiceEntry s = store.agentService(id);
    if (s == null) {
      return null;
    }
    JsonObject o = Render.agentService(s, store.datacenter);
    o.remove("Datacenter");
    String hash = contentHash(o);
    o.addProperty("ContentHash", hash);
    o.addProperty("Datacenter", store.datacenter);
    return o;
  }

  /** A 64-bit FNV-1a of the rendered service, in hex like Consul's hashstructure-based ContentHash. */
  static String contentHash(JsonElement e) {
    long h = 0xcbf29ce484222325L;
    for (byte b : e.toString().getBytes(StandardCharsets.UTF_8)) {
      h ^= (b & 0xff);
      h *= 0x100000001b3L;
    }
    return Long.toHexString(h);
  }

  private void service(ApiRequest req, String id) {
    req.authz().requireRead("service:read", id);
    String hash = req.param("hash");
    QueryOptions opts = QueryOptions.parse(req);
    Runnable answer = () -> {
      JsonObject o = store.read(() -> agentServiceWithHash(id));
      if (o == null) {
        req.respondText(404, "unknown service ID: " + id);
        return;
      }
      req.responseHeaders().set("X-Consul-ContentHash", o.get("ContentHash").getAsString());
      req.respondJson(200, o);
    };
    if (store.read(() -> store.agentService(id)) == null) {
      throw ApiException.notFound("unknown service ID: " + id);
    }
    if (hash != null && !hash.isEmpty()) {
      Waiter w = new Waiter(StateStore.TOPIC_AGENT, () -> {
        JsonObject o = agentServiceWithHash(id);
        return o == null || !o.get("ContentHash").getAsString().equals(hash);
      }, answer);
      if (store.park(w, opts.timeoutNanos())) {
        return;
      }
    }
    answer.run();
  }

  private void checks(ApiRequest req) {
    Predicate<JsonElement> filter = Filters.of(req, FilterSchema.AGENT_CHECKS);
    Authz authz = req.authz();
    JsonObject out = new JsonObject();
    boolean filtered = store.read(() -> ReadQuery.collect(store.agentChecks(), c -> true, authz, Render::check,
        filter, (c, o) -> out.add(c.checkId(), o)));
    aclFilteredHeader(req, filtered);
    req.respondJson(200, out);
  }

  private JsonObject member() {
    JsonObject m = new JsonObject();
    m.addProperty("Name", store.nodeName);
    m.addProperty("Addr", store.nodeAddress);
    m.addProperty("Port", 8301);
    JsonObject tags = new JsonObject();
    tags.addProperty("acls", cfg.aclManagementToken() == null ? "0" : "1");
    tags.addProperty("bootstrap", "1");
    tags.addProperty("build", StateStore.CONSUL_VERSION + ":devagent");
    tags.addProperty("dc", store.datacenter);
    tags.addProperty("id", store.nodeId);
    tags.addProperty("port", "8300");
    tags.addProperty("raft_vsn", "3");
    tags.addProperty("role", "consul");
    tags.addProperty("segment", "");
    tags.addProperty("vsn", "2");
    tags.addProperty("vsn_max", "3");
    tags.addProperty("vsn_min", "2");
    m.add("Tags", tags);
    m.addProperty("Status", 1);
    m.addProperty("ProtocolMin", 1);
    m.addProperty("ProtocolMax", 5);
    m.addProperty("ProtocolCur", 2);
    m.addProperty("DelegateMin", 2);
    m.addProperty("DelegateMax", 5);
    m.addProperty("DelegateCur", 4);
    return m;
  }

  private void self(ApiRequest req) {
    req.authz().requireRead("agent:read", store.nodeName);
    JsonObject config = new JsonObject();
    config.addProperty("Datacenter", store.datacenter);
    config.addProperty("PrimaryDatacenter", store.datacenter);
    config.addProperty("NodeName", store.nodeName);
    config.addProperty("NodeID", store.nodeId);
    config.addProperty("Revision", "devagent");
    config.addProperty("Server", true);
    config.addProperty("Version", StateStore.CONSUL_VERSION);
    config.addProperty("BuildDate", "2023-09-19T00:00:00Z");
    JsonObject debug = new JsonObject();
    debug.addProperty("DevMode", true);
    debug.addProperty("ACLsEnabled", cfg.aclManagementToken() != null);
    JsonObject coord = new JsonObject();
    JsonArray vec = new JsonArray();
    for (int i = 0; i < 8; i++) {
      vec.add(0);
    }
    coord.add("Vec", vec);
    coord.addProperty("Error", 1.5);
    coord.addProperty("Adjustment", 0);
    coord.addProperty("Height", 1e-05);
    JsonObject agentStats = new JsonObject();
    int[] counts = store.read(() -> {
      int ttl = 0;
      for (CheckEntry c : store.agentChecks()) {
        if (c.type().equals("ttl")) {
          ttl++;
        }
      }
      return new int[] {store.agentServices().size(), store.agentChecks().size(), ttl};
    });
    agentStats.addProperty("check_monitors", "0");
    agentStats.addProperty("check_ttls", Integer.toString(counts[2]));
    agentStats.addProperty("checks", Integer.toString(counts[1]));
    agentStats.addProperty("services", Integer.toString(counts[0]));
    JsonObject build = new JsonObject();
    build.addProperty("prerelease", "");
    build.addProperty("revision", "devagent");
    build.addProperty("version", StateStore.CONSUL_VERSION);
    JsonObject stats = new JsonObject();
    stats.add("agent", agentStats);
    stats.add("build", build);
    JsonObject meta = new JsonObject();
    meta.addProperty("consul-network-segment", "");
    JsonObject out = new JsonObject();
    out.add("Config", config);
    out.add("DebugConfig", debug);
    out.add("Coord", coord);
    out.add("Member", member());
    out.add("Stats", stats);
    out.add("Meta", meta);
    req.respondJson(200, out);
  }

  private void members(ApiRequest req) {
    JsonArray a = new JsonArray();
    if (req.authz().read) {
      a.add(member());
    }
    req.respondJson(200, a);
  }

  // ---- local health ----------------------------------------------------------------------------------------

  private record LocalHealth(String status, JsonObject json) {}

  private LocalHealth localHealth(ServiceEntry s) {
    List<CheckEntry> checks = store.checksFor(s);
    int severity = 0;
    for (CheckEntry c : checks) {
      severity = Math.max(severity, CheckStatus.severity(c.checkId(), c.status()));
    }
    String status = CheckStatus.ofSeverity(severity);
    JsonObject o = new JsonObject();
    o.addProperty("AggregatedStatus", status);
    o.add("Service", Render.agentService(s, store.datacenter));
    o.add("Checks", Render.checks(checks));
    return new LocalHealth(status, o);
  }

  private static int httpStatus(String status) {
    return switch (status) {
      case CheckStatus.PASSING -> 200;
      case CheckStatus.WARNING -> 429;
      default -> 503;
    };
  }

  private static boolean wantsText(ApiRequest req) {
    String accept = req.header("Accept");
    return "text".equals(req.param("format")) || (accept != null && accept.contains("text/plain"));
  }

  private void localHealthById(ApiRequest req, String id) {
    if (id.isEmpty()) {
      throw ApiException.badRequest("Missing serviceID");
    }
    req.authz().requireRead("service:read", id);
    LocalHealth h = store.read(() -> {
      ServiceEntry s = store.agentService(id);
      return s == null ? null : localHealth(s);
    });
    if (h == null) {
      if (wantsText(req)) {
        req.respondText(404, "ServiceId " + id + " not found");
      } else {
        JsonObject o = new JsonObject();
        o.addProperty("AggregatedStatus", CheckStatus.CRITICAL);
        o.add("Service", JsonNull.INSTANCE);
        o.add("Checks", JsonNull.INSTANCE);
        req.respondJson(404, o);
      }
      return;
    }
    if (wantsText(req)) {
      req.respondText(httpStatus(h.status), h.status);
    } else {
      req.respondJson(httpStatus(h.status), h.json);
    }
  }

  private void localHealthByName(ApiRequest req, String name) {
    if (name.isEmpty()) {
      throw ApiException.badRequest("Missing service Name");
    }
    req.authz().requireRead("service:read", name);
    List<LocalHealth> all = store.read(() -> {
      List<LocalHealth> out = new ArrayList<>();
      for (ServiceEntry s : store.agentServices()) {
        if (s.name().equals(name)) {
          out.add(localHealth(s));
        }
      }
      return out;
    });
    if (all.isEmpty()) {
      if (wantsText(req)) {
        req.respondText(404, "ServiceName " + name + " Not Found");
      } else {
        req.respondJson(404, new com.google.gson.JsonPrimitive("ServiceName " + name + " Not Found"));
      }
      return;
    }
    int severity = 0;
    JsonArray a = new JsonArray();
    for (LocalHealth h : all) {
      severity = Math.max(severity, List.of("passing", "warning", "critical", "maintenance").indexOf(h.status));
      a.add(h.json);
    }
    String worst = CheckStatus.ofSeverity(severity);
    if (wantsText(req)) {
      req.respondText(httpStatus(worst), worst);
    } else {
      req.respondJson(httpStatus(worst), a);
    }
  }
}
