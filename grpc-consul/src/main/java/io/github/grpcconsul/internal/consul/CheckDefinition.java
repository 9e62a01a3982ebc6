package io.github.grpcconsul.internal.consul;

import io.github.grpcconsul.registration.CheckStatus;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * A check registered with a service (Consul's {@code CheckType}): a TTL check, a gRPC, HTTP or TCP probe.
 *
 * <p>Threading: immutable and thread-safe once built (the {@link Builder} is not); built with its {@link
 * ServiceDefinition}.
 *
 * <p><i>Internal, not a stable API.</i>
 */
public final class CheckDefinition {
  private final String checkId;
  private final String name;
  private final Duration ttl;
  private final String grpc;
  private final boolean grpcUseTls;
  private final String http;
  private final String tcp;
  private final Duration interval;
  private final Duration timeout;
  private final CheckStatus status;
  private final String notes;
  private final Duration deregisterCriticalServiceAfter;

  private CheckDefinition(Builder b) {
    int probes = (b.ttl != null ? 1 : 0) + (b.grpc != null ? 1 : 0) + (b.http != null ? 1 : 0)
        + (b.tcp != null ? 1 : 0);
    if (probes != 1) {
      throw new IllegalArgumentException("a check needs exactly one of ttl, grpc, http or tcp, got " + probes
          + ": set one of them");
    }
    if (b.ttl != null && b.interval != null) {
      throw new IllegalArgumentException("a TTL check cannot have an interval (Consul rejects it): remove interval");
    }
    if (b.ttl == null && (b.interval == null || b.interval.isZero() || b.interval.isNegative())) {
      throw new IllegalArgumentException("interval " + b.interval + " for a " + (b.grpc != null ? "gRPC"
          : b.http != null ? "HTTP" : "TCP") + " check must be > 0: set an interval such as 10s");
    }
    if (b.ttl != null && (b.ttl.isZero() || b.ttl.isNegative())) {
      throw new IllegalArgumentException("ttl " + b.ttl + " must be > 0: set a TTL such as 10s");
    }
    if (b.status == CheckStatus.MAINTENANCE) {
      throw new IllegalArgumentException("initial status MAINTENANCE is not a check status: use PASSING, WARNING or"
          + " CRITICAL");
    }
    this.checkId = b.checkId;
    this.name = b.name;
    this.ttl = b.ttl;
    this.grpc = b.grpc;
    this.grpcUseTls = b.grpcUseTls;
    this.http = b.http;
    this.tcp = b.tcp;
    this.interval = b.interval;
    this.timeout = b.timeout;
    this.status = b.status;
    this.notes = b.notes;
    this.deregisterCriticalServiceAfter = b.deregisterCriticalServiceAfter;
  }

  public static Builder newBuilder() {
    return new Builder();
  }

  public Builder toBuilder() {
    Builder b = new Builder();
    b.checkId = checkId;
    b.name = name;
    b.ttl = ttl;
    b.grpc = grpc;
    b.grpcUseTls = grpcUseTls;
    b.http = http;
    b.tcp = tcp;
    b.interval = interval;
    b.timeout = timeout;
    b.status = status;
    b.notes = notes;
    b.deregisterCriticalServiceAfter = deregisterCriticalServiceAfter;
    return b;
  }

  public Optional<String> checkId() {
    return Optional.ofNullable(checkId);
  }

  public Optional<String> name() {
    return Optional.ofNullable(name);
  }

  public Optional<Duration> ttl() {
    return Optional.ofNullable(ttl);
  }

  /** {@code host:port[/service]} probed with grpc.health.v1. */
  public Optional<String> grpc() {
    return Optional.ofNullable(grpc);
  }

  public boolean grpcUseTls() {
    return grpcUseTls;
  }

  public Optional<String> http() {
    return Optional.ofNullable(http);
  }

  public Optional<String> tcp() {
    return Optional.ofNullable(tcp);
  }

  public Optional<Duration> interval() {
    return Optional.ofNullable(interval);
  }

  public Optional<Duration> timeout() {
    return Optional.ofNullable(timeout);
  }

  /** Initial status; Consul's default is critical. */
  public Optional<CheckStatus> status() {
    return Optional.ofNullable(status);
  }

  public Optional<String> notes() {
    return Optional.ofNullable(notes);
  }

  public Optional<Duration> deregisterCriticalServiceAfter() {
    return Optional.ofNullable(deregisterCriticalServiceAfter);
  }

  @Override
  public boolean equals(Object o) {
    if (!(o instanceof CheckDefinition)) {
      return false;
    }
    CheckDefinition c = (CheckDefinition) o;
    return grpcUseTls == c.grpcUseTls && Objects.equals(checkId, c.checkId) && Objects.equals(name, c.name)
        && Objects.equals(ttl, c.ttl) && Objects.equals(grpc, c.grpc) && Objects.equals(http, c.http)
        && Objects.equals(tcp, c.tcp) && Objects.equals(interval, c.interval) && Objects.equals(timeout, c.timeout)
        && status == c.status && Objects.equals(notes, c.notes)
        && Objects.equals(deregisterCriticalServiceAfter, c.deregisterCriticalServiceAfter);
  }

  @Override
  public int hashCode() {
    return Objects.hash(checkId, name, ttl, grpc, http, tcp, interval, timeout, status);
  }

  @Override
  public String toString() {
    return "CheckDefinition" + ConsulJsonWriter.checkToJson(this);
  }

  /** Builds a {@link CheckDefinition}; exactly one of ttl, grpc, http or tcp must be set. */
  public static final class Builder {
    private String checkId;
    private String name;
    private Duration ttl;
    private String grpc;
    private boolean grpcUseTls;
    private String http;
    private String tcp;
    private Duration interval;
    private Duration timeout;
    private CheckStatus status;
    private String notes;
    private Duration deregisterCriticalServiceAfter;

    private Builder() {}

    public Builder checkId(String checkId) {
      this.checkId = checkId;
      return this;
    }

    public Builder name(String name) {
      this.name = name;
      return this;
    }

    public Builder ttl(Duration ttl) {
      this.ttl = ttl;
      return this;
    }

    public Builder grpc(String hostPortService) {
      this.grpc = hostPortService;
      return this;
    }

    public Builder grpcUseTls(boolean grpcUseTls) {
      this.grpcUseTls = grpcUseTls;
      return this;
    }

    public Builder http(String url) {
      this.http = url;
      return this;
    }

    public Builder tcp(String hostPort) {
      this.tcp = hostPort;
      return this;
    }

    public Builder interval(Duration interval) {
      this.interval = interval;
      return this;
    }

    public Builder timeout(Duration timeout) {
      this.timeout = timeout;
      return this;
    }

    public Builder status(CheckStatus status) {
      this.status = status;
      return this;
    }

    public Builder notes(String notes) {
      this.notes = notes;
      return this;
    }

    public Builder deregisterCriticalServiceAfter(Duration after) {
      this.deregisterCriticalServiceAfter = after;
      return this;
    }

    public CheckDefinition build() {
      return new CheckDefinition(this);
    }
  }
}
