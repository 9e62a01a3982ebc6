package io.github.grpcconsul.devagent;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.UUID;

/**
 * The agent's ACL system: off (every token is accepted, like -dev) unless a management token is configured; then
 * the default policy is deny, the management token may do everything and an optional read-only token may read.
 */
final class Acl {
  private final String managementToken;
  private final String readOnlyToken;
  private final boolean defaultAllow;

  Acl(String managementToken, String readOnlyToken) {
    this(managementToken, readOnlyToken, false);
  }

  /** {@code defaultAllow}: Consul's acl.default_policy "allow", where the anonymous token may do everything. */
  Acl(String managementToken, String readOnlyToken, boolean defaultAllow) {
    this.managementToken = managementToken;
    this.readOnlyToken = readOnlyToken;
    this.defaultAllow = defaultAllow;
  }

  boolean enabled() {
    return managementToken != null;
  }

  String defaultPolicy() {
    return enabled() && !defaultAllow ? "deny" : "allow";
  }

  /** Consul's token precedence: ?token=, X-Consul-Token, Authorization: Bearer. */
  static String token(ApiRequest req) {
    String t = req.param("token");
    if (t != null && !t.isEmpty()) {
      return t;
    }
    t = req.header("X-Consul-Token");
    if (t != null && !t.isEmpty()) {
      return t;
    }
    String auth = req.header("Authorization");
    if (auth != null) {
      String[] parts = auth.trim().split(" +");
      if (parts.length >= 2 && parts[0].equalsIgnoreCase("bearer")) {
        return parts[1];
      }
    }
    return "";
  }

  Authz resolve(ApiRequest req) {
    if (!enabled()) {
      return Authz.MANAGEMENT;
    }
    String token = token(req);
    if (token.isEmpty()) {
      return defaultAllow ? Authz.MANAGEMENT : Authz.ANONYMOUS;
    }
    if (same(token, managementToken)) {
      return new Authz(true, true, accessor(managementToken)).given();
    }
    if (readOnlyToken != null && same(token, readOnlyToken)) {
      return new Authz(true, false, accessor(readOnlyToken)).given();
    }
    if (token.equals("allow") || token.equals("deny") || token.equals("manage")) {
      throw new ApiException(500, "Cannot resolve root ACL");
    }
    throw new ApiException(403, Texts.ACL_NOT_FOUND);
  }

  private static boolean same(String a, String b) {
    return MessageDigest.isEqual(a.getBytes(StandardCharsets.UTF_8), b.getBytes(StandardCharsets.UTF_8));
  }

  /** A stable AccessorID that does not reveal the secret. */
  private static String accessor(String secret) {
    return UUID.nameUUIDFromBytes(("accessor:" + secret).getBytes(StandardCharsets.UTF_8)).toString();
  }
}
