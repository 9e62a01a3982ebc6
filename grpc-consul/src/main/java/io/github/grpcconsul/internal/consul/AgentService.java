package io.github.grpcconsul.internal.consul;

import java.util.List;
import java.util.Map;

/**
 * A service as the local agent knows it ({@code GET /v1/agent/service/:id}).
 *
 * <p>Threading: an immutable record, parsed on the HTTP completion thread ({@code grpc-consul-http-N}) and read from
 * any thread (the registration's executor).
 *
 * <p><i>Internal, not a stable API.</i>
 */
public record AgentService(
    String id,
    String service,
    String address,
    int port,
    List<String> tags,
    Map<String, String> meta,
    HealthEntry.Weights weights,
    boolean enableTagOverride,
    String datacenter,
    String contentHash) {
  public AgentService {
    id = HealthEntry.nullToEmpty(id);
    service = HealthEntry.nullToEmpty(service);
    address = HealthEntry.nullToEmpty(address);
    tags = tags == null ? List.of() : List.copyOf(tags);
    meta = meta == null ? Map.of() : Map.copyOf(meta);
    weights = weights == null ? HealthEntry.Weights.DEFAULT : weights;
    datacenter = HealthEntry.nullToEmpty(datacenter);
    contentHash = HealthEntry.nullToEmpty(contentHash);
  }
}
