package io.github.grpcconsul.devagent;

import java.time.Duration;
import java.util.List;

/** A health check in the catalog (Consul's structs.HealthCheck); serviceId "" for node checks. */
record CheckEntry(String node, String checkId, String name, String status, String notes, String output,
    String serviceId, String serviceName, List<String> serviceTags, String type, Duration interval,
    Duration timeout, long createIndex, long modifyIndex) {

  boolean sameContent(CheckEntry o) {
    return o != null && node.equals(o.node) && checkId.equals(o.checkId) && name.equals(o.name)
        && status.equals(o.status) && notes.equals(o.notes) && output.equals(o.output)
        && serviceId.equals(o.serviceId) && serviceName.equals(o.serviceName) && serviceTags.equals(o.serviceTags)
        && type.equals(o.type) && interval.equals(o.interval) && timeout.equals(o.timeout);
  }

  CheckEntry withStatus(String newStatus, String newOutput, long index) {
    return new CheckEntry(node, checkId, name, newStatus, notes, newOutput, serviceId, serviceName, serviceTags,
        type, interval, timeout, createIndex, index);
  }

  CheckEntry withIndexes(long create, long modify) {
    return new CheckEntry(node, checkId, name, status, notes, output, serviceId, serviceName, serviceTags, type,
        interval, timeout, create, modify);
  }
}
