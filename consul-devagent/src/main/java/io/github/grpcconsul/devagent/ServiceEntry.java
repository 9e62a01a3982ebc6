package io.github.grpcconsul.devagent;

import java.util.List;
import java.util.Map;
import java.util.Objects;

/** A service instance on a node (Consul's NodeService / ServiceNode); {@code meta} null means "never set". */
record ServiceEntry(String node, String id, String name, String kind, List<String> tags, String address,
    Map<String, TaggedAddress> taggedAddresses, Map<String, String> meta, int port, int weightPassing,
    int weightWarning, boolean enableTagOverride, long createIndex, long modifyIndex) {

  boolean sameContent(ServiceEntry o) {
    return o != null && node.equals(o.node) && id.equals(o.id) && name.equals(o.name) && kind.equals(o.kind)
        && tags.equals(o.tags) && address.equals(o.address) && taggedAddresses.equals(o.taggedAddresses)
        && Objects.equals(meta, o.meta) && port == o.port && weightPassing == o.weightPassing
        && weightWarning == o.weightWarning && enableTagOverride == o.enableTagOverride;
  }

  ServiceEntry withIndexes(long create, long modify) {
    return new ServiceEntry(node, id, name, kind, tags, address, taggedAddresses, meta, port, weightPassing,
        weightWarning, enableTagOverride, create, modify);
  }
}
