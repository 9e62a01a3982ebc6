package io.github.grpcconsul.internal.resolver;

import java.net.InetAddress;
import java.net.UnknownHostException;

/**
 * Resolves a host name from {@code Service.Address} (or the node's address). The default is the JVM's
 * {@link InetAddress#getByName}; tests inject a slow or counting one.
 *
 * <p>Threading: called on the {@link BlockingExecutor}, never on an HTTP thread or in a SynchronizationContext; may
 * block.
 */
@FunctionalInterface
public interface HostResolver {
  HostResolver SYSTEM = InetAddress::getByName;

  InetAddress resolve(String host) throws UnknownHostException;
}
