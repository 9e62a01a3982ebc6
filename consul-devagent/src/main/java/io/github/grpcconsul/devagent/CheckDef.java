package io.github.grpcconsul.devagent;

import com.google.gson.JsonElement;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/** A check definition as sent to the agent (Consul's CheckType / CheckDefinition). */
record CheckDef(
    String checkId,
    String name,
    String notes,
    String status,
    String serviceId,
    String http,
    Map<String, List<String>> header,
    String method,
    String body,
    boolean disableRedirects,
    String tcp,
    String grpc,
    boolean grpcUseTls,
    String tlsServerName,
    boolean tlsSkipVerify,
    Duration interval,
    Duration timeout,
    Duration ttl,
    Duration deregisterCriticalServiceAfter,
    boolean script,
    boolean alias,
    String otherType,
    boolean empty) {

  private static final String[] CHECK_TYPE_FIELDS = {
      "CheckID", "Name", "Status", "Notes", "ScriptArgs|Args|args|script_args", "HTTP", "Header", "Method", "Body",
      "DisableRedirects", "TCP", "TCPUseTLS", "UDP", "GRPC", "GRPCUseTLS|grpc_use_tls", "H2PING", "H2PingUseTLS|h2ping_use_tls",
      "OSService", "AliasNode", "AliasService", "DockerContainerID|docker_container_id", "Shell",
      "TLSServerName|tls_server_name", "TLSSkipVerify|tls_skip_verify", "Interval", "Timeout", "TTL",
      "DeregisterCriticalServiceAfter|deregister_critical_service_after", "SuccessBeforePassing",
      "FailuresBeforeWarning", "FailuresBeforeCritical", "OutputMaxSize", "ServiceID|service_id", "ProxyHTTP",
      "ProxyGRPC"};

  private static final String[] CHECK_DEFINITION_EXTRA = {"ID", "Token", "CheckID"};

  /** A check inside a service definition ("Check" or an element of "Checks"); ServiceID there is ignored. */
  static CheckDef decodeServiceCheck(JsonElement element) {
    JsonFields f = JsonFields.decode(element, "structs.CheckType", CHECK_TYPE_FIELDS);
    return from(f, f.string("CheckID"), "");
  }

  /** The body of PUT /v1/agent/check/register. */
  static CheckDef decodeRegistration(JsonElement element) {
    String[] names = new String[CHECK_TYPE_FIELDS.length + CHECK_DEFINITION_EXTRA.length];
    System.arraycopy(CHECK_TYPE_FIELDS, 0, names, 0, CHECK_TYPE_FIELDS.length);
    System.arraycopy(CHECK_DEFINITION_EXTRA, 0, names, CHECK_TYPE_FIELDS.length, CHECK_DEFINITION_EXTRA.length);
    JsonFields f = JsonFields.decode(element, "structs.CheckDefinition", names);
    String id = f.string("ID").isEmpty() ? f.string("CheckID") : f.string("ID");
    return from(f, id, f.string("ServiceID"));
  }

  private static CheckDef from(JsonFields f, String id, String serviceId) {
    String other = "";
    if (!f.string("UDP").isEmpty()) {
      other = "udp";
    } else if (!f.string("DockerContainerID").isEmpty()) {
      other = "docker";
    } else if (!f.string("H2PING").isEmpty()) {
      other = "h2ping";
    } else if (!f.string("OSService").isEmpty()) {
      other = "os_service";
    }
    boolean script = !f.strings("ScriptArgs").isEmpty();
    boolean alias = !f.string("AliasService").isEmpty() || !f.string("AliasNode").isEmpty();
    f.integer("SuccessBeforePassing", 0);
    long fbw = f.integer("FailuresBeforeWarning", 0);
    long fbc = f.integer("FailuresBeforeCritical", 0);
    if (fbw > fbc) {
      throw ApiException.badRequest(
          Texts.invalidCheck("FailuresBeforeWarning can't be higher than FailuresBeforeCritical"));
    }
    CheckDef def = new CheckDef(id, f.string("Name"), f.string("Notes"), f.string("Status"), serviceId,
        f.string("HTTP"), f.stringListMap("Header"), f.string("Method"), f.string("Body"),
        f.bool("DisableRedirects"), f.string("TCP"), f.string("GRPC"), f.bool("GRPCUseTLS"),
        f.string("TLSServerName"), f.bool("TLSSkipVerify"), f.duration("Interval"), f.duration("Timeout"),
        f.duration("TTL"), f.duration("DeregisterCriticalServiceAfter"), script, alias, other, false);
    boolean empty = def.type().isEmpty() && def.ttl.isZero() && def.interval.isZero() && id.isEmpty()
        && def.name.isEmpty() && def.status.isEmpty() && def.notes.isEmpty();
    return empty ? def.withEmpty() : def;
  }

  private CheckDef withEmpty() {
    return new CheckDef(checkId, name, notes, status, serviceId, http, header, method, body, disableRedirects, tcp,
        grpc, grpcUseTls, tlsServerName, tlsSkipVerify, interval, timeout, ttl, deregisterCriticalServiceAfter,
        script, alias, otherType, true);
  }

  CheckDef withIdentity(String id, String newName) {
    return new CheckDef(id, newName, notes, status, serviceId, http, header, method, body, disableRedirects, tcp,
        grpc, grpcUseTls, tlsServerName, tlsSkipVerify, interval, timeout, ttl, deregisterCriticalServiceAfter,
        script, alias, otherType, empty);
  }

  /** Consul's CheckType.Type(): the first match in Consul's order, "" for none. */
  String type() {
    if (!grpc.isEmpty()) {
      return "grpc";
    } else if (!http.isEmpty()) {
      return "http";
    } else if (ttl.compareTo(Duration.ZERO) > 0) {
      return "ttl";
    } else if (!tcp.isEmpty()) {
      return "tcp";
    } else if ("udp".equals(otherType)) {
      return "udp";
    } else if (alias) {
      return "alias";
    } else if ("docker".equals(otherType)) {
      return "docker";
    } else if (script) {
      return "script";
    } else if ("h2ping".equals(otherType)) {
      return "h2ping";
    } else if ("os_service".equals(otherType)) {
      return "os_service";
    }
    return "";
  }

  private boolean intervalCheck() {
    return script || !http.isEmpty() || !tcp.isEmpty() || !grpc.isEmpty() || !otherType.isEmpty();
  }

  /** Consul's CheckType.Validate and the status rule, as the text after "Invalid check: " (null when valid). */
  String validationError() {
    boolean positiveInterval = interval.compareTo(Duration.ZERO) > 0;
    boolean positiveTtl = ttl.compareTo(Duration.ZERO) > 0;
    if (positiveInterval && positiveTtl) {
      return "Interval and TTL cannot both be specified";
    }
    if (intervalCheck() && !positiveInterval) {
      return "Interval must be > 0 for Script, HTTP, H2PING, TCP, UDP or OSService checks";
    }
    if (alias && positiveInterval) {
      return "Interval cannot be set for Alias checks";
    }
    if (!intervalCheck() && !alias && !positiveTtl) {
      return "TTL must be > 0 for TTL checks";
    }
    return null;
  }

  boolean validStatus() {
    return status.isEmpty() || CheckStatus.isValid(status);
  }
}
