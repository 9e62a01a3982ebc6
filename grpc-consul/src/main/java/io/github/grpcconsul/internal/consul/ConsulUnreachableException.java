package io.github.grpcconsul.internal.consul;

import java.io.IOException;

/**
 * No configured agent address could be reached: connection refused or reset, connect or read timeout, or any other
 * {@link IOException} of the HTTP exchange itself. The message names each address tried (the others as suppressed).
 *
 * <p>Unlike a {@link ConsulException} (the agent answered, with an HTTP error) this says nothing about the agent's
 * load: it may simply be down or restarting. Retrying loops therefore wait for the client's {@link AgentProbe} rather
 * than only for a backoff (see {@link RetryWait}). A body that is not the expected JSON is a plain
 * {@link IOException}, not this; a TLS failure is wrapped in this but not counted as a transport failure by
 * {@link #isTransportFailure}.
 *
 * <p>Threading: created on the HTTP completion thread once every address failed; not modified after that (but for
 * the suppressed exceptions added while it is built), read anywhere.
 *
 * <p><i>Internal, not a stable API.</i>
 */
public final class ConsulUnreachableException extends IOException {
  private static final long serialVersionUID = 1L;

  ConsulUnreachableException(String message, Throwable cause) {
    super(message, cause);
  }

  /**
   * Whether {@code failure} (possibly wrapped by a {@code CompletableFuture}) is a transport failure that says the
   * agent may be down. A TLS failure (certificate not trusted, handshake refused) is not one: the agent is there and
   * the same handshake would fail again at once, so it is retried on the backoff like an HTTP error.
   */
  public static boolean isTransportFailure(Throwable failure) {
    return failure != null && ConsulFailures.unwrap(failure) instanceof ConsulUnreachableException
        && !isTlsFailure(failure);
  }

  /** Whether a {@link javax.net.ssl.SSLException} is among the causes of {@code failure}. */
  static boolean isTlsFailure(Throwable failure) {
    for (Throwable t = failure; t != null; t = t.getCause()) {
      if (t instanceof javax.net.ssl.SSLException) {
        return true;
      }
      if (t.getCause() == t) {
        break;
      }
    }
    return false;
  }
}
