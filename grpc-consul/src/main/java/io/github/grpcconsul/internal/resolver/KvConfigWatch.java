package io.github.grpcconsul.internal.resolver;

import io.github.grpcconsul.internal.consul.BlockingQuery;
import io.github.grpcconsul.internal.consul.ConsulClient;
import io.github.grpcconsul.internal.consul.KvPair;
import io.github.grpcconsul.internal.consul.QueryResult;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Follows one Consul KV key that holds a gRPC service config, with a blocking query on {@code GET /v1/kv/:key}. Owns
 * no thread: requests run on the client's scheduler and its HTTP client. Reports each new value (empty when the key
 * does not exist) to {@code onValue}, on the client's threads; a Consul failure reports nothing, so the last value
 * stays in force, and is logged once per outage.
 *
 * <p>Threading: created and closed on the resolver's offload executor (through {@link WatchRegistry#watchKey});
 * answers arrive on the client's {@code grpc-consul-http-N} threads, where the change check runs under a private
 * lock and {@code onValue} is called after it is released (so it must not block). {@link #close()} never blocks.
 */
final class KvConfigWatch implements AutoCloseable {

  private static final Logger logger = Logger.getLogger(KvConfigWatch.class.getName());

  private final String key;
  private final BlockingQuery<Optional<KvPair>> query;
  private final Consumer<Optional<String>> onValue;
  private final Object lock = new Object();
  private boolean failing; // guarded by lock
  private Optional<String> last; // guarded by lock

  KvConfigWatch(ConsulClient client, String key, Duration wait, Consumer<Optional<String>> onValue) {
    this.key = Objects.requireNonNull(key, "key");
    this.onValue = Objects.requireNonNull(onValue, "onValue");
    this.query = BlockingQuery.<Optional<KvPair>>newBuilder(
            (index, w) -> client.kvGet(key, index, w),
            new BlockingQuery.Listener<>() {
              @Override
              public void onResult(Optional<KvPair> value, QueryResult<Optional<KvPair>> result) {
                KvConfigWatch.this.onResult(value);
              }

              @Override
              public void onError(Throwable error, int consecutiveFailures) {
                KvConfigWatch.this.onError(error);
              }
            },
            client.scheduler())
        .wait(wait)
        .build();
  }

  void start() {
    query.start();
  }

  private void onResult(Optional<KvPair> pair) {
    Optional<String> value = pair.map(KvPair::valueAsString);
    boolean recovered;
    synchronized (lock) {
      recovered = failing;
      failing = false;
      if (value.equals(last)) {
        value = null;
      } else {
        last = value;
      }
    }
    if (recovered) {
      logger.log(Level.INFO, "consul: reading service config key \"{0}\" works again", key);
    }
    if (value != null) {
      onValue.accept(value);
    }
  }

  private void onError(Throwable error) {
    boolean first;
    synchronized (lock) {
      first = !failing;
      failing = true;
    }
    if (first) {
      logger.log(Level.WARNING, "consul: cannot read service config key \"{0}\": {1}; keeping the last one and"
          + " retrying", new Object[] {key, error.getMessage()});
    }
  }

  @Override
  public void close() {
    query.cancel();
  }
}
