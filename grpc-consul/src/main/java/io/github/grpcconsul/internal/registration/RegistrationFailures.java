package io.github.grpcconsul.internal.registration;

import io.github.grpcconsul.internal.consul.ConsulFailures;
import io.github.grpcconsul.internal.consul.ConsulException;
import io.github.grpcconsul.internal.consul.ConsulTlsException;

/**
 * Registration's reading of a failed agent call: what to do next ({@link #classify}: register again, report the ACL
 * problem, or back off), the few words its {@code RegistrationStatus} shows ({@link #describe}), and the log message
 * for a denied write naming the missing permission ({@link #aclDeniedMessage}). Consul's error texts are matched by
 * {@link ConsulException}'s predicates; unwrapping the future's wrappers is {@link ConsulFailures#unwrap}.
 *
 * <p>Threading: stateless static functions, called on the registration's executor thread or the shutdown caller's;
 * they never block.
 */
public final class RegistrationFailures {

  enum Kind {
    /** The agent does not know our service or check any more: register again. */
    UNKNOWN_TO_AGENT,
    /** The ACL token lacks a permission: tell the user what is missing, retry slowly. */
    ACL_DENIED,
    /** Transport errors, 5xx and anything else: retry with backoff. */
    OTHER
  }

  private RegistrationFailures() {}

  public static Kind classify(Throwable failure) {
    Throwable t = ConsulFailures.unwrap(failure);
    if (t instanceof ConsulException ce) {
      if (ce.isAclDenied()) {
        return Kind.ACL_DENIED;
      }
      if (ce.isNotFound() || ce.isMissingTtl()) {
        return Kind.UNKNOWN_TO_AGENT;
      }
    }
    return Kind.OTHER;
  }

  /**
   * Why a call failed, in a few words and Consul's own reason, for {@code RegistrationStatus.description()}: e.g.
   * {@code ACL denied (403 Permission denied: ...)}, {@code agent unreachable (...)}. Never holds the token (neither
   * Consul's answers nor our transport errors carry it).
   */
  public static String describe(Throwable failure) {
    Throwable t = ConsulFailures.unwrap(failure);
    if (t instanceof ConsulException ce) {
      String body = ce.body().strip();
      if (body.length() > 200) {
        body = body.substring(0, 200) + "...";
      }
      String what = ce.isAclDenied() ? "ACL denied" : "agent answered HTTP " + ce.status();
      return what + " (" + ce.status() + " " + body + ")";
    }
    if (t instanceof ConsulTlsException) {
      return "TLS misconfigured (" + t.getMessage() + ")"; // names the setting to fix
    }
    if (t instanceof java.io.IOException) {
      return "agent unreachable (" + t.getMessage() + ")";
    }
    return t.getClass().getSimpleName() + " (" + t.getMessage() + ")";
  }

  /** The message for a denied write, naming the permission the token lacks and how to grant it. */
  public static String aclDeniedMessage(String action, String serviceName, Throwable failure, boolean retrying) {
    Throwable t = ConsulFailures.unwrap(failure);
    String body = t instanceof ConsulException ce ? ce.body() : String.valueOf(t.getMessage());
    String rule = "service \"" + serviceName + "\" { policy = \"write\" }";
    boolean unknownToken = t instanceof ConsulException ce && ce.isAclNotFound();
    String fix = unknownToken
        ? "Consul does not know the ACL token in use: set a valid token having service:write on \"" + serviceName
            + "\" (a policy with the rule " + rule + ")"
        : "The ACL token in use lacks service:write on \"" + serviceName + "\": add a policy with the rule " + rule
            + " to it, or set another token";
    return "Consul denied " + action + " of service '" + serviceName + "' (HTTP 403: " + body.strip() + "). "
        + fix + ", through CONSUL_HTTP_TOKEN, CONSUL_HTTP_TOKEN_FILE or "
        + "ConsulConfig.Builder.token(...)." + (retrying ? " Retrying with backoff." : "");
  }
}
