package io.github.grpcconsul.devagent;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.logging.Logger;
import java.util.regex.Pattern;

/**
 * The agent's own registrations on its node (what /v1/agent/ serves): services, checks with their definitions,
 * maintenance mode and the reaping of services critical for too long. Writes go through the {@link Catalog};
 * every method runs under the store lock.
 */
final class LocalAgent implements Catalog.LocalHook {
  private static final Logger logger = Logger.getLogger(LocalAgent.class.getName());
  static final String NODE_MAINT_ID = "_node_maintenance";
  static final String SERVICE_MAINT_PREFIX = "_service_maintenance:";
  private static final Pattern IPV4 = Pattern.compile("^(\\d{1,3})\\.(\\d{1,3})\\.(\\d{1,3})\\.(\\d{1,3})$");
  private static final Pattern IPV6 = Pattern.compile("^\\[?[0-9a-fA-F:.]*:[0-9a-fA-F:.]*\\]?$");

  private final StoreLock lock;
  private final Catalog catalog;
  private final String nodeName;
  private LocalChecks localChecks = LocalChecks.NONE;
  private final Set<String> services = new TreeSet<>();
  /** Check ID → its definition; null for maintenance checks. */
  private final Map<String, CheckDef> checks = new TreeMap<>();
  private final Map<String, Long> criticalSinceNanos = new HashMap<>();

  LocalAgent(StoreLock lock, Catalog catalog, String nodeName) {
    this.lock = lock;
    this.catalog = catalog;
    this.nodeName = nodeName;
  }

  void setLocalChecks(LocalChecks localChecks) {
    this.localChecks = localChecks;
  }

  LocalChecks localChecks() {
    return localChecks;
  }

  @Override
  public void serviceRemoved(String serviceId) {
    services.remove(serviceId);
  }

  @Override
  public void checkRemoved(String checkId) {
    checks.remove(checkId);
    criticalSinceNanos.remove(checkId);
    localChecks.stopped(checkId);
  }

  // ---- reads --------------------------------------------------------------------------------------------------

  ServiceEntry service(String id) {
    lock.requireHeld();
    return services.contains(id) ? catalog.service(nodeName, id) : null;
  }

  List<ServiceEntry> services() {
    lock.requireHeld();
    List<ServiceEntry> out = new ArrayList<>(services.size());
    for (String id : services) {
      out.add(catalog.service(nodeName, id));
    }
    return out;
  }

  List<CheckEntry> checks() {
    lock.requireHeld();
    List<CheckEntry> out = new ArrayList<>();
    for (String id : checks.keySet()) {
      CheckEntry c = catalog.check(nodeName, id);
      if (c != null) {
        out.add(c);
      }
    }
    return out;
  }

  CheckEntry check(String id) {
    lock.requireHeld();
    return checks.containsKey(id) ? catalog.check(nodeName, id) : null;
  }

  CheckDef checkDef(String id) {
    lock.requireHeld();
    return checks.get(id);
  }

  // ---- writes -------------------------------------------------------------------------------------------------

  void registerService(ServiceDef def, boolean replaceExistingChecks) {
    lock.requireHeld();
    Map<String, TaggedAddress> tagged = JsonFields.sizedMap(def.taggedAddresses().size() + 2);
    tagged.putAll(def.taggedAddresses());
    int port = def.port();
    // lan and wan share one (immutable) value
    if (IPV4.matcher(def.address()).matches()) {
      TaggedAddress a = new TaggedAddress(def.address(), port);
      tagged.putIfAbsent("lan_ipv4", a);
      tagged.putIfAbsent("wan_ipv4", a);
    } else if (!def.address().isEmpty() && IPV6.matcher(def.address()).matches()) {
      TaggedAddress a = new TaggedAddress(def.address(), port);
      tagged.putIfAbsent("lan_ipv6", a);
      tagged.putIfAbsent("wan_ipv6", a);
    }
    ServiceEntry s = catalog.putService(new ServiceEntry(nodeName, def.id(), def.name(), def.kind(),
        List.copyOf(def.tags()), def.address(), tagged, def.meta(), port, def.weightPassing(),
        def.weightWarning(), def.enableTagOverride(), 0, 0));
    services.add(def.id());
    Set<String> keep = new HashSet<>();
    List<CheckDef> defs = def.checks();
    for (int i = 0; i < defs.size(); i++) {
      CheckDef c = defs.get(i);
      String id = !c.checkId().isEmpty() ? c.checkId()
          : defs.size() == 1 ? "service:" + def.id() : "service:" + def.id() + ":" + (i + 1);
      String name = !c.name().isEmpty() ? c.name() : JsonFields.intern("Service '" + def.name() + "' check");
      keep.add(id);
      addCheck(c.withIdentity(id, name), s, false);
    }
    // Checks that follow the service's tags (ServiceTags) must see the new tags.
    for (CheckEntry c : catalog.serviceChecks(nodeName, def.id())) {
      if (!keep.contains(c.checkId())) {
        if (replaceExistingChecks && !c.checkId().startsWith(SERVICE_MAINT_PREFIX)) {
          catalog.removeCheck(nodeName, c.checkId());
        } else {
          catalog.putCheck(new CheckEntry(c.node(), c.checkId(), c.name(), c.status(), c.notes(), c.output(),
              c.serviceId(), s.name(), s.tags(), c.type(), c.interval(), c.timeout(), 0, 0));
        }
      }
    }
  }

  /**
   * Adds or replaces an agent check. A service registration resets its status (Consul builds new check states);
   * check/register keeps the previous status and output.
   */
  void addCheck(CheckDef def, ServiceEntry service, boolean keepState) {
    lock.requireHeld();
    CheckEntry old = catalog.check(nodeName, def.checkId());
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
    CheckEntry entry = catalog.putCheck(new CheckEntry(nodeName, def.checkId(), def.name(), status, def.notes(),
        output, service == null ? "" : service.id(), service == null ? "" : service.name(),
        service == null ? List.of() : service.tags(), def.type(), interval, def.timeout(), 0, 0));
    if (checks.containsKey(def.checkId())) {
      localChecks.stopped(def.checkId());
    }
    checks.put(def.checkId(), def);
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

  boolean deregisterService(String id) {
    lock.requireHeld();
    return services.contains(id) && catalog.removeService(nodeName, id);
  }

  boolean deregisterCheck(String id) {
    lock.requireHeld();
    return checks.containsKey(id) && catalog.removeCheck(nodeName, id);
  }

  /** Sets the status of an agent check; false if it does not exist. */
  boolean setCheckStatus(String checkId, String status, String output) {
    lock.requireHeld();
    CheckEntry c = check(checkId);
    if (c == null) {
      return false;
    }
    catalog.putCheck(c.withStatus(status, output, 0));
    trackCritical(checkId, status);
    return true;
  }

  void serviceMaintenance(ServiceEntry s, boolean enable, String reason) {
    lock.requireHeld();
    String id = SERVICE_MAINT_PREFIX + s.id();
    if (enable) {
      if (catalog.check(nodeName, id) != null) {
        return;
      }
      String notes = reason.isEmpty() ? Texts.MAINT_SERVICE_DEFAULT : reason;
      catalog.putCheck(new CheckEntry(nodeName, id, "Service Maintenance Mode", CheckStatus.CRITICAL, notes, "",
          s.id(), s.name(), s.tags(), "maintenance", Duration.ZERO, Duration.ZERO, 0, 0));
      checks.put(id, null);
    } else {
      catalog.removeCheck(nodeName, id);
    }
  }

  void nodeMaintenance(boolean enable, String reason) {
    lock.requireHeld();
    if (enable) {
      if (catalog.check(nodeName, NODE_MAINT_ID) != null) {
        return;
      }
      String notes = reason.isEmpty() ? Texts.MAINT_NODE_DEFAULT : reason;
      catalog.putCheck(new CheckEntry(nodeName, NODE_MAINT_ID, "Node Maintenance Mode", CheckStatus.CRITICAL,
          notes, "", "", "", List.of(), "maintenance", Duration.ZERO, Duration.ZERO, 0, 0));
      checks.put(NODE_MAINT_ID, null);
    } else {
      catalog.removeCheck(nodeName, NODE_MAINT_ID);
    }
  }

  /** Removes services whose check has been critical longer than DeregisterCriticalServiceAfter (with a floor). */
  void reap(Duration floor) {
    lock.requireHeld();
    long now = System.nanoTime();
    for (Map.Entry<String, Long> e : new ArrayList<>(criticalSinceNanos.entrySet())) {
      CheckDef def = checks.get(e.getKey());
      CheckEntry c = check(e.getKey());
      if (def == null || c == null || c.serviceId().isEmpty()
          || def.deregisterCriticalServiceAfter().compareTo(Duration.ZERO) <= 0) {
        continue;
      }
      Duration after = def.deregisterCriticalServiceAfter();
      if (after.compareTo(floor) < 0) {
        after = floor;
      }
      if (now - e.getValue() > after.toNanos() && services.contains(c.serviceId())) {
        logger.info("Check " + c.checkId() + " has been critical for too long; deregistered service "
            + c.serviceId());
        catalog.removeService(nodeName, c.serviceId());
      }
    }
  }
}
