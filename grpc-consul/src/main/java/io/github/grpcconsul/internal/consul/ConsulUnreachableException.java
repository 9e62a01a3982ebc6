package io.github.grpcconsul.internal.consul;

import java.io.IOException;

/**
 * No configured agent address could be reached: connection refused or reset, connect or read timeout, or any other
 * {@link IOException} of the HTTP exchange itself. The message names each address tried (the others as suppressed).
 *
 * <p>Unlike a {@link ConsulException} (the agent answered, with an HTTP error) this says nothing about the agent's
 * load: it may simply be down or restarting. Retrying loops therefore wait for the client's {@link AgentProbe} rather
 * than only for a backoff (see {@link RetryWait}). A body that is not the expected JSON is a plain
 * {@link IOException}, not this.
 *
 * <p><i>Internal, not a stable API.</i>
 */
public final class ConsulUnreachableException extends IOException {
  private static final long serialVersionUID = 1L;

  ConsulUnreachableException(String message, Throwable cause) {
    super(message, cause);
  }

  /** Whether {@code failure} (possibly wrapped by a {@code CompletableFuture}) is a transport failure. */
  public static boolean isTransportFailure(Throwable failure) {
    return failure != null && AsyncFailures.unwrap(failure) instanceof ConsulUnreachableException;
  }
}
