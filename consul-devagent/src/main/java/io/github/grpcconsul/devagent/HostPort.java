package io.github.grpcconsul.devagent;

/** "host:port" or "[v6]:port", as Go's net.SplitHostPort reads it. */
record HostPort(String host, int port) {
  static HostPort parse(String s) {
    int colon = s.lastIndexOf(':');
    if (colon <= 0 || colon == s.length() - 1) {
      throw new IllegalArgumentException("address " + s + ": missing port in address");
    }
    String host = s.substring(0, colon);
    if (host.startsWith("[") && host.endsWith("]")) {
      host = host.substring(1, host.length() - 1);
    }
    try {
      int port = Integer.parseInt(s.substring(colon + 1));
      if (port < 0 || port > 65535) {
        throw new IllegalArgumentException("address " + s + ": invalid port");
      }
      return new HostPort(host, port);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("address " + s + ": invalid port", e);
    }
  }
}
