package io.github.grpcconsul.internal.consul;

import java.net.ConnectException;
import java.net.http.HttpTimeoutException;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;

/**
 * Why a call to Consul failed: the failure behind the wrappers {@link java.util.concurrent.CompletableFuture} adds
 * ({@link #unwrap}), so callers can tell a {@link ConsulException} from a transport {@link java.io.IOException},
 * and a one-line explanation for logs and grpc statuses ({@link #describe}) that never shows a token.
 * Registration's own reading of a failure (what to do next) is {@code internal.registration.RegistrationFailures}.
 *
 * <p>Threading: stateless static functions, called on any thread (HTTP completion threads, watch lanes, the
 * registration's executor); they never block.
 *
 * <p><i>Internal, not a stable API.</i>
 */
public final class ConsulFailures {
  private ConsulFailures() {}

  /** Strips {@link CompletionException} and {@link ExecutionException} layers that carry a cause. */
  public static Throwable unwrap(Throwable t) {
    while ((t instanceof CompletionException || t instanceof ExecutionException) && t.getCause() != null) {
      t = t.getCause();
    }
    return t;
  }

  /** One line on why a query failed, for logs and for grpc's status. Never shows a token. */
  public static String describe(Throwable error) {
    Throwable e = unwrap(error);
    if (e instanceof ConsulException) {
      // Already says which token problem a 403 is (unknown token, missing permission), never the token.
      return e.getMessage();
    }
    if (e instanceof ConsulTlsException) {
      // Names the agent, the setting to change and the certificate; never the token.
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
}
