package io.github.grpcconsul.resolver;

import io.github.grpcconsul.consul.BlockingQuery;
import io.github.grpcconsul.consul.QueryResult;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;

/**
 * Sends index 0 (an immediate, non-blocking read) on the first request after a failure.
 *
 * <p>After an error nothing is known about the agent: it may have restarted with all state lost and its index back
 * near 1. A blocking request with the old, higher index would then wait the whole {@code wait} period (minutes)
 * before its answer revealed that the index went backwards. Re-reading at once costs one cheap request per error
 * streak, and an unchanged answer is filtered out downstream (same index, same list).
 */
final class RereadAfterErrorFetcher<T> implements BlockingQuery.Fetcher<T> {

  private final BlockingQuery.Fetcher<T> delegate;
  private final Runnable onSuccess;
  private volatile boolean lastFailed;

  /** @param onSuccess told of every successful request, including those whose answer did not change */
  RereadAfterErrorFetcher(BlockingQuery.Fetcher<T> delegate, Runnable onSuccess) {
    this.delegate = delegate;
    this.onSuccess = onSuccess;
  }

  @Override
  public CompletableFuture<QueryResult<T>> fetch(long index, Duration wait) {
    CompletableFuture<QueryResult<T>> f = delegate.fetch(lastFailed ? 0 : index, wait);
    f.whenComplete((result, error) -> {
      lastFailed = error != null;
      if (error == null) {
        onSuccess.run();
      }
    });
    return f;
  }
}
