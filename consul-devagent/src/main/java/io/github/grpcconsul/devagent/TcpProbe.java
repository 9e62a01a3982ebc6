package io.github.grpcconsul.devagent;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.time.Duration;

/** Consul's TCP check: a connection that opens is passing. */
final class TcpProbe {
  private TcpProbe() {}

  static ProbeResult run(String address, Duration timeout) {
    try {
      HostPort hp = HostPort.parse(address);
      try (Socket s = new Socket()) {
        s.connect(new InetSocketAddress(hp.host(), hp.port()), (int) Math.max(1, timeout.toMillis()));
      }
      return new ProbeResult(CheckStatus.PASSING, "TCP connect " + address + ": Success");
    } catch (IOException | IllegalArgumentException e) {
      return new ProbeResult(CheckStatus.CRITICAL, "dial tcp " + address + ": " + e.getMessage());
    }
  }
}
