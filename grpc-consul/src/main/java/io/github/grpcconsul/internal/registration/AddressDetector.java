package io.github.grpcconsul.internal.registration;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Picks the address other hosts can reach this one at, when the user gives none. Detection runs once per JVM, since
 * the answer does not change while the process lives and the choice must be logged only once.
 *
 * <p>Threading: thread-safe; {@link #detect()} is called by {@code ConsulRegistration.Builder.build()} on the
 * caller's thread, and the first call enumerates the host's network interfaces under the class's monitor (a system
 * call, which may block briefly); later calls read a volatile.
 */
public final class AddressDetector {
  private static final Logger logger = Logger.getLogger(AddressDetector.class.getName());
  private static volatile String detected;

  private AddressDetector() {}

  public static String detect() {
    String address = detected;
    if (address == null) {
      synchronized (AddressDetector.class) {
        address = detected;
        if (address == null) {
          address = choose(candidates());
          detected = address;
        }
      }
    }
    return address;
  }

  /** Exposed for tests: the choice among addresses, without touching the host's interfaces. */
  public static String choose(List<InetAddress> candidates) {
    InetAddress best = candidates.stream()
        .filter(a -> rank(a) < Integer.MAX_VALUE)
        .min(Comparator.comparingInt(AddressDetector::rank))
        .orElse(null);
    if (best == null) {
      logger.warning("No non-loopback address found on this host; registering 127.0.0.1, which only clients on "
          + "this host can reach. Set ConsulRegistration.Builder.address(...) to the address other hosts use.");
      return "127.0.0.1";
    }
    String address = hostString(best);
    logger.info("Registering this host's address " + address + " in Consul (chosen among " + candidates.size()
        + " addresses: site-local IPv4 first, then global IPv4, then IPv6). Set ConsulRegistration.Builder.address(...)"
        + " to choose another.");
    return address;
  }

  /** Lower is better; MAX_VALUE means unusable for other hosts. */
  private static int rank(InetAddress a) {
    if (a.isLoopbackAddress() || a.isAnyLocalAddress() || a.isLinkLocalAddress() || a.isMulticastAddress()) {
      return Integer.MAX_VALUE;
    }
    boolean v4 = a instanceof Inet4Address;
    if (a.isSiteLocalAddress()) {
      return v4 ? 0 : 3;
    }
    return v4 ? 1 : 2;
  }

  public static String hostString(InetAddress a) {
    String host = a.getHostAddress();
    if (a instanceof Inet6Address) {
      int zone = host.indexOf('%');
      if (zone >= 0) {
        host = host.substring(0, zone);
      }
    }
    return host;
  }

  private static List<InetAddress> candidates() {
    List<InetAddress> result = new ArrayList<>();
    try {
      for (NetworkInterface nic : Collections.list(NetworkInterface.getNetworkInterfaces())) {
        if (nic.isUp() && !nic.isLoopback()) {
          result.addAll(Collections.list(nic.getInetAddresses()));
        }
      }
    } catch (SocketException e) {
      logger.log(Level.WARNING, "Could not list this host's network interfaces", e);
    }
    return result;
  }
}
