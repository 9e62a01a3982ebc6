package io.github.grpcconsul.registration;

import io.github.grpcconsul.consul.ConsulException;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;

/** Sorts the agent's answers to our calls into what registration does next. Consul's error texts live here. */
final class ConsulFailures {
  /** Consul's 500 body when a check ID exists but is not a TTL check (the agent re-created it some other way). */
  static final String NO_TTL_TEXT = "does not have associated TTL";

  enum Kind {
    /** The agent does not know our service or check any more: register again. */
    UNKNOWN_TO_AGENT,
    /** The ACL token lacks a permission: tell the user what is missing, retry slowly. */
    ACL_DENIED,
    /** Transport errors, 5xx and anything else: retry with backoff. */
    OTHER
  }

  private ConsulFailures() {}

  static Throwable unwrap(Throwable t) {
    while ((t instanceof CompletionException || t instanceof ExecutionException) && t.getCause() != null) {
      t = t.getCause();
    }
    return t;
  }

  static Kind classify(Throwable failure) {
    Throwable t = unwrap(failure);
    if (t instanceof ConsulException ce) {
      if (ce.isAclDenied()) {
        return Kind.ACL_DENIED;
      }
      if (ce.isNotFound() || (ce.status() == 500 && ce.body().contains(NO_TTL_TEXT))) {
        return Kind.UNKNOWN_TO_AGENT;
      }
    }
    return Kind.OTHER;
  }

  /** The message for a denied write, naming the permission the token lacks and how to grant it. */
  static String aclDeniedMessage(String action, String serviceName, Throwable failure, boolean retrying) {
    return "Consul denied " + action + " of service '" + serviceName + "' (" + unwrap(failure).getMessage()
        + "). The ACL token needs service:write on \"" + serviceName + "\", e.g. a policy with the rule: service \""
        + serviceName + "\" { policy = \"write\" }. Set the token with CONSUL_HTTP_TOKEN or "
        + "ConsulConfig.Builder.token(...)." + (retrying ? " Retrying with backoff." : "");
  }
}
