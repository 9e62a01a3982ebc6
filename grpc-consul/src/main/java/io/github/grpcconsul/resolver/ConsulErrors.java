package io.github.grpcconsul.resolver;

import io.github.grpcconsul.consul.ConsulException;
import java.net.ConnectException;
import java.net.http.HttpTimeoutException;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;

/** One-line explanations of why a health query failed, for logs and for grpc's status. Never shows a token. */
final class ConsulErrors {

  /** Consul's 403 body for a token it does not know (consul-http-api.md §1.6). */
  static final String ACL_NOT_FOUND = "ACL not found";
  /** Prefix of Consul's 403 body for a known token without the needed rule. */
  static final String PERMISSION_DENIED = "Permission denied";

  private ConsulErrors() {}

  static String describe(Throwable error) {
    Throwable e = unwrap(error);
    if (e instanceof ConsulException) {
      ConsulException ce = (ConsulException) e;
      if (ce.isAclDenied()) {
        return describeAclDenied(ce);
      }
      return e.getMessage();
    }
    if (e instanceof HttpTimeoutException) {
      return "Consul did not answer in time (" + e.getMessage() + ")";
    }
    if (e instanceof ConnectException) {
      return "cannot connect to the Consul agent (" + e.getMessage() + ")";
    }
    String message = e.getMessage();
    return e.getClass().getSimpleName() + (message != null ? ": " + message : "");
  }

  private static String describeAclDenied(ConsulException e) {
    String body = e.body() == null ? "" : e.body().trim();
    if (body.contains(ACL_NOT_FOUND)) {
      return "403 ACL not found: Consul does not know the ACL token in use (expired, deleted or mistyped); set a"
          + " valid token in CONSUL_HTTP_TOKEN or CONSUL_HTTP_TOKEN_FILE";
    }
    if (body.startsWith(PERMISSION_DENIED)) {
      return "403 " + body + ": the ACL token in use lacks the rules to read this service; give its policy"
          + " service:read and node:read on it";
    }
    return "403 " + body + ": the ACL token in use is refused";
  }

  private static Throwable unwrap(Throwable error) {
    Throwable e = error;
    while ((e instanceof CompletionException || e instanceof ExecutionException) && e.getCause() != null) {
      e = e.getCause();
    }
    return e;
  }
}
