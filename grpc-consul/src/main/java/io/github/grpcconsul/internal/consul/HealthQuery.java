package io.github.grpcconsul.internal.consul;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeSet;

/**
 * What to ask {@code GET /v1/health/service/:name}. A value: equal queries share one watch.
 *
 * <p>Tags and node-meta pairs are kept sorted and de-duplicated, since Consul requires all of them to match and their
 * order does not change the answer.
 *
 * <p>Threading: immutable and thread-safe once built (the {@link Builder} is not; it is used on one thread, e.g.
 * while a target is parsed); used as a key of the shared watches from any thread.
 *
 * <p><i>Internal, not a stable API.</i>
 */
public final class HealthQuery {
  /** Consul's read consistency modes. */
  public enum Consistency {
    /** Leader reads (Consul's default). */
    DEFAULT,
    /** {@code ?stale}: any server may answer. */
    STALE,
    /** {@code ?consistent}: the leader verifies its leadership first. */
    CONSISTENT,
    /** {@code ?cached}: the agent's cache. */
    CACHED
  }

  private final String service;
  private final String datacenter;
  private final List<String> tags;
  private final boolean passingOnly;
  private final String near;
  private final List<String> nodeMeta;
  private final String filter;
  private final Consistency consistency;

  private HealthQuery(Builder b) {
    if (b.service == null || b.service.isEmpty()) {
      throw new IllegalArgumentException("service name is empty: give the Consul service name to look up");
    }
    if (b.service.contains("/")) {
      throw new IllegalArgumentException("service name \"" + b.service + "\" contains '/': Consul service names"
          + " cannot contain '/'");
    }
    this.service = b.service;
    this.datacenter = emptyToNull(b.datacenter);
    this.tags = List.copyOf(new TreeSet<>(b.tags));
    this.passingOnly = b.passingOnly;
    this.near = emptyToNull(b.near);
    this.nodeMeta = List.copyOf(new TreeSet<>(b.nodeMeta));
    this.filter = emptyToNull(b.filter);
    this.consistency = Objects.requireNonNull(b.consistency, "consistency");
  }

  /** A builder for the given service name; only healthy (passing) instances by default. */
  public static Builder newBuilder(String service) {
    return new Builder().service(service);
  }

  /** Passing instances of the service, in the agent's datacenter. */
  public static HealthQuery of(String service) {
    return newBuilder(service).build();
  }

  public Builder toBuilder() {
    Builder b = new Builder();
    b.service = service;
    b.datacenter = datacenter;
    b.tags.addAll(tags);
    b.passingOnly = passingOnly;
    b.near = near;
    b.nodeMeta.addAll(nodeMeta);
    b.filter = filter;
    b.consistency = consistency;
    return b;
  }

  public String service() {
    return service;
  }

  /** The datacenter to ask; empty means the agent's own. */
  public Optional<String> datacenter() {
    return Optional.ofNullable(datacenter);
  }

  /** Tags an instance must all carry (sorted). */
  public List<String> tags() {
    return tags;
  }

  /** Whether Consul drops every instance with any non-passing check ({@code ?passing}). */
  public boolean passingOnly() {
    return passingOnly;
  }

  /** {@code ?near}: a node name or {@code _agent}, to sort by round-trip time. */
  public Optional<String> near() {
    return Optional.ofNullable(near);
  }

  /** {@code key:value} pairs the node must carry (sorted). */
  public List<String> nodeMeta() {
    return nodeMeta;
  }

  /** A Consul filter expression. */
  public Optional<String> filter() {
    return Optional.ofNullable(filter);
  }

  public Consistency consistency() {
    return consistency;
  }

  @Override
  public boolean equals(Object o) {
    if (this == o) {
      return true;
    }
    if (!(o instanceof HealthQuery)) {
      return false;
    }
    HealthQuery q = (HealthQuery) o;
    return passingOnly == q.passingOnly && service.equals(q.service) && Objects.equals(datacenter, q.datacenter)
        && tags.equals(q.tags) && Objects.equals(near, q.near) && nodeMeta.equals(q.nodeMeta)
        && Objects.equals(filter, q.filter) && consistency == q.consistency;
  }

  @Override
  public int hashCode() {
    return Objects.hash(service, datacenter, tags, passingOnly, near, nodeMeta, filter, consistency);
  }

  @Override
  public String toString() {
    StringBuilder sb = new StringBuilder("HealthQuery{").append(service);
    if (datacenter != null) {
      sb.append(", dc=").append(datacenter);
    }
    if (!tags.isEmpty()) {
      sb.append(", tags=").append(tags);
    }
    sb.append(passingOnly ? ", passing" : ", any health");
    if (near != null) {
      sb.append(", near=").append(near);
    }
    if (!nodeMeta.isEmpty()) {
      sb.append(", nodeMeta=").append(nodeMeta);
    }
    if (filter != null) {
      sb.append(", filter=").append(filter);
    }
    if (consistency != Consistency.DEFAULT) {
      sb.append(", ").append(consistency.name().toLowerCase(java.util.Locale.ROOT));
    }
    return sb.append('}').toString();
  }

  private static String emptyToNull(String s) {
    return s == null || s.isEmpty() ? null : s;
  }

  /** Builds a {@link HealthQuery}. */
  public static final class Builder {
    private String service;
    private String datacenter;
    private final List<String> tags = new ArrayList<>();
    private boolean passingOnly = true;
    private String near;
    private final List<String> nodeMeta = new ArrayList<>();
    private String filter;
    private Consistency consistency = Consistency.DEFAULT;

    private Builder() {}

    public Builder service(String service) {
      this.service = service;
      return this;
    }

    /** The datacenter; null or empty means the agent's own. */
    public Builder datacenter(String datacenter) {
      this.datacenter = datacenter;
      return this;
    }

    /** Adds a tag every instance must carry. */
    public Builder tag(String tag) {
      if (tag == null || tag.isEmpty()) {
        throw new IllegalArgumentException("tag is empty: give a non-empty tag or none");
      }
      tags.add(tag);
      return this;
    }

    /** Replaces the tags. */
    public Builder tags(List<String> newTags) {
      tags.clear();
      newTags.forEach(this::tag);
      return this;
    }

    public Builder passingOnly(boolean passingOnly) {
      this.passingOnly = passingOnly;
      return this;
    }

    public Builder near(String near) {
      this.near = near;
      return this;
    }

    /** Adds a {@code key:value} node-meta requirement. */
    public Builder nodeMeta(String keyColonValue) {
      if (keyColonValue == null || keyColonValue.indexOf(':') <= 0) {
        throw new IllegalArgumentException("node-meta \"" + keyColonValue + "\" is not key:value: write it as"
            + " key:value, e.g. rack:r1");
      }
      nodeMeta.add(keyColonValue);
      return this;
    }

    /** Adds a node-meta requirement. */
    public Builder nodeMeta(String key, String value) {
      return nodeMeta(key + ":" + value);
    }

    public Builder filter(String filter) {
      this.filter = filter;
      return this;
    }

    public Builder consistency(Consistency consistency) {
      this.consistency = Objects.requireNonNull(consistency, "consistency");
      return this;
    }

    public HealthQuery build() {
      return new HealthQuery(this);
    }
  }
}
