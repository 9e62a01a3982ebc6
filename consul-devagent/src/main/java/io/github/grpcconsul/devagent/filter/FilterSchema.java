package io.github.grpcconsul.devagent.filter;

import static io.github.grpcconsul.devagent.filter.Field.BOOL;
import static io.github.grpcconsul.devagent.filter.Field.INT;
import static io.github.grpcconsul.devagent.filter.Field.STRING;
import static io.github.grpcconsul.devagent.filter.Field.STRING_LIST;
import static io.github.grpcconsul.devagent.filter.Field.STRING_MAP;
import static io.github.grpcconsul.devagent.filter.Field.listOf;
import static io.github.grpcconsul.devagent.filter.Field.mapOf;
import static io.github.grpcconsul.devagent.filter.Field.struct;

/**
 * The selectors a {@code filter} may use on one Consul endpoint: the fields of the Go structure Consul filters there
 * (Consul 1.16 CE), with Consul's Go field names. Selectors outside the schema are rejected when the expression is
 * parsed, like Consul does; map-typed fields ({@code Meta}, {@code TaggedAddresses}) accept any key.
 */
public final class FilterSchema {
  private static final Field LOCALITY = struct("Region", STRING, "Zone", STRING);
  private static final Field WEIGHTS = struct("Passing", INT, "Warning", INT);
  private static final Field SERVICE_ADDRESS = struct("Address", STRING, "Port", INT);
  private static final Field MESH_GATEWAY = struct("Mode", STRING);
  private static final Field UPSTREAM = struct(
      "DestinationType", STRING,
      "DestinationNamespace", STRING,
      "DestinationPartition", STRING,
      "DestinationPeer", STRING,
      "DestinationName", STRING,
      "Datacenter", STRING,
      "LocalBindAddress", STRING,
      "LocalBindPort", INT,
      "LocalBindSocketPath", STRING,
      "LocalBindSocketMode", STRING,
      "MeshGateway", MESH_GATEWAY);
  private static final Field EXPOSE_PATH = struct(
      "ListenerPort", INT,
      "Path", STRING,
      "LocalPathPort", INT,
      "Protocol", STRING,
      "ParsedFromCheck", BOOL);
  private static final Field PROXY = struct(
      "DestinationServiceName", STRING,
      "DestinationServiceID", STRING,
      "LocalServiceAddress", STRING,
      "LocalServicePort", INT,
      "LocalServiceSocketPath", STRING,
      "Mode", STRING,
      "Upstreams", listOf(UPSTREAM),
      "MeshGateway", MESH_GATEWAY,
      "Expose", struct("Checks", BOOL, "Paths", listOf(EXPOSE_PATH)),
      "TransparentProxy", struct("OutboundListenerPort", INT, "DialedDirectly", BOOL));
  private static final Field CONNECT = struct("Native", BOOL);

  private static final Field NODE = struct(
      "ID", STRING,
      "Node", STRING,
      "Address", STRING,
      "Datacenter", STRING,
      "Partition", STRING,
      "PeerName", STRING,
      "TaggedAddresses", STRING_MAP,
      "Meta", STRING_MAP,
      "Locality", LOCALITY);

  private static final Field NODE_SERVICE = struct(
      "Kind", STRING,
      "ID", STRING,
      "Service", STRING,
      "Tags", STRING_LIST,
      "Address", STRING,
      "TaggedAddresses", mapOf(SERVICE_ADDRESS),
      "Meta", STRING_MAP,
      "Port", INT,
      "SocketPath", STRING,
      "Weights", WEIGHTS,
      "EnableTagOverride", BOOL,
      "Locality", LOCALITY,
      "Proxy", PROXY,
      "Connect", CONNECT,
      "PeerName", STRING);

  private static final Field HEALTH_CHECK = struct(
      "Node", STRING,
      "CheckID", STRING,
      "Name", STRING,
      "Status", STRING,
      "Notes", STRING,
      "Output", STRING,
      "ServiceID", STRING,
      "ServiceName", STRING,
      "ServiceTags", STRING_LIST,
      "Type", STRING,
      "Interval", STRING,
      "Timeout", STRING,
      "ExposedPort", INT,
      "PeerName", STRING);

  /** {@code GET /v1/health/service/:name}: each entry {@code {"Node", "Service", "Checks"}}. */
  public static final FilterSchema HEALTH_SERVICE = new FilterSchema("HEALTH_SERVICE",
      struct("Node", NODE, "Service", NODE_SERVICE, "Checks", listOf(HEALTH_CHECK)));

  /** {@code GET /v1/catalog/service/:name}: each {@code ServiceNode}. */
  public static final FilterSchema CATALOG_SERVICE = new FilterSchema("CATALOG_SERVICE", struct(
      "ID", STRING,
      "Node", STRING,
      "Address", STRING,
      "Datacenter", STRING,
      "TaggedAddresses", STRING_MAP,
      "NodeMeta", STRING_MAP,
      "ServiceKind", STRING,
      "ServiceID", STRING,
      "ServiceName", STRING,
      "ServiceTags", STRING_LIST,
      "ServiceAddress", STRING,
      "ServiceTaggedAddresses", mapOf(SERVICE_ADDRESS),
      "ServiceWeights", WEIGHTS,
      "ServiceMeta", STRING_MAP,
      "ServicePort", INT,
      "ServiceSocketPath", STRING,
      "ServiceEnableTagOverride", BOOL,
      "ServiceProxy", PROXY,
      "ServiceConnect", CONNECT,
      "PeerName", STRING));

  /** {@code GET /v1/agent/services}: each {@code AgentService} (the values of the returned map). */
  public static final FilterSchema AGENT_SERVICES = new FilterSchema("AGENT_SERVICES", struct(
      "Kind", STRING,
      "ID", STRING,
      "Service", STRING,
      "Tags", STRING_LIST,
      "Meta", STRING_MAP,
      "Port", INT,
      "Address", STRING,
      "SocketPath", STRING,
      "TaggedAddresses", mapOf(SERVICE_ADDRESS),
      "Weights", WEIGHTS,
      "EnableTagOverride", BOOL,
      "Proxy", PROXY,
      "Connect", CONNECT,
      "PeerName", STRING,
      "Namespace", STRING,
      "Partition", STRING,
      "Locality", LOCALITY));

  /** {@code GET /v1/agent/checks}: each {@code HealthCheck} (the values of the returned map). */
  public static final FilterSchema AGENT_CHECKS = new FilterSchema("AGENT_CHECKS", HEALTH_CHECK);

  /** {@code GET /v1/health/checks/:service}, {@code /v1/health/node/:node}, {@code /v1/health/state/:state}. */
  public static final FilterSchema HEALTH_CHECKS = new FilterSchema("HEALTH_CHECKS", HEALTH_CHECK);

  /** {@code GET /v1/catalog/nodes}: each {@code Node}. */
  public static final FilterSchema CATALOG_NODES = new FilterSchema("CATALOG_NODES", NODE);

  private final String name;
  private final Field root;

  private FilterSchema(String name, Field root) {
    this.name = name;
    this.root = root;
  }

  Field root() {
    return root;
  }

  @Override
  public String toString() {
    return name;
  }
}
