package io.github.grpcconsul.devagent;

import java.util.Map;

/** A node of the catalog (Consul's structs.Node). */
record NodeEntry(String id, String name, String address, String datacenter, Map<String, String> taggedAddresses,
    Map<String, String> meta, long createIndex, long modifyIndex) {

  boolean sameContent(NodeEntry o) {
    return o != null && id.equals(o.id) && name.equals(o.name) && address.equals(o.address)
        && taggedAddresses.equals(o.taggedAddresses) && meta.equals(o.meta);
  }
}
