package io.github.grpcconsul.devagent;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import java.util.logging.Level;
import java.util.logging.Logger;
import java.util.regex.Pattern;

/**
 * All state of one agent run: the catalog (nodes, services, checks), the agent's own registrations, the KV store,
 * the raft-like index and the parked blocking queries. One lock guards everything, so concurrent writers always see
 * a consistent store; waiters are answered outside the lock.
 */
final class StateStore {
  private static final Logger logger = Logger.getLogger(StateStore.class.getName());
  static final String CONSUL_VERSION = "1.16.2";
  static final String TOPIC_CATALOG = "catalog";
  static final String TOPIC_KV = "kv";
  static final String TOPIC_AGENT = "agent";
  static final String SERF_CHECK_ID = "serfHealth";
  static final String NODE_MAINT_ID = "_node_maintenance";
  static final String SERVICE_MAINT_PREFIX = "_service_maintenance:";
  private static final Pattern IPV4 = Pattern.compile("^(\\d{1,3})\\.(\\d{1,3})\\.(\\d{1,3})\\.(\\d{1,3})$");
  private static final Pattern IPV6 = Pattern.compile("^\\[?[0-9a-fA-F:.]*:[0-9a-fA-F:.]*\\]?$");

  final String datacenter;
  final String nodeName;
  final String nodeId = UUID.randomUUID().toString();
  final String nodeAddress;
  private final Executor dispatcher;
  private final ScheduledExecutorService timer;
  private LocalChecks localChecks = LocalChecks.NONE;

  private long index;
  private long pending;
  private long bootIndex;
  private long catalogIndex;
  private long kvIndex;
  private long serviceExtinction;
  private final Set<String> touched = new HashSet<>();

  private final TreeMap<String, NodeEntry> nodes = new TreeMap<>();
  private final TreeMap<String, ServiceEntry> services = new TreeMap<>();
  private final TreeMap<String, CheckEntry> checks = new TreeMap<>();
  private final Map<String, Long> serviceIndex = new HashMap<>();
  /** Secondary indexes, so reads and writes stay cheap with 10,000s of instances: name → service keys. */
  private final Map<String, Set<String>> servicesByName = new HashMap<>();
  /** key(node, serviceId) → check IDs; serviceId "" holds the node's own checks. */
  private final Map<String, Set<String>> checksByOwner = new HashMap<>();
  private final Set<String> agentServices = new TreeSet<>();
  private final Map<String, CheckDef> agentChecks = new TreeMap<>();
  private final Map<String, Long> criticalSinceNanos = new HashMap<>();
  private final TreeMap<String, KvEntry> kv = new TreeMap<>();
  private final TreeMap<String, Long> kvTombstones = new TreeMap<>();
  private final Map<String, Set<Waiter>> waiters = new HashMap<>();

  StateStore(String datacenter, String nodeName, String nodeAddress, Executor dispatcher,
      ScheduledExecutorService timer) {
    this.datacenter = datacenter;
    this.nodeName = nodeName;
    this.nodeAddress = nodeAddress;
    this.dispatcher = dispatcher;
    this.timer = timer;
    write(this::bootstrap);
  }

  void setLocalChecks(LocalChecks localChecks) {
    this.localChecks = localChecks;
  }

  LocalChecks localChecks() {
    return localChecks;
  }

  private void bootstrap() {
    Map<String, String> tagged = new LinkedHashMap<>();
    tagged.put("lan", nodeAddress);
    tagged.put("lan_ipv4", nodeAddress);
    tagged.put("wan", nodeAddress);
    tagged.put("wan_ipv4", nodeAddress);
    Map<String, String> meta = new LinkedHashMap<>();
    meta.put("consul-network-segment", "");
    meta.put("consul-version", CONSUL_VERSION);
    long idx = allocate();
    nodes.put(nodeName, new NodeEntry(nodeId, nodeName, nodeAddress, datacenter, tagged, meta, idx, idx));
    commitIndex();
    putService(new ServiceEntry(nodeName, "consul", "consul", "", List.of(), "", Map.of(), Map.of(), 8300, 1, 1,
        false, 0, 0));
    commitIndex();
    putCheck(new CheckEntry(nodeName, SERF_CHECK_ID, "Serf Health Status", CheckStatus.PASSING, "",
        Texts.SERF_OUTPUT, "", "", List.of(), "", Duration.ZERO, Duration.ZERO, 0, 0));
    commitIndex();
    bootIndex = index;
  }

  // ---- transactions -----------------------------------------------------------------------------------------

  private long allocate() {
    if (pending == 0) {
      pending = index + 1;
    }
    return pending;
  }

  private void commitIndex() {
    if (pending != 0) {
      index = pending;
      pending = 0;
    }
  }

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
    synchronized (this) {
      try {
        result = mutation.get();
      } finally {
        commitIndex();
        woken = collectReady();
      }
    }
    for (Waiter w : woken) {
      dispatch(w);
    }
    return result;
  }

  synchronized <T> T read(Supplier<T> query) {
    return query.get();
  }

  private List<Waiter> collectReady() {
    List<Waiter> ready = new ArrayList<>();
    for (String topic : touched) {
      Set<Waiter> set = waiters.get(topic);
      if (set == null) {
        continue;
      }
      for (var it = set.iterator(); it.hasNext(); ) {
        Waiter w = it.next();
        if (w.ready.getAsBoolean()) {
          it.remove();
          if (w.timeout != null) {
            w.timeout.cancel(false);
          }
          ready.add(w);
        }
      }
      if (set.isEmpty()) {
        waiters.remove(topic);
      }
    }
    touched.clear();
    return ready;
  }

  private void dispatch(Waiter w) {
    try {
      dispatcher.execute(w.respond);
    } catch (RejectedExecutionException e) {
      logger.log(Level.FINE, "agent stopped; dropping a blocking query");
    }
  }

  /**
   * Parks a blocking query unless it is already ready (checked under the same lock as commits, so no change can
   * slip between the check and the park). Returns false when the caller should answer at once.
   */
  boolean park(Waiter w, long timeoutNanos) {
    synchronized (this) {
      if (w.ready.getAsBoolean()) {
        return false;
      }
      waiters.computeIfAbsent(w.topic, t -> new LinkedHashSet<>()).add(w);
      try {
        w.timeout = timer.schedule(() -> expire(w), timeoutNanos, TimeUnit.NANOSECONDS);
      } catch (RejectedExecutionException e) {
        waiters.get(w.topic).remove(w);
        return false;
      }
      return true;
    }
  }

  /** Drops a parked query whose client went away; no answer is sent. */
  void unpark(Waiter w) {
    synchronized (this) {
      Set<Waiter> set = waiters.get(w.topic);
      if (set == null || !set.remove(w)) {
        return;
      }
      if (set.isEmpty()) {
        waiters.remove(w.topic);
      }
    }
    if (w.timeout != null) {
      w.timeout.cancel(false);
    }
  }

  private void expire(Waiter w) {
    synchronized (this) {
      Set<Waiter> set = waiters.get(w.topic);
      if (set == null || !set.remove(w)) {
        return;
      }
      if (set.isEmpty()) {
        waiters.remove(w.topic);
      }
    }
    dispatch(w);
  }

  final AnswerCache answers = new AnswerCache();

  /** Changes with every committed write; call under the lock. */
  long version() {
    return index;
  }

  synchronized int waiterCount() {
    return waiters.values().stream().mapToInt(Set::size).sum();
  }

  // ---- indexes ------------------------------------------------------------------------------------------------

  /** The index a health or catalog query on one service reports (Consul's maxIndexForService). */
  synchronized long serviceIndex(String name) {
    Long idx = serviceIndex.get(name);
    return idx != null ? idx : Math.max(Math.max(serviceExtinction, bootIndex), 1);
  }

  synchronized long catalogIndex() {
    return Math.max(catalogIndex, 1);
  }

  static String serviceTopic(String name) {
    return "svc:" + name;
  }

  // ---- low-level catalog writes (under the lock) ----------------------------------------------------------

  private static String key(String node, String id) {
    return node + '\u0000' + id;
  }

  private void touchService(String name, long idx) {
    serviceIndex.put(name, idx);
    touched.add(serviceTopic(name));
    touchCatalog(idx);
  }

  private void touchCatalog(long idx) {
    catalogIndex = idx;
    touched.add(TOPIC_CATALOG);
  }

  /** Inserts or replaces a service, keeping the create index; no index moves when nothing changed. */
  private ServiceEntry putService(ServiceEntry s) {
    ServiceEntry old = services.get(key(s.node(), s.id()));
    if (s.sameContent(old)) {
      return old;
    }
    long idx = allocate();
    ServiceEntry stored = s.withIndexes(old != null ? old.createIndex() : idx, idx);
    String k = key(s.node(), s.id());
    services.put(k, stored);
    servicesByName.computeIfAbsent(s.name(), n -> new TreeSet<>()).add(k);
    if (old != null && !old.name().equals(s.name())) {
      unindexService(old.name(), k);
      removedInstanceOf(old.name(), idx);
    }
    touchService(s.name(), idx);
    if (s.node().equals(nodeName)) {
      touched.add(TOPIC_AGENT);
    }
    return stored;
  }

  private CheckEntry putCheck(CheckEntry c) {
    CheckEntry old = checks.get(key(c.node(), c.checkId()));
    if (c.sameContent(old)) {
      return old;
    }
    long idx = allocate();
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
    if (c.node().equals(nodeName)) {
      touched.add(TOPIC_AGENT);
    }
  }

  private boolean removeCheck(String node, String checkId) {
    CheckEntry old = checks.remove(key(node, checkId));
    if (old == null) {
      return false;
    }
    unindexCheck(old);
    long idx = allocate();
    touchCheckOwners(old, idx);
    if (node.equals(nodeName)) {
      agentChecks.remove(checkId);
      criticalSinceNanos.remove(checkId);
      localChecks.stopped(checkId);
    }
    return true;
  }

  private boolean removeService(String node, String id) {
    ServiceEntry old = services.remove(key(node, id));
    if (old == null) {
      return false;
    }
    unindexService(old.name(), key(node, id));
    long idx = allocate();
    for (String checkId : new ArrayList<>(checksByOwner.getOrDefault(key(node, id), Set.of()))) {
      removeCheck(node, checkId);
    }
    if (node.equals(nodeName)) {
      agentServices.remove(id);
      touched.add(TOPIC_AGENT);
    }
    removedInstanceOf(old.name(), idx);
    touchCatalog(idx);
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
      touched.add(serviceTopic(name));
    }
  }

  // ---- reads (call inside read() or write()) ------------------------------------------------------------------

  Collection<NodeEntry> nodes() {
    return nodes.values();
  }

  NodeEntry node(String name) {
    return nodes.get(name);
  }

  Collection<ServiceEntry> services() {
    return services.values();
  }

  List<ServiceEntry> servicesOnNode(String node) {
    return new ArrayList<>(services.subMap(node + '\u0000', node + '\u0001').values());
  }

  List<ServiceEntry> instancesOf(String name) {
    List<ServiceEntry> out = new ArrayList<>();
    for (String k : servicesByName.getOrDefault(name, Set.of())) {
      out.add(services.get(k));
    }
    return out;
  }

  /** The checks of one service instance, without the node's checks. */
  List<CheckEntry> serviceChecks(String node, String serviceId) {
    List<CheckEntry> out = new ArrayList<>();
    for (String id : checksByOwner.getOrDefault(key(node, serviceId), Set.of())) {
      out.add(checks.get(key(node, id)));
    }
    return out;
  }

  Collection<CheckEntry> checks() {
    return checks.values();
  }

  /** Node checks first, then the instance's checks, like Consul's parseCheckServiceNodes. */
  List<CheckEntry> checksFor(ServiceEntry s) {
    List<CheckEntry> out = serviceChecks(s.node(), "");
    out.addAll(serviceChecks(s.node(), s.id()));
    return out;
  }

  List<CheckEntry> checksOnNode(String node) {
    return new ArrayList<>(checks.subMap(node + '\u0000', node + '\u0001').values());
  }

  ServiceEntry agentService(String id) {
    return agentServices.contains(id) ? services.get(key(nodeName, id)) : null;
  }

  List<ServiceEntry> agentServices() {
    List<ServiceEntry> out = new ArrayList<>();
    for (String id : agentServices) {
      out.add(services.get(key(nodeName, id)));
    }
    return out;
  }

  List<CheckEntry> agentChecks() {
    List<CheckEntry> out = new ArrayList<>();
    for (String id : agentChecks.keySet()) {
      CheckEntry c = checks.get(key(nodeName, id));
      if (c != null) {
        out.add(c);
      }
    }
    return out;
  }

  CheckEntry agentCheck(String id) {
    return agentChecks.containsKey(id) ? checks.get(key(nodeName, id)) : null;
  }

  CheckDef agentCheckDef(String id) {
    return agentChecks.get(id);
  }

  // ---- agent writes (call inside write()) -------------------------------------------------------------------

  void registerService(ServiceDef def, boolean replaceExistingChecks) {
    Map<String, TaggedAddress> tagged = new LinkedHashMap<>(def.taggedAddresses());
    int port = def.port();
    if (IPV4.matcher(def.address()).matches()) {
      tagged.putIfAbsent("lan_ipv4", new TaggedAddress(def.address(), port));
      tagged.putIfAbsent("wan_ipv4", new TaggedAddress(def.address(), port));
    } else if (!def.address().isEmpty() && IPV6.matcher(def.address()).matches()) {
      tagged.putIfAbsent("lan_ipv6", new TaggedAddress(def.address(), port));
      tagged.putIfAbsent("wan_ipv6", new TaggedAddress(def.address(), port));
    }
    ServiceEntry s = putService(new ServiceEntry(nodeName, def.id(), def.name(), def.kind(),
        List.copyOf(def.tags()), def.address(), tagged, def.meta(), port, def.weightPassing(),
        def.weightWarning(), def.enableTagOverride(), 0, 0));
    agentServices.add(def.id());
    Set<String> keep = new HashSet<>();
    List<CheckDef> defs = def.checks();
    for (int i = 0; i < defs.size(); i++) {
      CheckDef c = defs.get(i);
      String id = !c.checkId().isEmpty() ? c.checkId()
          : defs.size() == 1 ? "service:" + def.id() : "service:" + def.id() + ":" + (i + 1);
      String name = !c.name().isEmpty() ? c.name() : "Service '" + def.name() + "' check";
      keep.add(id);
      addAgentCheck(c.withIdentity(id, name), s, false);
    }
    // Checks that follow the service's tags (ServiceTags) must see the new tags.
    for (CheckEntry c : serviceChecks(nodeName, def.id())) {
      if (!keep.contains(c.checkId())) {
        if (replaceExistingChecks && !c.checkId().startsWith(SERVICE_MAINT_PREFIX)) {
          removeCheck(nodeName, c.checkId());
        } else {
          putCheck(new CheckEntry(c.node(), c.checkId(), c.name(), c.status(), c.notes(), c.output(),
              c.serviceId(), s.name(), s.tags(), c.type(), c.interval(), c.timeout(), 0, 0));
        }
      }
    }
  }

  /**
   * Adds or replaces an agent check. A service registration resets its status (Consul builds new check states);
   * check/register keeps the previous status and output.
   */
  void addAgentCheck(CheckDef def, ServiceEntry service, boolean keepState) {
    CheckEntry old = checks.get(key(nodeName, def.checkId()));
    String status = def.status().isEmpty() ? CheckStatus.CRITICAL : def.status();
    String output = "";
    if (keepState && old != null) {
      status = old.status();
      output = old.output();
    }
    Duration interval = def.interval();
    if (interval.compareTo(Duration.ZERO) > 0 && interval.compareTo(Duration.ofSeconds(1)) < 0) {
      interval = Duration.ofSeconds(1);
    }
    CheckEntry entry = putCheck(new CheckEntry(nodeName, def.checkId(), def.name(), status, def.notes(), output,
        service == null ? "" : service.id(), service == null ? "" : service.name(),
        service == null ? List.of() : service.tags(), def.type(), interval, def.timeout(), 0, 0));
    if (agentChecks.containsKey(def.checkId())) {
      localChecks.stopped(def.checkId());
    }
    agentChecks.put(def.checkId(), def);
    trackCritical(def.checkId(), status);
    localChecks.started(def, entry);
  }

  private void trackCritical(String checkId, String status) {
    if (CheckStatus.CRITICAL.equals(status)) {
      criticalSinceNanos.putIfAbsent(checkId, System.nanoTime());
    } else {
      criticalSinceNanos.remove(checkId);
    }
  }

  boolean deregisterAgentService(String id) {
    if (!agentServices.contains(id)) {
      return false;
    }
    return removeService(nodeName, id);
  }

  boolean deregisterAgentCheck(String id) {
    if (!agentChecks.containsKey(id)) {
      return false;
    }
    return removeCheck(nodeName, id);
  }

  /** Sets the status of an agent check; false if it does not exist. */
  boolean setAgentCheckStatus(String checkId, String status, String output) {
    CheckEntry c = agentCheck(checkId);
    if (c == null) {
      return false;
    }
    putCheck(c.withStatus(status, output, 0));
    trackCritical(checkId, status);
    return true;
  }

  void serviceMaintenance(ServiceEntry s, boolean enable, String reason) {
    String id = SERVICE_MAINT_PREFIX + s.id();
    if (enable) {
      if (checks.containsKey(key(nodeName, id))) {
        return;
      }
      String notes = reason.isEmpty() ? Texts.MAINT_SERVICE_DEFAULT : reason;
      putCheck(new CheckEntry(nodeName, id, "Service Maintenance Mode", CheckStatus.CRITICAL, notes, "", s.id(),
          s.name(), s.tags(), "maintenance", Duration.ZERO, Duration.ZERO, 0, 0));
      agentChecks.put(id, null);
    } else {
      removeCheck(nodeName, id);
    }
  }

  void nodeMaintenance(boolean enable, String reason) {
    if (enable) {
      if (checks.containsKey(key(nodeName, NODE_MAINT_ID))) {
        return;
      }
      String notes = reason.isEmpty() ? Texts.MAINT_NODE_DEFAULT : reason;
      putCheck(new CheckEntry(nodeName, NODE_MAINT_ID, "Node Maintenance Mode", CheckStatus.CRITICAL, notes, "",
          "", "", List.of(), "maintenance", Duration.ZERO, Duration.ZERO, 0, 0));
      agentChecks.put(NODE_MAINT_ID, null);
    } else {
      removeCheck(nodeName, NODE_MAINT_ID);
    }
  }

  /** Removes services whose check has been critical longer than DeregisterCriticalServiceAfter (with a floor). */
  void reap(Duration floor) {
    long now = System.nanoTime();
    for (Map.Entry<String, Long> e : new ArrayList<>(criticalSinceNanos.entrySet())) {
      CheckDef def = agentChecks.get(e.getKey());
      CheckEntry c = agentCheck(e.getKey());
      if (def == null || c == null || c.serviceId().isEmpty()
          || def.deregisterCriticalServiceAfter().compareTo(Duration.ZERO) <= 0) {
        continue;
      }
      Duration after = def.deregisterCriticalServiceAfter();
      if (after.compareTo(floor) < 0) {
        after = floor;
      }
      if (now - e.getValue() > after.toNanos() && agentServices.contains(c.serviceId())) {
        logger.info("Check " + c.checkId() + " has been critical for too long; deregistered service "
            + c.serviceId());
        removeService(nodeName, c.serviceId());
      }
    }
  }

  // ---- catalog writes (call inside write()) ---------------------------------------------------------------

  void catalogRegisterNode(NodeEntry n) {
    NodeEntry old = nodes.get(n.name());
    if (n.sameContent(old)) {
      return;
    }
    long idx = allocate();
    nodes.put(n.name(), new NodeEntry(n.id(), n.name(), n.address(), n.datacenter(), n.taggedAddresses(), n.meta(),
        old != null ? old.createIndex() : idx, idx));
    for (ServiceEntry s : servicesOnNode(n.name())) {
      touchService(s.name(), idx);
    }
    touchCatalog(idx);
  }

  void catalogPutService(ServiceEntry s) {
    putService(s);
  }

  void catalogPutCheck(CheckEntry c) {
    putCheck(c);
  }

  boolean catalogDeregisterNode(String node) {
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
    touchCatalog(allocate());
    return true;
  }

  boolean catalogDeregisterService(String node, String id) {
    return removeService(node, id);
  }

  boolean catalogDeregisterCheck(String node, String id) {
    return removeCheck(node, id);
  }

  ServiceEntry service(String node, String id) {
    return services.get(key(node, id));
  }

  // ---- KV (call inside read() or write()) -------------------------------------------------------------------

  KvEntry kvGet(String key) {
    return kv.get(key);
  }

  List<KvEntry> kvList(String prefix) {
    return new ArrayList<>(prefix.isEmpty() ? kv.values() : kv.subMap(prefix, prefix + Character.MAX_VALUE).values());
  }

  /** Consul's index for a KV read: the key's modify index, else the max over the prefix and its tombstones. */
  long kvIndex(String key, boolean prefix) {
    long idx = 0;
    if (!prefix) {
      KvEntry e = kv.get(key);
      if (e != null) {
        return e.modifyIndex();
      }
      return Math.max(kvIndex, 1);
    }
    for (KvEntry e : kvList(key)) {
      idx = Math.max(idx, e.modifyIndex());
    }
    for (long t : (key.isEmpty() ? kvTombstones : kvTombstones.subMap(key, key + Character.MAX_VALUE)).values()) {
      idx = Math.max(idx, t);
    }
    return idx == 0 ? Math.max(kvIndex, 1) : idx;
  }

  /** Writes a key; with cas, only if the modify index matches (0 = only if absent). */
  boolean kvPut(String key, byte[] value, Long flags, Long cas) {
    KvEntry old = kv.get(key);
    if (cas != null && (old == null ? cas != 0 : old.modifyIndex() != cas)) {
      return false;
    }
    long idx = allocate();
    long f = flags != null ? flags : old != null ? old.flags() : 0;
    kv.put(key, new KvEntry(key, value, f, old != null ? old.createIndex() : idx, idx, old != null ? old.lockIndex()
        : 0));
    kvTombstones.remove(key);
    kvIndex = idx;
    touched.add(TOPIC_KV);
    return true;
  }

  boolean kvDelete(String key, boolean recurse, Long cas) {
    if (recurse) {
      List<KvEntry> victims = kvList(key);
      if (!victims.isEmpty()) {
        long idx = allocate();
        for (KvEntry e : victims) {
          kv.remove(e.key());
          kvTombstones.put(e.key(), idx);
        }
        kvIndex = idx;
        touched.add(TOPIC_KV);
      }
      return true;
    }
    KvEntry old = kv.get(key);
    if (cas != null && (old == null || old.modifyIndex() != cas)) {
      return cas == 0 && old == null;
    }
    if (old != null) {
      long idx = allocate();
      kv.remove(key);
      kvTombstones.put(key, idx);
      kvIndex = idx;
      touched.add(TOPIC_KV);
    }
    return true;
  }
}
