package io.github.grpcconsul.internal.consul;

/**
 * What we read from {@code GET /v1/agent/self}: the agent's datacenter, node name and version.
 *
 * <p>Threading: an immutable record, parsed on the HTTP completion thread ({@code grpc-consul-http-N}) and read from
 * any thread.
 *
 * <p><i>Internal, not a stable API.</i>
 */
public record AgentSelf(String datacenter, String nodeName, String version) {
  public AgentSelf {
    datacenter = HealthEntry.nullToEmpty(datacenter);
    nodeName = HealthEntry.nullToEmpty(nodeName);
    version = HealthEntry.nullToEmpty(version);
  }
}
