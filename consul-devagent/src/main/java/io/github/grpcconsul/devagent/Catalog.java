package io.github.grpcconsul.devagent;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The catalog: nodes, service instances and checks, their secondary indexes (by service name, by owner) and the
 * per-service index Consul's health and catalog reads report. Every method runs under the store lock.
 */
final class Catalog {
  /** Told when the catalog drops one of the local node's services or checks (the agent's registrations). */
  interface LocalHook {
    void serviceRemoved(String serviceId);

    void checkRemoved(String checkId);
  }

  private final StoreLock lock;
  private final IndexWaiters index;
  private final String localNode;
  private LocalHook local;

  private final TreeMap<String, NodeEntry> nodes = new TreeMap<>();
  private final TreeMap<String, ServiceEntry> services = new TreeMap<>();
  private final TreeMap<String, CheckEntry> checks = new TreeMap<>();
  private final Map<String, Long> serviceIndex = new HashMap<>();
  /** Secondary indexes, so reads and writes stay cheap with 10,000s of instances: name → service keys. */
  private final Map<String, Set<String>> servicesByName = new HashMap<>();
  /** key(node, serviceId) → check IDs; serviceId "" holds the node's own checks. */
  private final Map<String, Set<String>> checksByOwner = new HashMap<>();
  private long catalogIndex;
  private long serviceExtinction;
  private long bootIndex;

  Catalog(StoreLock lock, IndexWaiters index, String localNode) {
    this.lock = lock;
    this.index = index;
    this.localNode = localNode;
  }

  void setLocalHook(LocalHook hook) {
    this.local = hook;
  }

  static String key(String node, String id) {
    return node + '\u0000' + id;
  }

  static String serviceTopic(String name) {
    return "svc:" + name;
  }

  /** After the agent's own node, service and check are in: a missing service's index never goes below this. */
  void markBooted() {
    lock.requireHeld();
    bootIndex = index.current();
  }

  // ---- indexes ------------------------------------------------------------------------------------------------

  /** The index a health or catalog query on one service reports (Consul's maxIndexForService). */
  long serviceIndex(String name) {
    lock.requireHeld();
    Long idx = serviceIndex.get(name);
    return idx != null ? idx : Math.max(Math.max(serviceExtinction, bootIndex), 1);
  }

  long catalogIndex() {
    lock.requireHeld();
    return Math.max(catalogIndex, 1);
  }

  private void touchService(String name, long idx) {
    serviceIndex.put(name, idx);
    index.touch(serviceTopic(name));
    touchCatalog(idx);
  }

  private void touchCatalog(long idx) {
    catalogIndex = idx;
    index.touch(StateStore.TOPIC_CATALOG);
  }

  // ---- writes -------------------------------------------------------------------------------------------------

  /** Inserts or replaces a node, keeping the create index; no index moves when nothing changed. */
  void putNode(NodeEntry n) {
    lock.requireHeld();
    NodeEntry old = nodes.get(n.name());
    if (n.sameContent(old)) {
      return;
    }
    long idx = index.allocate();
    nodes.put(n.name(), new NodeEntry(n.id(), n.name(), n.address(), n.datacenter(), n.taggedAddresses(), n.meta(),
        old != null ? old.createIndex() : idx, idx));
    for (ServiceEntry s : servicesOnNode(n.name())) {
      touchService(s.name(), idx);
    }
    touchCatalog(idx);
  }

  /** Inserts or replaces a service, keeping the create index; no index moves when nothing changed. */
  ServiceEntry putService(ServiceEntry s) {
    lock.requireHeld();
    ServiceEntry old = services.get(key(s.node(), s.id()));
    if (s.sameContent(old)) {
      return old;
    }
    long idx = index.allocate();
    ServiceEntry stored = s.withIndexes(old != null ? old.createIndex() : idx, idx);
    String k = key(s.node(), s.id());
    services.put(k, stored);
    servicesByName.computeIfAbsent(s.name(), n -> new TreeSet<>()).add(k);
    if (old != null && !old.name().equals(s.name())) {
      unindexService(old.name(), k);
      removedInstanceOf(old.name(), idx);
    }
    touchService(s.name(), idx);
    if (s.node().equals(localNode)) {
      index.touch(StateStore.TOPIC_AGENT);
    }
    return stored;
  }

  CheckEntry putCheck(CheckEntry c) {
    lock.requireHeld();
    CheckEntry old = checks.get(key(c.node(), c.checkId()));
    if (c.sameContent(old)) {
      return old;
    }
    long idx = index.allocate();
    CheckEntry stored = c.withIndexes(old != null ? old.createIndex() : idx, idx);
    checks.put(key(c.node(), c.checkId()), stored);
    if (old != null && !old.serviceId().equals(c.serviceId())) {
      unindexCheck(old);
    }
    checksByOwner.computeIfAbsent(key(c.node(), c.serviceId()), o -> new TreeSet<>()).add(c.checkId());
    touchCheckOwners(stored, idx);
    if (old != null && !old.serviceName().equals(c.serviceName())) {
      touchCheckOwners(old, idx);
    }
    return stored;
  }

  private void touchCheckOwners(CheckEntry c, long idx) {
    if (c.serviceId().isEmpty()) {
      for (ServiceEntry s : servicesOnNode(c.node())) {
        touchService(s.name(), idx);
      }
    } else if (!c.serviceName().isEmpty()) {
      touchService(c.serviceName(), idx);
    }
    touchCatalog(idx);
    if (c.node().equals(localNode)) {
      index.touch(StateStore.TOPIC_AGENT);
    }
  }

  boolean removeCheck(String node, String checkId) {
    lock.requireHeld();
    CheckEntry old = checks.remove(key(node, checkId));
    if (old == null) {
      return false;
    }
    unindexCheck(old);
    long idx = index.allocate();
    touchCheckOwners(old, idx);
    if (node.equals(localNode) && local != null) {
      local.checkRemoved(checkId);
    }
    return true;
  }

  /** Removes a service instance and its checks. */
  boolean removeService(String node, String id) {
    lock.requireHeld();
    ServiceEntry old = services.remove(key(node, id));
    if (old == null) {
      return false;
    }
    unindexService(old.name(), key(node, id));
    long idx = index.allocate();
    for (String checkId : new ArrayList<>(checksByOwner.getOrDefault(key(node, id), Set.of()))) {
      removeCheck(node, checkId);
    }
    if (node.equals(localNode)) {
      if (local != null) {
        local.serviceRemoved(id);
      }
      index.touch(StateStore.TOPIC_AGENT);
    }
    removedInstanceOf(old.name(), idx);
    touchCatalog(idx);
    return true;
  }

  /** Removes a node with its services and checks; false if it is not there. */
  boolean removeNode(String node) {
    lock.requireHeld();
    if (!nodes.containsKey(node)) {
      return false;
    }
    for (ServiceEntry s : servicesOnNode(node)) {
      removeService(node, s.id());
    }
    for (CheckEntry c : checksOnNode(node)) {
      removeCheck(node, c.checkId());
    }
    nodes.remove(node);
    touchCatalog(index.allocate());
    return true;
  }

  private void unindexService(String name, String serviceKey) {
    Set<String> keys = servicesByName.get(name);
    if (keys != null && keys.remove(serviceKey) && keys.isEmpty()) {
      servicesByName.remove(name);
    }
  }

  private void unindexCheck(CheckEntry c) {
    String owner = key(c.node(), c.serviceId());
    Set<String> ids = checksByOwner.get(owner);
    if (ids != null && ids.remove(c.checkId()) && ids.isEmpty()) {
      checksByOwner.remove(owner);
    }
  }

  private void removedInstanceOf(String name, long idx) {
    if (servicesByName.containsKey(name)) {
      touchService(name, idx);
    } else {
      serviceIndex.remove(name);
      serviceExtinction = idx;
      index.touch(serviceTopic(name));
    }
  }

  // ---- reads --------------------------------------------------------------------------------------------------

  Collection<NodeEntry> nodes() {
    lock.requireHeld();
    return nodes.values();
  }

  NodeEntry node(String name) {
    lock.requireHeld();
    return nodes.get(name);
  }

  Collection<ServiceEntry> services() {
    lock.requireHeld();
    return services.values();
  }

  ServiceEntry service(String node, String id) {
    lock.requireHeld();
    return services.get(key(node, id));
  }

  CheckEntry check(String node, String checkId) {
    lock.requireHeld();
    return checks.get(key(node, checkId));
  }

  List<ServiceEntry> servicesOnNode(String node) {
    lock.requireHeld();
    return new ArrayList<>(services.subMap(node + '\u0000', node + '\u0001').values());
  }

  List<ServiceEntry> instancesOf(String name) {
    lock.requireHeld();
    Set<String> keys = servicesByName.getOrDefault(name, Set.of());
    List<ServiceEntry> out = new ArrayList<>(keys.size());
    for (String k : keys) {
      out.add(services.get(k));
    }
    return out;
  }

  /** The checks of one service instance, without the node's checks. */
  List<CheckEntry> serviceChecks(String node, String serviceId) {
    lock.requireHeld();
    List<CheckEntry> out = new ArrayList<>();
    for (String id : checksByOwner.getOrDefault(key(node, serviceId), Set.of())) {
      out.add(checks.get(key(node, id)));
    }
    return out;
  }

  Collection<CheckEntry> checks() {
    lock.requireHeld();
    return checks.values();
  }

  List<CheckEntry> checksOnNode(String node) {
    lock.requireHeld();
    return new ArrayList<>(checks.subMap(node + '\u0000', node + '\u0001').values());
  }
}
