package io.github.grpcconsul.internal.consul;

import io.github.grpcconsul.registration.CheckStatus;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * One element of {@code GET /v1/health/service/:name}: a service instance, the node it runs on and all its checks
 * (node checks included).
 *
 * <p>Threading: an immutable record (its lists and maps are immutable copies), made by {@link HealthResponseParser}
 * on the HTTP completion thread and read on a watch's lane and in the resolver's SynchronizationContext.
 *
 * <p><i>Internal, not a stable API.</i>
 */
public record HealthEntry(Node node, Service service, List<Check> checks) {
  public HealthEntry {
    Objects.requireNonNull(node, "node");
    Objects.requireNonNull(service, "service");
    checks = List.copyOf(checks);
  }

  /** The address to dial: the service address, or the node address when the service has none (Consul's rule). */
  public String address() {
    return service.address().isEmpty() ? node.address() : service.address();
  }

  /**
   * The worst status of all checks (node checks included): maintenance, then critical, warning, passing. An entry
   * without checks is passing, as in Consul's {@code AggregatedStatus}.
   */
  public CheckStatus aggregatedStatus() {
    CheckStatus worst = CheckStatus.PASSING;
    for (Check check : checks) {
      worst = worst.worse(check.effectiveStatus());
    }
    return worst;
  }

  /** A Consul node. Absent fields are empty strings or empty maps, never null. */
  public record Node(String id, String name, String address, String datacenter, Map<String, String> meta) {
    public Node {
      id = nullToEmpty(id);
      name = nullToEmpty(name);
      address = nullToEmpty(address);
      datacenter = nullToEmpty(datacenter);
      meta = meta == null ? Map.of() : Map.copyOf(meta);
    }
  }

  /**
   * A service instance. {@code address} is empty when the instance uses its node's address.
   */
  public record Service(
      String id,
      String name,
      String address,
      int port,
      List<String> tags,
      Map<String, String> meta,
      Weights weights) {
    public Service {
      id = nullToEmpty(id);
      name = nullToEmpty(name);
      address = nullToEmpty(address);
      tags = tags == null ? List.of() : List.copyOf(tags);
      meta = meta == null ? Map.of() : Map.copyOf(meta);
      weights = weights == null ? Weights.DEFAULT : weights;
    }
  }

  /** DNS SRV weights by state; Consul's default is 1/1. */
  public record Weights(int passing, int warning) {
    public static final Weights DEFAULT = new Weights(1, 1);
  }

  /** A check on the instance or on its node ({@code serviceId} empty for node checks). */
  public record Check(String checkId, String name, CheckStatus status, String serviceId, String output) {
    public Check {
      checkId = nullToEmpty(checkId);
      name = nullToEmpty(name);
      status = status == null ? CheckStatus.CRITICAL : status;
      serviceId = nullToEmpty(serviceId);
      output = nullToEmpty(output);
    }

    /** Whether this is a node or service maintenance check (Consul reports those as critical). */
    public boolean isMaintenance() {
      return checkId.equals(ConsulJson.NODE_MAINTENANCE_CHECK_ID)
          || checkId.startsWith(ConsulJson.SERVICE_MAINTENANCE_CHECK_PREFIX);
    }

    /** The status, with maintenance checks reported as {@link CheckStatus#MAINTENANCE}. */
    public CheckStatus effectiveStatus() {
      return isMaintenance() ? CheckStatus.MAINTENANCE : status;
    }
  }

  static String nullToEmpty(String s) {
    return s == null ? "" : s;
  }
}
