package io.github.grpcconsul.devagent;

import java.time.Duration;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Executor;
import java.util.concurrent.ScheduledExecutorService;
import java.util.function.Supplier;

/**
 * All state of one agent run, in four parts behind one lock ({@link StoreLock}): the index and its parked queries
 * ({@link IndexWaiters}), the {@link Catalog}, the agent's own registrations ({@link LocalAgent}) and {@link KvStore}.
 * Endpoints call {@link #read} or {@link #write} with a function of the store's methods; the parts check that the
 * lock is held, so a call outside fails at once. Waiters made ready by a write are answered after the lock is
 * released.
 */
final class StateStore {
  static final String CONSUL_VERSION = "1.16.2";
  static final String TOPIC_CATALOG = "catalog";
  static final String TOPIC_KV = "kv";
  static final String TOPIC_AGENT = "agent";
  static final String SERF_CHECK_ID = "serfHealth";
  static final String NODE_MAINT_ID = LocalAgent.NODE_MAINT_ID;
  static final String SERVICE_MAINT_PREFIX = LocalAgent.SERVICE_MAINT_PREFIX;

  final String datacenter;
  final String nodeName;
  final String nodeId = UUID.randomUUID().toString();
  final String nodeAddress;
  final AnswerCache answers = new AnswerCache();
  private final StoreLock lock = new StoreLock();
  private final IndexWaiters index;
  private final Catalog catalog;
  private final LocalAgent local;
  private final KvStore kv;

  StateStore(String datacenter, String nodeName, String nodeAddress, Map<String, String> nodeMeta,
      Executor dispatcher, ScheduledExecutorService timer) {
    this.datacenter = datacenter;
    this.nodeName = nodeName;
    this.nodeAddress = nodeAddress;
    this.index = new IndexWaiters(lock, dispatcher, timer);
    this.catalog = new Catalog(lock, index, nodeName);
    this.local = new LocalAgent(lock, catalog, nodeName);
    this.kv = new KvStore(lock, index);
    catalog.setLocalHook(local);
    write(() -> bootstrap(nodeMeta));
  }

  /** The agent's node, the consul service and serfHealth, each at its own index like a fresh Consul. */
  private void bootstrap(Map<String, String> nodeMeta) {
    Map<String, String> tagged = new LinkedHashMap<>();
    tagged.put("lan", nodeAddress);
    tagged.put("lan_ipv4", nodeAddress);
    tagged.put("wan", nodeAddress);
    tagged.put("wan_ipv4", nodeAddress);
    Map<String, String> meta = new LinkedHashMap<>();
    meta.put("consul-network-segment", "");
    meta.put("consul-version", CONSUL_VERSION);
    meta.putAll(nodeMeta);
    catalog.putNode(new NodeEntry(nodeId, nodeName, nodeAddress, datacenter, tagged, meta, 0, 0));
    index.commit();
    catalog.putService(new ServiceEntry(nodeName, "consul", "consul", "", List.of(), "", Map.of(), Map.of(), 8300,
        1, 1, false, 0, 0));
    index.commit();
    catalog.putCheck(new CheckEntry(nodeName, SERF_CHECK_ID, "Serf Health Status", CheckStatus.PASSING, "",
        Texts.SERF_OUTPUT, "", "", List.of(), "", Duration.ZERO, Duration.ZERO, 0, 0));
    index.commit();
    catalog.markBooted();
  }

  void setLocalChecks(LocalChecks localChecks) {
    local.setLocalChecks(localChecks);
  }

  LocalChecks localChecks() {
    return local.localChecks();
  }

  // ---- transactions -----------------------------------------------------------------------------------------

  /** Runs a mutation under the lock, then answers the blocking queries it made ready. */
  void write(Runnable mutation) {
    write(() -> {
      mutation.run();
      return null;
    });
  }

  <T> T write(Supplier<T> mutation) {
    List<Waiter> woken;
    T result;
    lock.lock();
    try {
      try {
        result = mutation.get();
      } finally {
        index.commit();
        woken = index.collectReady();
      }
    } finally {
      lock.unlock();
    }
    index.dispatchAll(woken);
    return result;
  }

  <T> T read(Supplier<T> query) {
    lock.lock();
    try {
      return query.get();
    } finally {
      lock.unlock();
    }
  }

  /** See {@link IndexWaiters#park}. */
  boolean park(Waiter w, long timeoutNanos) {
    return index.park(w, timeoutNanos);
  }

  /** Drops a parked query whose client went away; no answer is sent. */
  void unpark(Waiter w) {
    index.unpark(w);
  }

  /** Changes with every committed write; call under the lock. */
  long version() {
    return index.current();
  }

  int waiterCount() {
    return index.count();
  }

  // ---- indexes (take the lock themselves: also called from outside read/write) -----------------------------

  /** The index a health or catalog query on one service reports (Consul's maxIndexForService). */
  long serviceIndex(String name) {
    return read(() -> catalog.serviceIndex(name));
  }

  long catalogIndex() {
    return read(catalog::catalogIndex);
  }

  static String serviceTopic(String name) {
    return Catalog.serviceTopic(name);
  }

  // ---- catalog reads (under the lock) -------------------------------------------------------------------------

  Collection<NodeEntry> nodes() {
    return catalog.nodes();
  }

  NodeEntry node(String name) {
    return catalog.node(name);
  }

  Collection<ServiceEntry> services() {
    return catalog.services();
  }

  ServiceEntry service(String node, String id) {
    return catalog.service(node, id);
  }

  List<ServiceEntry> servicesOnNode(String node) {
    return catalog.servicesOnNode(node);
  }

  List<ServiceEntry> instancesOf(String name) {
    return catalog.instancesOf(name);
  }

  /** The checks of one service instance, without the node's checks. */
  List<CheckEntry> serviceChecks(String node, String serviceId) {
    return catalog.serviceChecks(node, serviceId);
  }

  Collection<CheckEntry> checks() {
    return catalog.checks();
  }

  /** Node checks first, then the instance's checks, like Consul's parseCheckServiceNodes. */
  List<CheckEntry> checksFor(ServiceEntry s) {
    List<CheckEntry> out = catalog.serviceChecks(s.node(), "");
    out.addAll(catalog.serviceChecks(s.node(), s.id()));
    return out;
  }

  List<CheckEntry> checksOnNode(String node) {
    return catalog.checksOnNode(node);
  }

  // ---- catalog writes (inside write()) ------------------------------------------------------------------------

  void catalogRegisterNode(NodeEntry n) {
    catalog.putNode(n);
  }

  void catalogPutService(ServiceEntry s) {
    catalog.putService(s);
  }

  void catalogPutCheck(CheckEntry c) {
    catalog.putCheck(c);
  }

  boolean catalogDeregisterNode(String node) {
    return catalog.removeNode(node);
  }

  boolean catalogDeregisterService(String node, String id) {
    return catalog.removeService(node, id);
  }

  boolean catalogDeregisterCheck(String node, String id) {
    return catalog.removeCheck(node, id);
  }

  // ---- the agent's own registrations (under the lock) ---------------------------------------------------------

  ServiceEntry agentService(String id) {
    return local.service(id);
  }

  List<ServiceEntry> agentServices() {
    return local.services();
  }

  List<CheckEntry> agentChecks() {
    return local.checks();
  }

  CheckEntry agentCheck(String id) {
    return local.check(id);
  }

  CheckDef agentCheckDef(String id) {
    return local.checkDef(id);
  }

  void registerService(ServiceDef def, boolean replaceExistingChecks) {
    local.registerService(def, replaceExistingChecks);
  }

  void addAgentCheck(CheckDef def, ServiceEntry service, boolean keepState) {
    local.addCheck(def, service, keepState);
  }

  boolean deregisterAgentService(String id) {
    return local.deregisterService(id);
  }

  boolean deregisterAgentCheck(String id) {
    return local.deregisterCheck(id);
  }

  boolean setAgentCheckStatus(String checkId, String status, String output) {
    return local.setCheckStatus(checkId, status, output);
  }

  void serviceMaintenance(ServiceEntry s, boolean enable, String reason) {
    local.serviceMaintenance(s, enable, reason);
  }

  void nodeMaintenance(boolean enable, String reason) {
    local.nodeMaintenance(enable, reason);
  }

  void reap(Duration floor) {
    local.reap(floor);
  }

  // ---- KV (under the lock) ------------------------------------------------------------------------------------

  KvEntry kvGet(String key) {
    return kv.get(key);
  }

  List<KvEntry> kvList(String prefix) {
    return kv.list(prefix);
  }

  long kvIndex(String key, boolean prefix) {
    return kv.index(key, prefix);
  }

  boolean kvPut(String key, byte[] value, Long flags, Long cas) {
    return kv.put(key, value, flags, cas);
  }

  boolean kvDelete(String key, boolean recurse, Long cas) {
    return kv.delete(key, recurse, cas);
  }
}
