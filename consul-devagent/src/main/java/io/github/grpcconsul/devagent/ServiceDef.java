package io.github.grpcconsul.devagent;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/** The body of PUT /v1/agent/service/register (Consul's ServiceDefinition), decoded and validated. */
record ServiceDef(
    String kind,
    String id,
    String name,
    List<String> tags,
    String address,
    Map<String, TaggedAddress> taggedAddresses,
    Map<String, String> meta,
    int port,
    int weightPassing,
    int weightWarning,
    boolean enableTagOverride,
    List<CheckDef> checks) {

  private static final Pattern META_KEY = Pattern.compile("^[a-zA-Z0-9_-]+$");

  static ServiceDef decode(JsonElement body) {
    JsonFields f = JsonFields.decode(body, "structs.ServiceDefinition", "Kind", "ID", "Name", "Tags", "Address",
        "TaggedAddresses|tagged_addresses", "Meta", "Port", "SocketPath", "Weights",
        "EnableTagOverride|enable_tag_override", "Check", "Checks", "Token", "Proxy", "Connect", "Locality");
    Map<String, TaggedAddress> tagged = taggedAddresses(f.object("TaggedAddresses"));
    JsonFields weights = JsonFields.decode(f.raw("Weights"), "structs.Weights", "Passing", "Warning");
    List<CheckDef> checks = new ArrayList<>();
    if (f.has("Check")) {
      checks.add(CheckDef.decodeServiceCheck(f.raw("Check")));
    }
    if (f.array("Checks") != null) {
      for (JsonElement c : f.array("Checks")) {
        checks.add(CheckDef.decodeServiceCheck(c));
      }
    }
    checks.removeIf(CheckDef::empty);
    f.object("Proxy");
    f.object("Connect");
    String name = f.string("Name");
    int passing = (int) weights.integer("Passing", 0);
    int warning = (int) weights.integer("Warning", 0);
    if (!f.has("Weights") || (passing == 0 && warning == 0)) {
      passing = 1;
      warning = 1;
    }
    ServiceDef def = new ServiceDef(f.string("Kind"), f.string("ID").isEmpty() ? name : f.string("ID"), name,
        f.strings("Tags"), f.string("Address"), tagged, f.stringMap("Meta"), (int) f.integer("Port", 0),
        passing, warning, f.bool("EnableTagOverride"), checks);
    def.validate();
    f.string("Token");
    return def;
  }

  private static Map<String, TaggedAddress> taggedAddresses(JsonObject o) {
    Map<String, TaggedAddress> out = new LinkedHashMap<>();
    if (o == null) {
      return out;
    }
    for (Map.Entry<String, JsonElement> e : o.entrySet()) {
      JsonFields a = JsonFields.decode(e.getValue(), "structs.ServiceAddress", "Address", "Port");
      out.put(e.getKey(), new TaggedAddress(a.string("Address"), (int) a.integer("Port", 0)));
    }
    return out;
  }

  private void validate() {
    if (name.isEmpty()) {
      throw ApiException.badRequest(Texts.MISSING_SERVICE_NAME);
    }
    if (address.equals("0.0.0.0") || address.equals("::") || address.equals("[::]")) {
      throw ApiException.badRequest(Texts.INVALID_SERVICE_ADDRESS);
    }
    if (weightPassing < 1) {
      throw ApiException.badRequest("Invalid Weights: Passing must be greater than 0");
    }
    if (weightWarning < 0) {
      throw ApiException.badRequest("Invalid Weights: Warning must be greater or equal than 0");
    }
    if (weightPassing > 65535 || weightWarning > 65535) {
      throw ApiException.badRequest("Invalid Weights: DNS Weight must be between 0 and 65535");
    }
    String metaError = metaError(meta);
    if (metaError != null) {
      throw ApiException.badRequest(Texts.invalidServiceMeta(metaError));
    }
    for (CheckDef c : checks) {
      String err = c.validationError();
      if (err != null) {
        throw ApiException.badRequest(Texts.invalidCheck(err));
      }
      if (!c.validStatus()) {
        throw ApiException.badRequest(Texts.BAD_CHECK_STATUS);
      }
    }
  }

  /** Consul's metadata rules; null when valid. */
  static String metaError(Map<String, String> meta) {
    if (meta == null) {
      return null;
    }
    if (meta.size() > 64) {
      return "Node metadata cannot contain more than 64 key/value pairs";
    }
    for (Map.Entry<String, String> e : meta.entrySet()) {
      String reason = null;
      if (e.getKey().isEmpty()) {
        reason = "Key cannot be blank";
      } else if (e.getKey().length() > 128) {
        reason = "Key is too long (limit: 128 characters)";
      } else if (!META_KEY.matcher(e.getKey()).matches()) {
        reason = "Key contains invalid characters";
      } else if (e.getKey().startsWith("consul-")) {
        reason = "Key prefix 'consul-' is reserved for internal use";
      } else if (e.getValue().length() > 512) {
        reason = "Value is too long (limit: 512 characters)";
      }
      if (reason != null) {
        return "Couldn't load metadata pair ('" + e.getKey() + "', '" + e.getValue() + "'): " + reason;
      }
    }
    return null;
  }
}
