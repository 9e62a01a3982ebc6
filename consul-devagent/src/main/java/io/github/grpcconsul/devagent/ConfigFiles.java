package io.github.grpcconsul.devagent;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import com.google.gson.JsonPrimitive;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;

/**
 * Consul's agent configuration files, in its JSON format: read in Consul's order ({@code -config-file} and
 * {@code -config-dir} as given on the command line, a directory's {@code .json} files in lexical order), each checked
 * against Consul's key set, then merged as Consul merges them (objects key by key, lists appended, later values win).
 * Keys a one-node in-memory agent has no use for are accepted and reported; keys Consul does not know are an error
 * naming the key and the file.
 */
final class ConfigFiles {
  private ConfigFiles() {}

  /** What the files set; null fields were not set. */
  record Settings(String nodeName, String datacenter, Map<String, String> nodeMeta, String clientAddr,
      String bindAddr, Integer httpPort, Integer httpsPort, Boolean aclEnabled, String aclDefaultPolicy,
      String managementToken, String caFile, String certFile, String keyFile, Boolean verifyIncoming,
      Duration checkReapInterval, Duration deregisterMin, List<ServiceDef> services, List<CheckDef> checks,
      Set<String> ignored, List<Path> files) {}

  /** One of Consul's config keys: honoured (with sub-keys when it is an object with a known shape) or ignored. */
  private record Key(boolean honoured, Map<String, Key> children) {
    static final Key HONOURED = new Key(true, null);
    static final Key IGNORED = new Key(false, null);
  }

  private static final Map<String, Key> TOP = new LinkedHashMap<>();

  static {
    for (String k : List.of("node_name", "datacenter", "node_meta", "client_addr", "bind_addr", "service",
        "services", "check", "checks", "ca_file", "cert_file", "key_file", "verify_incoming",
        "verify_incoming_https", "check_reap_interval", "check_deregister_interval_min", "acl_master_token",
        "acl_default_policy")) {
      TOP.put(k, Key.HONOURED);
    }
    // Consul 1.16's other agent keys: no meaning for a one-node in-memory agent.
    for (String k : List.of("advertise_addr", "advertise_addr_ipv4", "advertise_addr_ipv6", "advertise_addr_wan",
        "advertise_addr_wan_ipv4", "advertise_addr_wan_ipv6", "advertise_reconnect_timeout", "alt_domain", "audit",
        "auto_config", "auto_encrypt", "auto_reload_config", "autopilot", "bootstrap", "bootstrap_expect", "cache",
        "ca_path", "check_output_max_size", "check_update_interval", "cloud", "config_entries", "connect",
        "data_dir", "default_query_time", "disable_anonymous_signature", "disable_coordinates",
        "disable_host_node_id", "disable_http_unprintable_char_filter", "disable_keyring_file",
        "disable_remote_exec", "disable_update_check", "discard_check_output", "discovery_max_stale",
        "dns_config", "domain", "enable_acl_replication", "enable_agent_tls_for_checks",
        "enable_central_service_config", "enable_debug", "enable_local_script_checks", "enable_script_checks",
        "enable_syslog", "encrypt", "encrypt_verify_incoming", "encrypt_verify_outgoing", "experiments",
        "gossip_lan", "gossip_wan", "http_config", "leave_on_terminate", "license_path", "limits", "locality",
        "log_file", "log_json", "log_level", "log_rotate_bytes", "log_rotate_duration", "log_rotate_max_files",
        "max_query_time", "node_id", "peering", "performance", "pid_file", "primary_datacenter",
        "primary_gateways", "primary_gateways_interval", "raft_boltdb", "raft_logstore", "raft_protocol",
        "raft_snapshot_interval", "raft_snapshot_threshold", "raft_trailing_logs", "read_replica",
        "reconnect_timeout", "reconnect_timeout_wan", "recursor", "recursors", "reporting", "retry_interval",
        "retry_interval_wan", "retry_join", "retry_join_wan", "retry_max", "retry_max_wan", "rpc", "segment",
        "segments", "serf_lan", "serf_lan_allowed_cidrs", "serf_wan", "serf_wan_allowed_cidrs", "server",
        "server_name", "session_ttl_min", "skip_leave_on_interrupt", "start_join", "start_join_wan",
        "syslog_facility", "tagged_addresses", "telemetry", "tls_cipher_suites", "tls_min_version",
        "tls_prefer_server_cipher_suites", "translate_wan_addrs", "ui", "ui_config", "ui_content_path",
        "ui_dir", "unix_sockets", "verify_incoming_rpc", "verify_outgoing", "verify_server_hostname",
        "watches", "xds", "acl_datacenter", "acl_down_policy", "acl_enforce_version_8", "acl_agent_master_token",
        "acl_agent_token", "acl_replication_token", "acl_token", "acl_ttl", "acl_disabled_ttl", "ae_interval",
        "sync_coordinate_rate_target", "sync_coordinate_interval_min", "segment_limit", "segment_name_limit",
        "non_voting_server", "dns_recursor", "advertise_addrs")) {
      TOP.put(k, Key.IGNORED);
    }
    TOP.put("ports", object(List.of("http", "https"), List.of("dns", "serf_lan", "serf_wan", "server", "grpc",
        "grpc_tls", "proxy_min_port", "proxy_max_port", "sidecar_min_port", "sidecar_max_port",
        "expose_min_port", "expose_max_port", "rpc")));
    TOP.put("addresses", object(List.of("http", "https"), List.of("dns", "grpc", "grpc_tls")));
    Key tokens = object(List.of("initial_management", "master"), List.of("agent_recovery", "agent_master",
        "default", "agent", "replication", "config_file_service_registration", "dns",
        "managed_service_provider"));
    Key acl = object(List.of("enabled", "default_policy"), List.of("policy_ttl", "role_ttl", "token_ttl",
        "down_policy", "enable_key_list_policy", "enable_token_replication", "enable_token_persistence",
        "msp_disable_bootstrap", "disabled_ttl"));
    acl.children.put("tokens", tokens);
    TOP.put("acl", acl);
    List<String> tlsHonoured = List.of("ca_file", "cert_file", "key_file", "verify_incoming");
    List<String> tlsIgnored = List.of("ca_path", "tls_min_version", "tls_cipher_suites", "verify_outgoing",
        "verify_server_hostname", "use_auto_cert");
    Key tls = object(List.of(), List.of("internal_rpc", "grpc"));
    tls.children.put("defaults", object(tlsHonoured, tlsIgnored));
    tls.children.put("https", object(tlsHonoured, tlsIgnored));
    TOP.put("tls", tls);
  }

  private static Key object(List<String> honoured, List<String> ignored) {
    Map<String, Key> children = new LinkedHashMap<>();
    honoured.forEach(k -> children.put(k, Key.HONOURED));
    ignored.forEach(k -> children.put(k, Key.IGNORED));
    return new Key(true, children);
  }

  /** Reads, checks and merges the files; a failure names the file and the fix. */
  static Settings load(List<Source> sources) {
    List<Path> files = new ArrayList<>();
    for (Source s : sources) {
      files.addAll(s.dir ? dirFiles(s.path) : List.of(s.path));
    }
    JsonObject merged = new JsonObject();
    Set<String> ignored = new TreeSet<>();
    List<ServiceDef> services = new ArrayList<>();
    List<CheckDef> checks = new ArrayList<>();
    for (Path f : files) {
      JsonObject o = read(f);
      check(f, o, TOP, "", ignored);
      for (JsonElement s : definitions(o, "service", "services")) {
        services.add(service(f, s));
      }
      for (JsonElement c : definitions(o, "check", "checks")) {
        checks.add(check(f, c));
      }
      merge(merged, o);
    }
    return settings(merged, services, checks, ignored, files);
  }

  /** A -config-file (dir false) or -config-dir argument. */
  record Source(Path path, boolean dir) {}

  private static List<Path> dirFiles(Path dir) {
    if (!Files.isDirectory(dir)) {
      throw new IllegalArgumentException("-config-dir: " + dir + " is not a directory");
    }
    try (Stream<Path> s = Files.list(dir)) {
      // Consul reads a directory's .json and .hcl files in lexical order and skips the rest.
      return s.filter(p -> Files.isRegularFile(p) && (p.toString().endsWith(".json") || p.toString()
          .endsWith(".hcl"))).sorted().toList();
    } catch (IOException e) {
      throw new IllegalArgumentException("-config-dir: cannot read " + dir + ": " + e.getMessage(), e);
    }
  }

  private static JsonObject read(Path f) {
    if (f.toString().endsWith(".hcl")) {
      throw new IllegalArgumentException("Error parsing " + f + ": HCL config files are not supported by "
          + "consul-devagent (there is no maintained Java parser for Consul's HCL); write it as JSON (" + f
          .getFileName().toString().replaceAll("\\.hcl$", ".json") + ")");
    }
    String text;
    try {
      text = Files.readString(f, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new IllegalArgumentException("-config-file: cannot read " + f + " (" + e.getMessage() + ")", e);
    }
    try {
      JsonElement e = JsonParser.parseString(text);
      if (!e.isJsonObject()) {
        throw new IllegalArgumentException("Error parsing " + f + ": expected a JSON object");
      }
      return e.getAsJsonObject();
    } catch (JsonParseException e) {
      Throwable cause = e.getCause() != null ? e.getCause() : e;
      throw new IllegalArgumentException("Error parsing " + f + ": " + cause.getMessage(), e);
    }
  }

  private static void check(Path f, JsonObject o, Map<String, Key> schema, String prefix, Set<String> ignored) {
    for (Map.Entry<String, JsonElement> e : o.entrySet()) {
      String name = prefix + e.getKey();
      Key k = schema.get(e.getKey());
      if (k == null) {
        throw new IllegalArgumentException("Error parsing " + f + ": invalid config key " + name);
      }
      if (!k.honoured) {
        ignored.add(name);
      } else if (k.children != null) {
        if (!e.getValue().isJsonObject()) {
          throw new IllegalArgumentException("Error parsing " + f + ": " + name + " must be an object");
        }
        check(f, e.getValue().getAsJsonObject(), k.children, name + ".", ignored);
      }
    }
  }

  private static List<JsonElement> definitions(JsonObject o, String one, String many) {
    List<JsonElement> out = new ArrayList<>();
    if (o.has(one) && !o.get(one).isJsonNull()) {
      // Consul accepts a list under the singular key too.
      if (o.get(one).isJsonArray()) {
        o.get(one).getAsJsonArray().forEach(out::add);
      } else {
        out.add(o.get(one));
      }
    }
    if (o.has(many) && o.get(many).isJsonArray()) {
      o.get(many).getAsJsonArray().forEach(out::add);
    }
    return out;
  }

  private static ServiceDef service(Path f, JsonElement raw) {
    JsonElement def = translate(raw, false);
    if (def.isJsonObject()) {
      for (Map.Entry<String, JsonElement> e : def.getAsJsonObject().entrySet()) {
        if (e.getKey().equalsIgnoreCase("check")) {
          renameCheckIds(e.getValue());
        } else if (e.getKey().equalsIgnoreCase("checks") && e.getValue().isJsonArray()) {
          e.getValue().getAsJsonArray().forEach(ConfigFiles::renameCheckIds);
        }
      }
    }
    try {
      ServiceDef s = ServiceDef.decode(def);
      for (CheckDef c : s.checks()) {
        if (c.script()) {
          throw new ApiException(500, Texts.SCRIPTS_DISABLED);
        }
      }
      return s;
    } catch (ApiException e) {
      throw new IllegalArgumentException("Error parsing " + f + ": service " + name(raw) + ": " + e.getMessage(),
          e);
    }
  }

  private static CheckDef check(Path f, JsonElement raw) {
    try {
      CheckDef def = CheckDef.decodeRegistration(translate(raw, false));
      if (def.name().isEmpty()) {
        throw ApiException.badRequest(Texts.MISSING_CHECK_NAME);
      }
      String err = def.validationError();
      if (err != null) {
        throw ApiException.badRequest(Texts.invalidCheck(err));
      }
      if (def.script()) {
        throw new ApiException(500, Texts.SCRIPTS_DISABLED);
      }
      return def.checkId().isEmpty() ? def.withIdentity(def.name(), def.name()) : def;
    } catch (ApiException e) {
      throw new IllegalArgumentException("Error parsing " + f + ": check " + name(raw) + ": " + e.getMessage(), e);
    }
  }

  private static String name(JsonElement raw) {
    if (raw.isJsonObject()) {
      for (String k : List.of("name", "Name", "id", "ID")) {
        JsonElement v = raw.getAsJsonObject().get(k);
        if (v != null && v.isJsonPrimitive()) {
          return "\"" + v.getAsString() + "\"";
        }
      }
    }
    return "(unnamed)";
  }

  /** In config files a check's ID is "id"; in a service's check over HTTP it is "CheckID". */
  private static void renameCheckIds(JsonElement check) {
    if (check != null && check.isJsonObject() && check.getAsJsonObject().has("id")) {
      JsonObject o = check.getAsJsonObject();
      o.add("CheckID", o.remove("id"));
    }
  }

  /** Consul's config keys are snake_case ("deregister_critical_service_after"); the API decoders fold case. */
  private static final Set<String> FREE_FORM = Set.of("meta", "node_meta", "header", "tagged_addresses");

  private static JsonElement translate(JsonElement e, boolean freeForm) {
    if (e.isJsonArray()) {
      JsonArray out = new JsonArray();
      e.getAsJsonArray().forEach(x -> out.add(translate(x, false)));
      return out;
    }
    if (!e.isJsonObject()) {
      return e;
    }
    JsonObject out = new JsonObject();
    for (Map.Entry<String, JsonElement> entry : e.getAsJsonObject().entrySet()) {
      String key = entry.getKey();
      boolean childFree = FREE_FORM.contains(key.toLowerCase(Locale.ROOT));
      out.add(freeForm ? key : key.replace("_", ""), childFree ? entry.getValue()
          : translate(entry.getValue(), false));
    }
    return out;
  }

  /** Consul's merge: objects key by key, lists appended, anything else replaced by the later file. */
  private static void merge(JsonObject into, JsonObject from) {
    for (Map.Entry<String, JsonElement> e : from.entrySet()) {
      JsonElement old = into.get(e.getKey());
      JsonElement v = e.getValue();
      if (old != null && old.isJsonObject() && v.isJsonObject()) {
        merge(old.getAsJsonObject(), v.getAsJsonObject());
      } else if (old != null && old.isJsonArray() && v.isJsonArray()) {
        old.getAsJsonArray().addAll(v.getAsJsonArray());
      } else {
        into.add(e.getKey(), v.deepCopy());
      }
    }
  }

  private static Settings settings(JsonObject c, List<ServiceDef> services, List<CheckDef> checks,
      Set<String> ignored, List<Path> files) {
    JsonObject ports = obj(c, "ports");
    JsonObject addresses = obj(c, "addresses");
    JsonObject acl = obj(c, "acl");
    JsonObject tokens = obj(acl, "tokens");
    JsonObject tls = obj(c, "tls");
    JsonObject tlsDefaults = obj(tls, "defaults");
    JsonObject tlsHttps = obj(tls, "https");
    String management = first(str(tokens, "initial_management"), str(tokens, "master"),
        str(c, "acl_master_token"));
    String clientAddr = first(str(addresses, "http"), str(c, "client_addr"));
    if (clientAddr != null && clientAddr.contains(" ")) {
      // Consul may listen on several; this agent listens on the first.
      clientAddr = clientAddr.trim().split("\\s+")[0];
    }
    return new Settings(str(c, "node_name"), str(c, "datacenter"), stringMap(c, "node_meta"), clientAddr,
        str(c, "bind_addr"), integer(ports, "http"), integer(ports, "https"), bool(acl, "enabled"),
        first(str(acl, "default_policy"), str(c, "acl_default_policy")), management,
        first(str(tlsHttps, "ca_file"), str(tlsDefaults, "ca_file"), str(c, "ca_file")),
        first(str(tlsHttps, "cert_file"), str(tlsDefaults, "cert_file"), str(c, "cert_file")),
        first(str(tlsHttps, "key_file"), str(tlsDefaults, "key_file"), str(c, "key_file")),
        firstBool(bool(tlsHttps, "verify_incoming"), bool(tlsDefaults, "verify_incoming"),
            bool(c, "verify_incoming_https"), bool(c, "verify_incoming")),
        duration(c, "check_reap_interval"), duration(c, "check_deregister_interval_min"), services, checks,
        ignored, files);
  }

  private static JsonObject obj(JsonObject o, String key) {
    JsonElement e = o == null ? null : o.get(key);
    return e != null && e.isJsonObject() ? e.getAsJsonObject() : null;
  }

  private static String str(JsonObject o, String key) {
    JsonElement e = o == null ? null : o.get(key);
    if (e == null || e.isJsonNull()) {
      return null;
    }
    if (!e.isJsonPrimitive()) {
      throw new IllegalArgumentException("config key " + key + ": expected a string, got " + e);
    }
    return e.getAsString();
  }

  private static Integer integer(JsonObject o, String key) {
    String s = str(o, key);
    if (s == null) {
      return null;
    }
    try {
      return Integer.parseInt(s);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("config key " + key + ": \"" + s + "\" is not a port number");
    }
  }

  private static Boolean bool(JsonObject o, String key) {
    JsonElement e = o == null ? null : o.get(key);
    if (e == null || e.isJsonNull()) {
      return null;
    }
    if (e instanceof JsonPrimitive p && p.isBoolean()) {
      return p.getAsBoolean();
    }
    Boolean b = ApiRequest.parseGoBool(e.getAsString());
    if (b == null) {
      throw new IllegalArgumentException("config key " + key + ": \"" + e.getAsString() + "\" is not a boolean");
    }
    return b;
  }

  private static Duration duration(JsonObject o, String key) {
    String s = str(o, key);
    if (s == null) {
      return null;
    }
    try {
      return GoDuration.parse(s);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("config key " + key + ": \"" + s
          + "\" is not a Go duration such as 30s or 1m");
    }
  }

  private static Map<String, String> stringMap(JsonObject o, String key) {
    JsonObject m = obj(o, key);
    if (m == null) {
      return null;
    }
    Map<String, String> out = new LinkedHashMap<>();
    m.entrySet().forEach(e -> out.put(e.getKey(), e.getValue().getAsString()));
    return out;
  }

  @SafeVarargs
  private static <T> T first(T... values) {
    for (T v : values) {
      if (v != null) {
        return v;
      }
    }
    return null;
  }

  private static Boolean firstBool(Boolean... values) {
    return first(values);
  }
}
