package io.github.grpcconsul.internal.consul;

/**
 * Consul answered with an HTTP error. Carries the status, Consul's body, the method and the path (never the query
 * string's secrets, never the token: the token only ever travels in a header).
 *
 * <p>Threading: an immutable exception, created on the HTTP completion thread when the answer arrives and read
 * anywhere; its predicates only look at the status and body.
 *
 * <p><i>Internal, not a stable API.</i>
 */
public final class ConsulException extends RuntimeException {
  private static final long serialVersionUID = 1L;
  private static final int MAX_BODY_IN_MESSAGE = 512;

  private final int status;
  private final String body;
  private final String method;
  private final String path;

  public ConsulException(int status, String body, String method, String path) {
    super(message(status, body, method, path));
    this.status = status;
    this.body = body == null ? "" : body;
    this.method = method;
    this.path = path;
  }

  /** The HTTP status. */
  public int status() {
    return status;
  }

  /** Consul's response body (usually a plain-text reason). */
  public String body() {
    return body;
  }

  public String method() {
    return method;
  }

  /** The request path, without query string. */
  public String path() {
    return path;
  }

  /** 404: unknown service ID, check ID, key, or endpoint. */
  public boolean isNotFound() {
    return status == 404;
  }

  /** 403: the token is unknown or lacks a permission (see the message for which). */
  public boolean isAclDenied() {
    return status == 403;
  }

  /** 403 because Consul does not know the token at all (as opposed to the token lacking a permission). */
  public boolean isAclNotFound() {
    return status == 403 && body.contains(ConsulJson.ERR_ACL_NOT_FOUND);
  }

  /** 403 because the token is known but lacks a permission (the body names which). */
  public boolean isPermissionDenied() {
    return status == 403 && body.contains(ConsulJson.ERR_PERMISSION_DENIED);
  }

  /**
   * 500 to a TTL update because the check ID exists but is not a TTL check (the agent re-created it some other way,
   * e.g. from its own configuration after a restart).
   */
  public boolean isMissingTtl() {
    return status == 500 && body.contains(ConsulJson.ERR_NO_TTL);
  }

  /** 5xx or 429: worth retrying later. */
  public boolean isRetryable() {
    return status >= 500 || status == 429;
  }

  private static String message(int status, String body, String method, String path) {
    String b = body == null ? "" : body.strip();
    if (b.length() > MAX_BODY_IN_MESSAGE) {
      b = b.substring(0, MAX_BODY_IN_MESSAGE) + "...";
    }
    StringBuilder sb = new StringBuilder("Consul answered ").append(status).append(" to ").append(method)
        .append(' ').append(path);
    if (status == 403) {
      sb.append(": ").append(aclHint(b));
    }
    if (!b.isEmpty()) {
      sb.append(": ").append(b);
    }
    return sb.toString();
  }

  private static String aclHint(String body) {
    if (body.contains(ConsulJson.ERR_ACL_NOT_FOUND)) {
      return "token not found (check CONSUL_HTTP_TOKEN / the token configured)";
    }
    if (body.contains(ConsulJson.ERR_PERMISSION_DENIED)) {
      return "token lacks permission for this call (grant the ACL policy the permission named below, e.g."
          + " service:read / node:read for lookups, service:write for registration)";
    }
    return "access denied by the agent";
  }
}
