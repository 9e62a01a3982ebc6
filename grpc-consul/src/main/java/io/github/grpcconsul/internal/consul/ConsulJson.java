package io.github.grpcconsul.internal.consul;

/**
 * Consul's JSON field names, header names and query parameter names, in one place.
 *
 * <p>Consul's Go decoder matches keys case-insensitively, but it always writes them in this exact spelling.
 *
 * <p>Threading: constants only.
 */
final class ConsulJson {
  private ConsulJson() {}

  // Node (structs.Node)
  static final String NODE = "Node";
  static final String ID = "ID";
  static final String ADDRESS = "Address";
  static final String DATACENTER = "Datacenter";
  static final String META = "Meta";
  static final String TAGGED_ADDRESSES = "TaggedAddresses";

  // Service (structs.NodeService, api.AgentService, ServiceDefinition)
  static final String SERVICE = "Service";
  static final String NAME = "Name";
  static final String TAGS = "Tags";
  static final String PORT = "Port";
  static final String WEIGHTS = "Weights";
  static final String PASSING = "Passing";
  static final String WARNING = "Warning";
  static final String ENABLE_TAG_OVERRIDE = "EnableTagOverride";
  static final String CHECKS = "Checks";
  static final String CONTENT_HASH = "ContentHash";

  // Check (structs.HealthCheck, CheckType)
  static final String CHECK_ID = "CheckID";
  static final String STATUS = "Status";
  static final String OUTPUT = "Output";
  static final String NOTES = "Notes";
  static final String SERVICE_ID = "ServiceID";
  static final String SERVICE_NAME = "ServiceName";
  static final String TTL = "TTL";
  static final String GRPC = "GRPC";
  static final String GRPC_USE_TLS = "GRPCUseTLS";
  static final String HTTP = "HTTP";
  static final String TCP = "TCP";
  static final String INTERVAL = "Interval";
  static final String TIMEOUT = "Timeout";
  static final String DEREGISTER_CRITICAL_SERVICE_AFTER = "DeregisterCriticalServiceAfter";

  // Maintenance check IDs (api.HealthChecks.AggregatedStatus)
  static final String NODE_MAINTENANCE_CHECK_ID = "_node_maintenance";
  static final String SERVICE_MAINTENANCE_CHECK_PREFIX = "_service_maintenance:";

  // Agent self
  static final String CONFIG = "Config";
  static final String NODE_NAME = "NodeName";
  static final String VERSION = "Version";

  // KV
  static final String KEY = "Key";
  static final String VALUE = "Value";
  static final String FLAGS = "Flags";
  static final String SESSION = "Session";
  static final String CREATE_INDEX = "CreateIndex";
  static final String MODIFY_INDEX = "ModifyIndex";
  static final String LOCK_INDEX = "LockIndex";

  // Headers
  static final String HEADER_TOKEN = "X-Consul-Token";
  static final String HEADER_INDEX = "X-Consul-Index";
  static final String HEADER_KNOWN_LEADER = "X-Consul-KnownLeader";
  static final String HEADER_LAST_CONTACT = "X-Consul-LastContact";
  static final String HEADER_CONTENT_HASH = "X-Consul-ContentHash";

  // Query parameters
  static final String Q_INDEX = "index";
  static final String Q_WAIT = "wait";
  static final String Q_HASH = "hash";
  static final String Q_DC = "dc";
  static final String Q_TAG = "tag";
  static final String Q_PASSING = "passing";
  static final String Q_NEAR = "near";
  static final String Q_NODE_META = "node-meta";
  static final String Q_FILTER = "filter";
  static final String Q_STALE = "stale";
  static final String Q_CONSISTENT = "consistent";
  static final String Q_CACHED = "cached";
  static final String Q_REPLACE_EXISTING_CHECKS = "replace-existing-checks";
  static final String Q_ENABLE = "enable";
  static final String Q_REASON = "reason";

  // Paths
  static final String PATH_HEALTH_SERVICE = "/v1/health/service/";
  static final String PATH_REGISTER = "/v1/agent/service/register";
  static final String PATH_DEREGISTER = "/v1/agent/service/deregister/";
  static final String PATH_CHECK_UPDATE = "/v1/agent/check/update/";
  static final String PATH_AGENT_SERVICE = "/v1/agent/service/";
  static final String PATH_MAINTENANCE = "/v1/agent/service/maintenance/";
  static final String PATH_AGENT_SELF = "/v1/agent/self";
  static final String PATH_STATUS_LEADER = "/v1/status/leader";
  static final String PATH_KV = "/v1/kv/";

  // Consul's error texts that we interpret (ACL ones: acl/errors.go; the TTL one: the agent's check update)
  static final String ERR_ACL_NOT_FOUND = "ACL not found";
  static final String ERR_PERMISSION_DENIED = "Permission denied";
  static final String ERR_NO_TTL = "does not have associated TTL";
}
