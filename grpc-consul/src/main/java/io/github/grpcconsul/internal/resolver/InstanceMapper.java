package io.github.grpcconsul.internal.resolver;

import io.github.grpcconsul.resolver.ConsulAttributes;
import io.github.grpcconsul.internal.consul.HealthEntry;
import io.grpc.Attributes;
import io.grpc.EquivalentAddressGroup;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Turns Consul health entries into address groups. Runs on the watch's thread, never in a channel's
 * SynchronizationContext, because a host name in {@code Service.Address} needs a DNS lookup.
 */
final class InstanceMapper {

  private static final Logger logger = Logger.getLogger(InstanceMapper.class.getName());

  /** Consul returns entries in state-store order and reorders them when filtering; sorting avoids spurious updates. */
  private static final Comparator<Instance> ORDER = Comparator
      .comparing((Instance i) -> i.addressGroup().getAttributes().get(ConsulAttributes.NODE))
      .thenComparing(i -> i.addressGroup().getAttributes().get(ConsulAttributes.SERVICE_ID));

  private InstanceMapper() {}

  static List<Instance> map(List<HealthEntry> entries) {
    return map(entries, false);
  }

  /**
   * @param keepOrder keep Consul's order: with {@code near} it is the round-trip-time order, which pick_first uses
   */
  static List<Instance> map(List<HealthEntry> entries, boolean keepOrder) {
    List<Instance> instances = new ArrayList<>(entries.size());
    for (HealthEntry entry : entries) {
      InetSocketAddress address = address(entry);
      if (address != null) {
        instances.add(new Instance(new EquivalentAddressGroup(address, attributes(entry)), entry.aggregatedStatus()));
      }
    }
    if (!keepOrder) {
      instances.sort(ORDER);
    }
    return instances;
  }

  private static InetSocketAddress address(HealthEntry entry) {
    String host = entry.address();
    int port = entry.service().port();
    if (host.isEmpty() || port <= 0 || port > 65535) {
      logger.log(Level.FINE, "consul: skipping instance {0} of {1}: no usable address ({2}:{3})",
          new Object[] {entry.service().id(), entry.service().name(), host, port});
      return null;
    }
    if (host.startsWith("[") && host.endsWith("]")) {
      host = host.substring(1, host.length() - 1);
    }
    try {
      // An IP literal (IPv4 or IPv6) parses without a lookup; a host name is resolved here, off the channel.
      return new InetSocketAddress(InetAddress.getByName(host), port);
    } catch (UnknownHostException e) {
      logger.log(Level.WARNING, "consul: skipping instance {0} of {1}: cannot resolve its address \"{2}\": {3}",
          new Object[] {entry.service().id(), entry.service().name(), host, e.getMessage()});
      return null;
    }
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
