package io.github.grpcconsul.internal.consul;

import java.net.URI;
import java.util.Locale;
import java.util.Objects;

/**
 * One agent address: {@code host[:port]}, optionally prefixed {@code http://} or {@code https://}. A missing port
 * means 8500 (Consul's HTTP port).
 *
 * <p>Threading: immutable; parsed when a client is created (the thread creating it) and read by {@link ConsulHttp}
 * on any thread.
 */
public final class ConsulAddress {
  public static final int DEFAULT_PORT = 8500;

  private final String scheme; // null = follow the config's TLS setting
  private final String host; // IPv6 without brackets
  private final int port;

  private ConsulAddress(String scheme, String host, int port) {
    this.scheme = scheme;
    this.host = host;
    this.port = port;
  }

  /**
   * Parses one address. {@code source} names where it came from (an environment variable or builder method) so the
   * error can say what to fix.
   */
  public static ConsulAddress parse(String value, String source) {
    if (value == null || value.isBlank()) {
      throw new IllegalArgumentException(source + " is empty: give host:port, e.g. 127.0.0.1:8500");
    }
    String v = value.strip();
    String lower = v.toLowerCase(Locale.ROOT);
    String scheme = null;
    if (lower.startsWith("unix://")) {
      throw new IllegalArgumentException(source + " \"" + value + "\": unix sockets are not supported, because the"
          + " JDK HttpClient cannot speak HTTP over a unix socket: give the agent's TCP address instead, e.g."
          + " 127.0.0.1:8500 (the agent's addresses.http setting)");
    }
    if (lower.startsWith("http://")) {
      scheme = "http";
      v = v.substring(7);
    } else if (lower.startsWith("https://")) {
      scheme = "https";
      v = v.substring(8);
    } else if (lower.contains("://")) {
      throw new IllegalArgumentException(source + " \"" + value + "\": unknown scheme \""
          + v.substring(0, lower.indexOf("://")) + "\": use http://, https:// or plain host:port");
    }
    while (v.endsWith("/")) {
      v = v.substring(0, v.length() - 1);
    }
    if (v.contains("/") || v.contains("?") || v.contains("@")) {
      throw new IllegalArgumentException(source + " \"" + value + "\": only host:port is allowed after the scheme,"
          + " without path, query or user info: e.g. https://consul.example:8501");
    }
    String host;
    String portText = null;
    if (v.startsWith("[")) {
      int close = v.indexOf(']');
      if (close < 0) {
        throw new IllegalArgumentException(source + " \"" + value + "\": missing ']' after the IPv6 address: write"
            + " [::1]:8500");
      }
      host = v.substring(1, close);
      String rest = v.substring(close + 1);
      if (!rest.isEmpty()) {
        if (!rest.startsWith(":")) {
          throw new IllegalArgumentException(source + " \"" + value + "\": expected ':' after ']': write [::1]:8500");
        }
        portText = rest.substring(1);
      }
    } else {
      int colon = v.lastIndexOf(':');
      if (colon >= 0 && v.indexOf(':') != colon) {
        throw new IllegalArgumentException(source + " \"" + value + "\": an IPv6 address needs brackets: write"
            + " [" + v + "]:8500");
      }
      if (colon >= 0) {
        host = v.substring(0, colon);
        portText = v.substring(colon + 1);
      } else {
        host = v;
      }
    }
    if (host.isEmpty()) {
      throw new IllegalArgumentException(source + " \"" + value + "\": the host is empty: give host:port, e.g."
          + " 127.0.0.1:8500");
    }
    int port = DEFAULT_PORT;
    if (portText != null) {
      try {
        port = Integer.parseInt(portText);
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException(source + " \"" + value + "\": port \"" + portText
            + "\" is not a number: give host:port, e.g. 127.0.0.1:8500");
      }
      if (port < 1 || port > 65535) {
        throw new IllegalArgumentException(source + " \"" + value + "\": port " + port
            + " is out of range: use 1..65535");
      }
    }
    return new ConsulAddress(scheme, host, port);
  }

  /** The scheme given explicitly, or null. */
  public String explicitScheme() {
    return scheme;
  }

  public String host() {
    return host;
  }

  public int port() {
    return port;
  }

  /** The base URI with the effective scheme. */
  public URI baseUri(boolean forceTls) {
    String s = forceTls ? "https" : scheme == null ? "http" : scheme;
    String h = host.contains(":") ? "[" + host + "]" : host;
    return URI.create(s + "://" + h + ":" + port);
  }

  @Override
  public boolean equals(Object o) {
    if (!(o instanceof ConsulAddress)) {
      return false;
    }
    ConsulAddress a = (ConsulAddress) o;
    return Objects.equals(scheme, a.scheme) && host.equals(a.host) && port == a.port;
  }

  @Override
  public int hashCode() {
    return Objects.hash(scheme, host, port);
  }

  @Override
  public String toString() {
    String h = host.contains(":") ? "[" + host + "]" : host;
    return (scheme == null ? "" : scheme + "://") + h + ":" + port;
  }
}
