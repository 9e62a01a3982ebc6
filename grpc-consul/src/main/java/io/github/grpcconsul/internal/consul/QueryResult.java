package io.github.grpcconsul.internal.consul;

import java.time.Duration;
import java.util.Objects;

/**
 * The value of a Consul read and its query metadata.
 *
 * <p>Threading: an immutable record (as immutable as its {@code value}), made on the HTTP completion thread and
 * handed to a blocking query's listener or a future's callback on any thread.
 *
 * <p><i>Internal, not a stable API.</i>
 *
 * @param value the decoded body
 * @param index {@code X-Consul-Index}, at least 1 (Consul never reports 0; a missing header is read as 1)
 * @param knownLeader {@code X-Consul-KnownLeader}
 * @param lastContact {@code X-Consul-LastContact}: time since the answering server last heard from the leader
 */
public record QueryResult<T>(T value, long index, boolean knownLeader, Duration lastContact) {
  public QueryResult {
    Objects.requireNonNull(lastContact, "lastContact");
    if (index < 1) {
      index = 1;
    }
  }

  /** The same metadata with another value. */
  public <U> QueryResult<U> withValue(U newValue) {
    return new QueryResult<>(newValue, index, knownLeader, lastContact);
  }
}
