package io.github.grpcconsul.internal.consul;

import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;

/**
 * The failure behind the wrappers {@link java.util.concurrent.CompletableFuture} adds, so callers can tell a
 * {@link ConsulException} from a transport {@link java.io.IOException}.
 *
 * <p><i>Internal, not a stable API.</i>
 */
public final class AsyncFailures {
  private AsyncFailures() {}

  /** Strips {@link CompletionException} and {@link ExecutionException} layers that carry a cause. */
  public static Throwable unwrap(Throwable t) {
    while ((t instanceof CompletionException || t instanceof ExecutionException) && t.getCause() != null) {
      t = t.getCause();
    }
    return t;
  }
}
