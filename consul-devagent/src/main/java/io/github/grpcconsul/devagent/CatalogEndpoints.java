package io.github.grpcconsul.devagent;

import com.google.gson.JsonElement;
import com.google.gson.JsonNull;
import com.google.gson.JsonObject;
import com.google.gson.JsonPrimitive;
import io.github.grpcconsul.devagent.filter.FilterSchema;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/** The /v1/catalog/ endpoints. */
final class CatalogEndpoints {
  private final StateStore store;

  CatalogEndpoints(StateStore store) {
    this.store = store;
  }

  void register(Router r) {
    r.get("/v1/catalog/services", (req, rest) -> services(req));
    r.get("/v1/catalog/service/", this::service);
    r.get("/v1/catalog/nodes", (req, rest) -> nodes(req));
    r.get("/v1/catalog/node/", this::node);
    r.get("/v1/catalog/datacenters", (req, rest) -> req.respondJson(200, Json.strings(List.of(store.datacenter))));
    r.put("/v1/catalog/register", (req, rest) -> register(req));
    r.put("/v1/catalog/deregister", (req, rest) -> deregister(req));
  }

  private void services(ApiRequest req) {
    ReadQuery.requireDatacenter(req, store);
    ReadQuery q = ReadQuery.of(req, FilterSchema.CATALOG_SERVICE);
    Blocking.serve(req, store, StateStore.TOPIC_CATALOG, store::catalogIndex, () -> {
      Map<String, Set<String>> tags = new TreeMap<>();
      boolean aclFiltered = q.collect(store.services(), s -> q.nodeMatches(store.node(s.node())),
          s -> Render.serviceNode(store.node(s.node()), s),
          (s, o) -> tags.computeIfAbsent(s.name(), k -> new LinkedHashSet<>()).addAll(s.tags()));
      JsonObject out = new JsonObject();
      tags.forEach((name, t) -> out.add(name, Json.strings(t)));
      return QueryResult.json(out, store.catalogIndex()).aclFiltered(aclFiltered);
    });
  }

  private void service(ApiRequest req, String name) {
    if (name.isEmpty()) {
      throw ApiException.badRequest(Texts.MISSING_SERVICE_NAME);
    }
    ReadQuery.requireDatacenter(req, store);
    ReadQuery q = ReadQuery.of(req, FilterSchema.CATALOG_SERVICE);
    Blocking.serve(req, store, StateStore.serviceTopic(name), () -> store.serviceIndex(name),
        () -> q.array(store.instancesOf(name), s -> q.serviceMatches(s, store.node(s.node())),
            s -> Render.serviceNode(store.node(s.node()), s), store.serviceIndex(name)));
  }

  private void nodes(ApiRequest req) {
    ReadQuery.requireDatacenter(req, store);
    ReadQuery q = ReadQuery.of(req, FilterSchema.CATALOG_NODES);
    Blocking.serve(req, store, StateStore.TOPIC_CATALOG, store::catalogIndex,
        () -> q.array(store.nodes(), q::nodeMatches, Render::node, store.catalogIndex()));
  }

  private void node(ApiRequest req, String node) {
    if (node.isEmpty()) {
      throw ApiException.badRequest(Texts.MISSING_NODE_NAME);
    }
    ReadQuery.requireDatacenter(req, store);
    Authz authz = req.authz();
    Blocking.serve(req, store, StateStore.TOPIC_CATALOG, store::catalogIndex, () -> {
      NodeEntry n = store.node(node);
      if (n == null || !authz.read) {
        return QueryResult.json(JsonNull.INSTANCE, store.catalogIndex());
      }
      JsonObject services = new JsonObject();
      for (ServiceEntry s : store.servicesOnNode(node)) {
        services.add(s.id(), Render.nodeService(s));
      }
      JsonObject out = new JsonObject();
      out.add("Node", Render.node(n));
      out.add("Services", services);
      return QueryResult.json(out, store.catalogIndex());
    });
  }

  // ---- writes -----------------------------------------------------------------------------------------------

  private static final String[] NODE_SERVICE_FIELDS = {"Kind", "ID", "Service", "Tags", "Address",
      "TaggedAddresses", "Meta", "Port", "SocketPath", "Weights", "EnableTagOverride", "Proxy", "Connect",
      "PeerName", "LocallyRegisteredAsSidecar", "Locality", "CreateIndex", "ModifyIndex"};
  private static final String[] HEALTH_CHECK_FIELDS = {"Node", "CheckID", "Name", "Status", "Notes", "Output",
      "ServiceID", "ServiceName", "ServiceTags", "Type", "Interval", "Timeout", "ExposedPort", "Definition",
      "PeerName", "CreateIndex", "ModifyIndex"};

  private void register(ApiRequest req) {
    JsonFields f = JsonFields.decode(req.jsonBody(), "structs.RegisterRequest", "Datacenter", "ID", "Node",
        "Address", "TaggedAddresses", "NodeMeta", "Service", "Check", "Checks", "SkipNodeUpdate", "Token",
        "Locality", "PeerName");
    String nodeName = f.string("Node");
    if (nodeName.isEmpty()) {
      throw ApiException.badRequest(Texts.MISSING_NODE_NAME);
    }
    boolean skipNodeUpdate = f.bool("SkipNodeUpdate");
    if (f.string("Address").isEmpty() && !skipNodeUpdate) {
      throw ApiException.badRequest(Texts.MISSING_NODE_ADDRESS);
    }
    String dc = f.string("Datacenter");
    if (!dc.isEmpty() && !dc.equals(store.datacenter)) {
      throw new ApiException(500, Texts.NO_PATH_TO_DC);
    }
    Map<String, String> nodeMeta = f.stringMap("NodeMeta");
    String metaError = ServiceDef.metaError(nodeMeta);
    if (metaError != null) {
      throw ApiException.badRequest("Invalid node metadata: " + metaError);
    }
    Map<String, String> tagged = f.stringMap("TaggedAddresses");
    NodeEntry node = new NodeEntry(f.string("ID"), nodeName, f.string("Address"), store.datacenter,
        tagged == null ? Map.of() : tagged, nodeMeta == null ? Map.of() : nodeMeta, 0, 0);
    ServiceEntry service = f.has("Service") ? decodeService(f.raw("Service"), nodeName) : null;
    List<JsonElement> checkJson = new ArrayList<>();
    if (f.has("Check")) {
      checkJson.add(f.raw("Check"));
    }
    if (f.array("Checks") != null) {
      f.array("Checks").forEach(checkJson::add);
    }
    List<JsonFields> checks = new ArrayList<>();
    for (JsonElement c : checkJson) {
      checks.add(JsonFields.decode(c, "structs.HealthCheck", HEALTH_CHECK_FIELDS));
    }
    if (service != null) {
      req.authz().requireWrite("service:write", service.name());
    }
    req.authz().requireWrite("node:write", nodeName);
    store.write(() -> {
      NodeEntry existing = store.node(nodeName);
      if (!skipNodeUpdate || existing == null) {
        if (node.address().isEmpty()) {
          throw ApiException.badRequest(Texts.MISSING_NODE_ADDRESS);
        }
        store.catalogRegisterNode(node);
      }
      if (service != null) {
        store.catalogPutService(service);
      }
      for (JsonFields c : checks) {
        store.catalogPutCheck(decodeCheck(c, nodeName, service));
      }
    });
    req.respondJson(200, new JsonPrimitive(true));
  }

  private static ServiceEntry decodeService(JsonElement json, String node) {
    JsonFields s = JsonFields.decode(json, "structs.NodeService", NODE_SERVICE_FIELDS);
    String name = s.string("Service");
    if (name.isEmpty()) {
      throw ApiException.badRequest("Must provide service name with ID");
    }
    JsonFields w = JsonFields.decode(s.raw("Weights"), "structs.Weights", "Passing", "Warning");
    int passing = (int) w.integer("Passing", 1);
    int warning = (int) w.integer("Warning", 1);
    Map<String, TaggedAddress> tagged = new LinkedHashMap<>();
    JsonObject ta = s.object("TaggedAddresses");
    if (ta != null) {
      for (Map.Entry<String, JsonElement> e : ta.entrySet()) {
        JsonFields a = JsonFields.decode(e.getValue(), "structs.ServiceAddress", "Address", "Port");
        tagged.put(e.getKey(), new TaggedAddress(a.string("Address"), (int) a.integer("Port", 0)));
      }
    }
    String metaError = ServiceDef.metaError(s.stringMap("Meta"));
    if (metaError != null) {
      throw ApiException.badRequest(Texts.invalidServiceMeta(metaError));
    }
    return new ServiceEntry(node, s.string("ID").isEmpty() ? name : s.string("ID"), name, s.string("Kind"),
        List.copyOf(s.strings("Tags")), s.string("Address"), tagged, s.stringMap("Meta"), (int) s.integer("Port", 0),
        passing < 1 ? 1 : passing, warning, s.bool("EnableTagOverride"), 0, 0);
  }

  private CheckEntry decodeCheck(JsonFields c, String node, ServiceEntry registered) {
    String status = c.string("Status").isEmpty() ? CheckStatus.CRITICAL : c.string("Status");
    if (!CheckStatus.isValid(status)) {
      throw ApiException.badRequest(Texts.BAD_CHECK_STATUS);
    }
    String checkId = c.string("CheckID").isEmpty() ? c.string("Name") : c.string("CheckID");
    if (checkId.isEmpty()) {
      throw ApiException.badRequest("Missing check ID");
    }
    String serviceId = c.string("ServiceID");
    ServiceEntry owner = null;
    if (!serviceId.isEmpty()) {
      owner = registered != null && registered.id().equals(serviceId) ? registered : store.service(node, serviceId);
      if (owner == null) {
        throw ApiException.badRequest(Texts.unknownServiceForCheck(serviceId, checkId));
      }
    }
    Duration interval = Duration.ZERO;
    Duration timeout = Duration.ZERO;
    return new CheckEntry(node, checkId, c.string("Name"), status, c.string("Notes"), c.string("Output"),
        serviceId, owner == null ? "" : owner.name(), owner == null ? List.of() : owner.tags(), c.string("Type"),
        interval, timeout, 0, 0);
  }

  private void deregister(ApiRequest req) {
    JsonFields f = JsonFields.decode(req.jsonBody(), "structs.DeregisterRequest", "Datacenter", "Node",
        "ServiceID", "CheckID", "Token", "PeerName");
    String node = f.string("Node");
    if (node.isEmpty()) {
      throw ApiException.badRequest(Texts.MISSING_NODE_NAME);
    }
    req.authz().requireWrite("node:write", node);
    String serviceId = f.string("ServiceID");
    String checkId = f.string("CheckID");
    store.write(() -> {
      if (!serviceId.isEmpty()) {
        store.catalogDeregisterService(node, serviceId);
      } else if (!checkId.isEmpty()) {
        store.catalogDeregisterCheck(node, checkId);
      } else {
        store.catalogDeregisterNode(node);
      }
    });
    req.respondJson(200, new JsonPrimitive(true));
  }
}
