package io.github.grpcconsul.devagent;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonNull;
import com.google.gson.JsonObject;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/** Consul's JSON shapes (field names and order of its Go structs), in one place. */
final class Render {
  private Render() {}

  /** structs.Node. */
  static JsonObject node(NodeEntry n) {
    JsonObject o = new JsonObject();
    addNodeFields(o, n);
    o.add("Meta", Json.stringMap(n.meta()));
    addIndexes(o, n.createIndex(), n.modifyIndex());
    return o;
  }

  /** The node fields structs.Node and structs.ServiceNode both begin with. */
  private static void addNodeFields(JsonObject o, NodeEntry n) {
    o.addProperty("ID", n.id());
    o.addProperty("Node", n.name());
    o.addProperty("Address", n.address());
    o.addProperty("Datacenter", n.datacenter());
    o.add("TaggedAddresses", Json.stringMap(n.taggedAddresses()));
  }

  /** The service fields structs.NodeService and api.AgentService both begin with. */
  private static void addServiceFields(JsonObject o, ServiceEntry s) {
    if (!s.kind().isEmpty()) {
      o.addProperty("Kind", s.kind());
    }
    o.addProperty("ID", s.id());
    o.addProperty("Service", s.name());
    o.add("Tags", Json.strings(s.tags()));
  }

  private static void addIndexes(JsonObject o, long createIndex, long modifyIndex) {
    o.addProperty("CreateIndex", createIndex);
    o.addProperty("ModifyIndex", modifyIndex);
  }

  private static JsonObject taggedAddresses(Map<String, TaggedAddress> tagged) {
    JsonObject o = new JsonObject();
    tagged.forEach((k, v) -> {
      JsonObject a = new JsonObject();
      a.addProperty("Address", v.address());
      a.addProperty("Port", v.port());
      o.add(k, a);
    });
    return o;
  }

  private static JsonObject weights(ServiceEntry s) {
    JsonObject w = new JsonObject();
    w.addProperty("Passing", s.weightPassing());
    w.addProperty("Warning", s.weightWarning());
    return w;
  }

  private static JsonObject proxy() {
    JsonObject p = new JsonObject();
    p.addProperty("Mode", "");
    p.add("MeshGateway", new JsonObject());
    p.add("Expose", new JsonObject());
    return p;
  }

  /** structs.NodeService, as in /v1/health/service and /v1/catalog/node. */
  static JsonObject nodeService(ServiceEntry s) {
    JsonObject o = new JsonObject();
    addServiceFields(o, s);
    o.addProperty("Address", s.address());
    if (!s.taggedAddresses().isEmpty()) {
      o.add("TaggedAddresses", taggedAddresses(s.taggedAddresses()));
    }
    o.add("Meta", Json.stringMap(s.meta()));
    if (s.port() != 0) {
      o.addProperty("Port", s.port());
    }
    o.add("Weights", weights(s));
    o.addProperty("EnableTagOverride", s.enableTagOverride());
    o.add("Proxy", proxy());
    o.add("Connect", new JsonObject());
    o.addProperty("PeerName", "");
    addIndexes(o, s.createIndex(), s.modifyIndex());
    return o;
  }

  /** structs.ServiceNode, as in /v1/catalog/service. */
  static JsonObject serviceNode(NodeEntry n, ServiceEntry s) {
    JsonObject o = new JsonObject();
    addNodeFields(o, n);
    o.add("NodeMeta", Json.stringMap(n.meta()));
    o.addProperty("ServiceKind", s.kind());
    o.addProperty("ServiceID", s.id());
    o.addProperty("ServiceName", s.name());
    o.add("ServiceTags", Json.strings(s.tags()));
    o.addProperty("ServiceAddress", s.address());
    if (!s.taggedAddresses().isEmpty()) {
      o.add("ServiceTaggedAddresses", taggedAddresses(s.taggedAddresses()));
    }
    o.add("ServiceWeights", weights(s));
    o.add("ServiceMeta", s.meta() == null ? new JsonObject() : Json.stringMap(s.meta()));
    o.addProperty("ServicePort", s.port());
    o.addProperty("ServiceSocketPath", "");
    o.addProperty("ServiceEnableTagOverride", s.enableTagOverride());
    o.add("ServiceProxy", proxy());
    o.add("ServiceConnect", new JsonObject());
    o.add("ServiceLocality", JsonNull.INSTANCE);
    addIndexes(o, s.createIndex(), s.modifyIndex());
    return o;
  }

  /** api.AgentService, as in /v1/agent/services. */
  static JsonObject agentService(ServiceEntry s, String datacenter) {
    JsonObject o = new JsonObject();
    addServiceFields(o, s);
    o.add("Meta", s.meta() == null ? new JsonObject() : Json.stringMap(s.meta()));
    o.addProperty("Port", s.port());
    o.addProperty("Address", s.address());
    if (!s.taggedAddresses().isEmpty()) {
      o.add("TaggedAddresses", taggedAddresses(s.taggedAddresses()));
    }
    o.add("Weights", weights(s));
    o.addProperty("EnableTagOverride", s.enableTagOverride());
    o.addProperty("Datacenter", datacenter);
    return o;
  }

  /** structs.HealthCheck. */
  static JsonObject check(CheckEntry c) {
    JsonObject o = new JsonObject();
    o.addProperty("Node", c.node());
    o.addProperty("CheckID", c.checkId());
    o.addProperty("Name", c.name());
    o.addProperty("Status", c.status());
    o.addProperty("Notes", c.notes());
    o.addProperty("Output", c.output());
    o.addProperty("ServiceID", c.serviceId());
    o.addProperty("ServiceName", c.serviceName());
    o.add("ServiceTags", Json.strings(c.serviceTags()));
    o.addProperty("Type", c.type());
    o.addProperty("Interval", duration(c.interval()));
    o.addProperty("Timeout", duration(c.timeout()));
    o.addProperty("ExposedPort", 0);
    o.add("Definition", new JsonObject());
    addIndexes(o, c.createIndex(), c.modifyIndex());
    return o;
  }

  private static String duration(Duration d) {
    return d.isZero() ? "" : GoDuration.format(d);
  }

  static JsonArray checks(List<CheckEntry> checks) {
    JsonArray a = new JsonArray();
    checks.forEach(c -> a.add(check(c)));
    return a;
  }

  /** One entry of /v1/health/service: {Node, Service, Checks}. */
  static JsonObject healthEntry(NodeEntry n, ServiceEntry s, List<CheckEntry> checks) {
    JsonObject o = new JsonObject();
    o.add("Node", node(n));
    o.add("Service", nodeService(s));
    o.add("Checks", checks(checks));
    return o;
  }

  static JsonElement kvEntry(KvEntry e) {
    JsonObject o = new JsonObject();
    o.addProperty("LockIndex", e.lockIndex());
    o.addProperty("Key", e.key());
    o.addProperty("Flags", e.flags());
    o.add("Value", e.value() == null ? JsonNull.INSTANCE
        : new com.google.gson.JsonPrimitive(java.util.Base64.getEncoder().encodeToString(e.value())));
    addIndexes(o, e.createIndex(), e.modifyIndex());
    return o;
  }
}
