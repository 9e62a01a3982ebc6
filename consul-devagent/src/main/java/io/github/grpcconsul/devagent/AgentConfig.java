package io.github.grpcconsul.devagent;

import java.nio.file.Path;
import java.time.Duration;

/** The settings of a dev agent, fixed at build time. */
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
    Duration requestTimeout) {

  boolean tls() {
    return tlsCert != null;
  }

  /** The address the node advertises: the bind address, or loopback when bound to every interface. */
  String advertiseAddress() {
    if (host.equals("0.0.0.0") || host.equals("::") || host.equals("localhost") || host.isEmpty()) {
      return "127.0.0.1";
    }
    return host;
  }
}
