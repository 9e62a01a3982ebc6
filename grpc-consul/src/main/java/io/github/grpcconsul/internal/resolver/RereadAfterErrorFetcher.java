package io.github.grpcconsul.internal.resolver;

import io.github.grpcconsul.internal.consul.BlockingQuery;
import io.github.grpcconsul.internal.consul.QueryResult;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;

/**
 * Re-reads from scratch after a failure: the first request after an error sends index 0 (an immediate,
 * non-blocking read), and its answer is handed on whatever its index.
 *
 * <p>After an error nothing is known about the agent: it may have restarted with all state lost and its index back
 * near 1. A blocking request with the old, higher index would wait the whole {@code wait} period (minutes) before
 * its answer revealed that the index went backwards; and a restarted agent may even have reached exactly the old
 * index with different contents, which an index comparison cannot see. Re-reading costs one cheap request per error
 * streak; an unchanged list is filtered out downstream.
 */
final class RereadAfterErrorFetcher<T> implements BlockingQuery.Fetcher<T> {

  private final BlockingQuery.Fetcher<T> delegate;
  private final Runnable onSuccess;
  private final Consumer<T> onReread;
  private volatile boolean lastFailed;

  /**
   * @param onSuccess told of every successful request, including those whose answer did not change
   * @param onReread given the answer of each re-read after an error
   */
  RereadAfterErrorFetcher(BlockingQuery.Fetcher<T> delegate, Runnable onSuccess, Consumer<T> onReread) {
    this.delegate = delegate;
    this.onSuccess = onSuccess;
    this.onReread = onReread;
  }

  @Override
  public CompletableFuture<QueryResult<T>> fetch(long index, Duration wait) {
    boolean reread = lastFailed;
    CompletableFuture<QueryResult<T>> f = delegate.fetch(reread ? 0 : index, wait);
    f.whenComplete((result, error) -> {
      lastFailed = error != null;
      if (error == null) {
        onSuccess.run();
        if (reread) {
          onReread.accept(result.value());
        }
      }
    });
    return f;
  }
}
