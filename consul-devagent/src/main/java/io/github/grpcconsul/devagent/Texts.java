package io.github.grpcconsul.devagent;

/** Consul's error texts and fixed strings, in one place (see ../shared/consul-http-api.md). */
final class Texts {
  private Texts() {}

  static final String NOT_AN_ENDPOINT = "Invalid URL path: not a recognized HTTP API endpoint";
  static final String NOT_V1 =
      "Invalid URL path: if attempting to use the HTTP API, ensure the path starts with '/v1/'";
  static final String INVALID_INDEX = "Invalid index";
  static final String MISSING_NODE_ADDRESS = "Missing node address";
  static final String MISSING_KEY_NAME = "Missing key name";
  static final String INVALID_WAIT = "Invalid wait time";
  static final String STALE_CONSISTENT = "Cannot specify ?stale with ?consistent, conflicting semantics.";
  static final String CACHED_CONSISTENT = "Cannot specify ?cached with ?consistent, conflicting semantics.";
  static final String NS_ENTERPRISE = "Invalid query parameter: \"ns\" - Namespaces are a Consul Enterprise feature";
  static final String PARTITION_ENTERPRISE =
      "Invalid query parameter: \"partition\" - Partitions are a Consul Enterprise feature";
  static final String DECODE_FAILED = "Request decode failed: ";
  static final String MISSING_SERVICE_NAME = "Missing service name";
  static final String MISSING_SERVICE_ID = "Missing service ID";
  static final String MISSING_CHECK_NAME = "Missing check name";
  static final String MISSING_NODE_NAME = "Missing node name";
  static final String MISSING_CHECK_STATE = "Missing check state";
  static final String INVALID_SERVICE_ADDRESS = "Invalid service address";
  static final String BAD_CHECK_STATUS = "Status for checks must 'passing', 'warning', 'critical'";
  static final String NO_PATH_TO_DC = "No path to datacenter";
  static final String ACL_NOT_FOUND = "ACL not found";
  static final String FILTER_PREFIX = "Failed to create boolean expression evaluator: ";
  static final String MAINT_SERVICE_DEFAULT =
      "Maintenance mode is enabled for this service, but no reason was provided. This is a default message.";
  static final String MAINT_NODE_DEFAULT =
      "Maintenance mode is enabled for this node, but no reason was provided. This is a default message.";
  static final String TTL_EXPIRED = "TTL expired";
  static final String TTL_EXPIRED_WITH_OUTPUT = "TTL expired (last output before timeout follows): ";
  static final String SERF_OUTPUT = "Agent alive and reachable";

  static String requestTooLarge(long max) {
    return "Request body too large, max size: " + max + " bytes";
  }

  static String kvValueTooLarge(long size, long max) {
    return "Request body(" + size + " bytes) too large, max size: " + max
        + " bytes. See https://developer.hashicorp.com/docs/agent/config/config-files#kv_max_value_size.";
  }

  static final String SCRIPTS_DISABLED = "Scripts are disabled on this agent from remote calls; to enable, "
      + "configure 'enable_script_checks' to true";

  static String unknownServiceId(String id) {
    return "Unknown service ID \"" + id + "\". Ensure that the service ID is passed, not the service name.";
  }

  static String unknownCheckId(String id) {
    return "Unknown check ID \"" + id + "\". Ensure that the check ID is passed, not the check name.";
  }

  /** The catalog's answer to a check naming a service the node does not have. */
  static String unknownServiceForCheck(String serviceId, String checkId) {
    return "Unknown service ID '" + serviceId + "' for check ID '" + checkId + "'";
  }

  /** A TTL update of a check that is not a TTL check. */
  static String noTtl(String checkId) {
    return "CheckID \"" + checkId + "\" does not have associated TTL";
  }

  static String invalidCheck(String why) {
    return "Invalid check: " + why;
  }

  static String invalidServiceMeta(String why) {
    return "Invalid Service Meta: " + why;
  }

  static String methodNotAllowed(String method) {
    return "method " + method + " not allowed";
  }

  static String invalidBool(String param) {
    return "Invalid value for ?" + param;
  }

  static String permissionDenied(String permission, String resource) {
    return "Permission denied: anonymous token lacks permission '" + permission + "' on \"" + resource + "\". "
        + "The anonymous token is used implicitly when a request does not specify a token.";
  }

  static String permissionDeniedToken(String accessor, String permission, String resource) {
    return "Permission denied: token with AccessorID '" + accessor + "' lacks permission '" + permission
        + "' on \"" + resource + "\"";
  }
}
