package io.github.grpcconsul.internal.resolver;

import io.github.grpcconsul.registration.CheckStatus;
import io.github.grpcconsul.internal.consul.HealthEntry;
import io.github.grpcconsul.resolver.ConsulAttributes;
import io.grpc.Attributes;
import io.grpc.EquivalentAddressGroup;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Turns Consul health entries into address groups, in two steps so that the change check sits between them:
 * {@link #describe} (cheap, no I/O: what each instance is, with its address still as Consul wrote it) and
 * {@link #resolve} (DNS for host names).
 *
 * <p>Threading: stateless. {@link #describe} runs wherever the answer arrives (an HTTP thread); {@link #resolve}
 * may block on DNS and runs only on the {@link BlockingExecutor}, never on an HTTP thread or in a
 * SynchronizationContext.
 */
final class InstanceMapper {

  private static final Logger logger = Logger.getLogger(InstanceMapper.class.getName());

  /** Consul returns entries in state-store order and reorders them when filtering; sorting avoids spurious updates. */
  private static final Comparator<Described> ORDER = Comparator
      .comparing((Described d) -> d.attributes.get(ConsulAttributes.NODE))
      .thenComparing(d -> d.attributes.get(ConsulAttributes.SERVICE_ID));

  private InstanceMapper() {}

  /** One instance before DNS: a value, so that two answers compare equal when nothing a balancer sees changed. */
  static final class Described {
    final String host;
    final int port;
    final Attributes attributes;
    final CheckStatus health;

    Described(String host, int port, Attributes attributes, CheckStatus health) {
      this.host = host;
      this.port = port;
      this.attributes = attributes;
      this.health = health;
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof Described d && d.host.equals(host) && d.port == port && d.attributes.equals(attributes)
          && d.health == health;
    }

    @Override
    public int hashCode() {
      return Objects.hash(host, port, attributes, health);
    }
  }

  /** Both steps at once, with the JVM's DNS; for tests and tools. */
  static List<Instance> map(List<HealthEntry> entries) {
    return resolve(describe(entries, false), HostResolver.SYSTEM);
  }

  /**
   * @param keepOrder keep Consul's order: with {@code near} it is the round-trip-time order, which pick_first uses
   */
  static List<Described> describe(List<HealthEntry> entries, boolean keepOrder) {
    List<Described> described = new ArrayList<>(entries.size());
    for (HealthEntry entry : entries) {
      String host = entry.address();
      int port = entry.service().port();
      if (host.isEmpty() || port <= 0 || port > 65535) {
        logger.log(Level.FINE, "consul: skipping instance {0} of {1}: no usable address ({2}:{3})",
            new Object[] {entry.service().id(), entry.service().name(), host, port});
        continue;
      }
      if (host.startsWith("[") && host.endsWith("]")) {
        host = host.substring(1, host.length() - 1);
      }
      described.add(new Described(host, port, attributes(entry), entry.aggregatedStatus()));
    }
    if (!keepOrder) {
      described.sort(ORDER);
    }
    return described;
  }

  /** May block: a host name is looked up with {@code hosts}; an IP literal (v4 or v6) parses without a lookup. */
  static List<Instance> resolve(List<Described> described, HostResolver hosts) {
    List<Instance> instances = new ArrayList<>(described.size());
    for (Described d : described) {
      InetAddress address;
      try {
        address = isIpLiteral(d.host) ? InetAddress.getByName(d.host) : hosts.resolve(d.host);
      } catch (UnknownHostException e) {
        logger.log(Level.WARNING, "consul: skipping instance {0}: cannot resolve its address \"{1}\": {2}",
            new Object[] {d.attributes.get(ConsulAttributes.SERVICE_ID), d.host, e.getMessage()});
        continue;
      }
      instances.add(new Instance(new EquivalentAddressGroup(new InetSocketAddress(address, d.port), d.attributes),
          d.health));
    }
    return instances;
  }

  private static boolean isIpLiteral(String host) {
    if (host.indexOf(':') >= 0) {
      return true; // IPv6 (a host name has no colon)
    }
    for (int i = 0; i < host.length(); i++) {
      char c = host.charAt(i);
      if (c != '.' && (c < '0' || c > '9')) {
        return false;
      }
    }
    return true;
  }

  private static Attributes attributes(HealthEntry entry) {
    return Attributes.newBuilder()
        .set(ConsulAttributes.SERVICE_ID, entry.service().id())
        .set(ConsulAttributes.NODE, entry.node().name())
        .set(ConsulAttributes.DATACENTER, entry.node().datacenter())
        .set(ConsulAttributes.TAGS, entry.service().tags())
        .set(ConsulAttributes.META, entry.service().meta())
        .set(ConsulAttributes.WEIGHT_PASSING, entry.service().weights().passing())
        .set(ConsulAttributes.WEIGHT_WARNING, entry.service().weights().warning())
        .set(ConsulAttributes.HEALTH, entry.aggregatedStatus().wireName())
        .build();
  }
}
