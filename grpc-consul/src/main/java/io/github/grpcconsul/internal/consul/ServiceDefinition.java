package io.github.grpcconsul.internal.consul;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * A service registration for {@code PUT /v1/agent/service/register} (the fields of Consul's
 * {@code ServiceDefinition} that registration uses).
 *
 * <p>Threading: immutable and thread-safe once built (the {@link Builder} is not); built on the registration's
 * executor or the caller of {@code ConsulRegistration.Builder.build()}.
 *
 * <p><i>Internal, not a stable API.</i>
 */
public final class ServiceDefinition {
  private final String id;
  private final String name;
  private final String address;
  private final int port;
  private final List<String> tags;
  private final Map<String, String> meta;
  private final HealthEntry.Weights weights;
  private final boolean enableTagOverride;
  private final List<CheckDefinition> checks;

  private ServiceDefinition(Builder b) {
    if (b.name == null || b.name.isEmpty()) {
      throw new IllegalArgumentException("service name is empty: give the name clients look the service up by");
    }
    if (b.port < 0 || b.port > 65535) {
      throw new IllegalArgumentException("port " + b.port + " is out of range: use 1..65535 (or 0 for none)");
    }
    if (b.weights != null && (b.weights.passing() < 1 || b.weights.warning() < 0 || b.weights.passing() > 65535
        || b.weights.warning() > 65535)) {
      throw new IllegalArgumentException("weights " + b.weights.passing() + "/" + b.weights.warning()
          + " are invalid: passing must be 1..65535 and warning 0..65535");
    }
    if ("0.0.0.0".equals(b.address) || "::".equals(b.address)) {
      throw new IllegalArgumentException("address \"" + b.address + "\" is a wildcard (Consul rejects it): give"
          + " the address clients should dial");
    }
    this.id = b.id;
    this.name = b.name;
    this.address = b.address;
    this.port = b.port;
    this.tags = List.copyOf(b.tags);
    this.meta = Map.copyOf(b.meta);
    this.weights = b.weights;
    this.enableTagOverride = b.enableTagOverride;
    this.checks = List.copyOf(b.checks);
  }

  public static Builder newBuilder(String name) {
    return new Builder().name(name);
  }

  public Builder toBuilder() {
    Builder b = new Builder();
    b.id = id;
    b.name = name;
    b.address = address;
    b.port = port;
    b.tags.addAll(tags);
    b.meta.putAll(meta);
    b.weights = weights;
    b.enableTagOverride = enableTagOverride;
    b.checks.addAll(checks);
    return b;
  }

  /** The instance ID; Consul defaults it to the name. */
  public Optional<String> id() {
    return Optional.ofNullable(id);
  }

  public String name() {
    return name;
  }

  public Optional<String> address() {
    return Optional.ofNullable(address);
  }

  public int port() {
    return port;
  }

  public List<String> tags() {
    return tags;
  }

  public Map<String, String> meta() {
    return meta;
  }

  public Optional<HealthEntry.Weights> weights() {
    return Optional.ofNullable(weights);
  }

  public boolean enableTagOverride() {
    return enableTagOverride;
  }

  public List<CheckDefinition> checks() {
    return checks;
  }

  /** The JSON body Consul receives. */
  public String toJson() {
    return ConsulJsonWriter.serviceToJson(this);
  }

  @Override
  public boolean equals(Object o) {
    if (!(o instanceof ServiceDefinition)) {
      return false;
    }
    ServiceDefinition s = (ServiceDefinition) o;
    return port == s.port && enableTagOverride == s.enableTagOverride && Objects.equals(id, s.id)
        && name.equals(s.name) && Objects.equals(address, s.address) && tags.equals(s.tags) && meta.equals(s.meta)
        && Objects.equals(weights, s.weights) && checks.equals(s.checks);
  }

  @Override
  public int hashCode() {
    return Objects.hash(id, name, address, port, tags, meta, weights, checks);
  }

  @Override
  public String toString() {
    return "ServiceDefinition" + toJson();
  }

  /** Builds a {@link ServiceDefinition}. */
  public static final class Builder {
    private String id;
    private String name;
    private String address;
    private int port;
    private final List<String> tags = new ArrayList<>();
    private final Map<String, String> meta = new LinkedHashMap<>();
    private HealthEntry.Weights weights;
    private boolean enableTagOverride;
    private final List<CheckDefinition> checks = new ArrayList<>();

    private Builder() {}

    public Builder id(String id) {
      this.id = id;
      return this;
    }

    public Builder name(String name) {
      this.name = name;
      return this;
    }

    public Builder address(String address) {
      this.address = address;
      return this;
    }

    public Builder port(int port) {
      this.port = port;
      return this;
    }

    public Builder tags(List<String> tags) {
      this.tags.clear();
      this.tags.addAll(tags);
      return this;
    }

    public Builder tag(String tag) {
      this.tags.add(Objects.requireNonNull(tag, "tag"));
      return this;
    }

    public Builder meta(Map<String, String> meta) {
      this.meta.clear();
      this.meta.putAll(meta);
      return this;
    }

    public Builder meta(String key, String value) {
      this.meta.put(Objects.requireNonNull(key, "key"), Objects.requireNonNull(value, "value"));
      return this;
    }

    public Builder weights(int passing, int warning) {
      this.weights = new HealthEntry.Weights(passing, warning);
      return this;
    }

    public Builder enableTagOverride(boolean enableTagOverride) {
      this.enableTagOverride = enableTagOverride;
      return this;
    }

    public Builder check(CheckDefinition check) {
      this.checks.add(Objects.requireNonNull(check, "check"));
      return this;
    }

    public Builder checks(List<CheckDefinition> checks) {
      this.checks.clear();
      this.checks.addAll(checks);
      return this;
    }

    public ServiceDefinition build() {
      return new ServiceDefinition(this);
    }
  }
}
