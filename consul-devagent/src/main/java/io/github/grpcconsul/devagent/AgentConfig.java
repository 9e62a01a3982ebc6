package io.github.grpcconsul.devagent;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * The settings of a dev agent, fixed at build time. {@code services} and {@code checks} come from config files and
 * are registered at every start, as Consul registers its config's definitions.
 */
record AgentConfig(
    String host,
    int httpPort,
    String datacenter,
    String nodeName,
    String aclManagementToken,
    String aclReadOnlyToken,
    Path tlsCert,
    Path tlsKey,
    Path tlsClientCa,
    Duration checkReapInterval,
    Duration deregisterCriticalServiceAfterMin,
    Duration requestTimeout,
    String nodeAddress,
    Map<String, String> nodeMeta,
    boolean aclDefaultAllow,
    List<ServiceDef> services,
    List<CheckDef> checks) {

  boolean tls() {
    return tlsCert != null;
  }

  /** The address the node advertises: the bind address, or loopback when bound to every interface. */
  String advertiseAddress() {
    if (nodeAddress != null) {
      return nodeAddress;
    }
    if (host.equals("0.0.0.0") || host.equals("::") || host.equals("localhost") || host.isEmpty()) {
      return "127.0.0.1";
    }
    return host;
  }
}
