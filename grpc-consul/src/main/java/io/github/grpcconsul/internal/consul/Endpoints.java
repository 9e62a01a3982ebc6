package io.github.grpcconsul.internal.consul;

/**
 * The templated form of a request path for metrics ({@code /v1/health/service/{service}}): the variable segments
 * (service, service ID, check ID, key) are replaced, so a metric's series are one per endpoint, not per instance.
 */
final class Endpoints {
  static final String OTHER = "_OTHER";

  private Endpoints() {}

  static String template(String path) {
    if (path.startsWith(ConsulJson.PATH_HEALTH_SERVICE)) {
      return ConsulJson.PATH_HEALTH_SERVICE + "{service}";
    }
    if (path.equals(ConsulJson.PATH_REGISTER) || path.equals(ConsulJson.PATH_AGENT_SELF)
        || path.equals(ConsulJson.PATH_STATUS_LEADER)) {
      return path;
    }
    if (path.startsWith(ConsulJson.PATH_CHECK_UPDATE)) {
      return ConsulJson.PATH_CHECK_UPDATE + "{check_id}";
    }
    if (path.startsWith(ConsulJson.PATH_DEREGISTER)) {
      return ConsulJson.PATH_DEREGISTER + "{service_id}";
    }
    if (path.startsWith(ConsulJson.PATH_MAINTENANCE)) {
      return ConsulJson.PATH_MAINTENANCE + "{service_id}";
    }
    if (path.startsWith(ConsulJson.PATH_AGENT_SERVICE)) {
      return ConsulJson.PATH_AGENT_SERVICE + "{service_id}";
    }
    if (path.startsWith(ConsulJson.PATH_KV)) {
      return ConsulJson.PATH_KV + "{key}";
    }
    return OTHER;
  }
}
