package io.github.grpcconsul.devagent;

import java.io.IOException;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.NetworkInterface;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CountDownLatch;

/**
 * The command line: {@code java -jar consul-devagent.jar -http-port 8500 [-datacenter dc1] [-node name] ...}.
 * Runs until SIGTERM or Ctrl-C.
 */
public final class DevAgentMain {
  private DevAgentMain() {}

  private static final Map<String, String> FLAGS = new LinkedHashMap<>();

  static {
    FLAGS.put("http-port", "HTTP API port (default 8500; 0 = any free port)");
    FLAGS.put("client", "address to listen on (default 127.0.0.1; 0.0.0.0 = all interfaces)");
    FLAGS.put("datacenter", "datacenter name (default dc1)");
    FLAGS.put("node", "node name (default devagent)");
    FLAGS.put("acl-management-token", "enable ACLs (default policy deny) with this management token");
    FLAGS.put("acl-read-only-token", "with ACLs on, a token that may read everything");
    FLAGS.put("https-cert-file", "serve HTTPS with this PEM certificate (needs -https-key-file)");
    FLAGS.put("https-key-file", "unencrypted PKCS#8 PEM key of -https-cert-file");
    FLAGS.put("https-ca-file", "require client certificates signed by this PEM CA (mutual TLS)");
    FLAGS.put("check-reap-interval", "how often DeregisterCriticalServiceAfter is enforced (default 30s)");
    FLAGS.put("deregister-critical-service-after-min", "floor of DeregisterCriticalServiceAfter (default 1m)");
  }

  /** Runs the agent; exits with status 2 on bad flags, 1 if it cannot start. */
  public static void main(String[] args) {
    DevAgent agent;
    try {
      agent = parse(args, System.out);
    } catch (IllegalArgumentException | IllegalStateException e) {
      System.err.println("consul-devagent: " + e.getMessage());
      usage(System.err);
      System.exit(2);
      return;
    }
    if (agent == null) {
      return;
    }
    try {
      agent.start();
    } catch (RuntimeException e) {
      System.err.println("consul-devagent: " + e.getMessage());
      System.exit(1);
      return;
    }
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      agent.stop();
      stopped.countDown();
    }, "consul-devagent-shutdown"));
    System.out.println("consul-devagent listening on " + agent.baseUri() + " (datacenter " + agent.datacenter()
        + ", node " + agent.nodeName() + "); CONSUL_HTTP_ADDR=" + agent.httpAddress());
    System.out.flush();
    try {
      stopped.await();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** Parses Go-style flags ({@code -flag value}, {@code -flag=value}, {@code --flag}); null after -help. */
  static DevAgent parse(String[] args, PrintStream out) {
    DevAgent.Builder b = DevAgent.builder().httpPort(8500);
    String cert = null;
    String key = null;
    String ca = null;
    String managementToken = "";
    String readOnlyToken = "";
    for (int i = 0; i < args.length; i++) {
      String arg = args[i];
      if (!arg.startsWith("-")) {
        throw new IllegalArgumentException("unexpected argument: " + arg);
      }
      String name = arg.replaceFirst("^--?", "");
      String value = null;
      int eq = name.indexOf('=');
      if (eq >= 0) {
        value = name.substring(eq + 1);
        name = name.substring(0, eq);
      }
      if (name.equals("help") || name.equals("h")) {
        usage(out);
        return null;
      }
      if (name.equals("dev")) {
        continue;
      }
      if (!FLAGS.containsKey(name)) {
        throw new IllegalArgumentException("flag provided but not defined: -" + name);
      }
      if (value == null) {
        if (i + 1 >= args.length) {
          throw new IllegalArgumentException("flag needs an argument: -" + name);
        }
        value = args[++i];
      }
      String given = value;
      switch (name) {
        case "http-port" -> {
          int port = intValue(name, value);
          set(name, value, () -> b.httpPort(port));
        }
        case "client" -> b.host(localAddress(name, value));
        case "datacenter" -> set(name, value, () -> b.datacenter(given));
        case "node" -> set(name, value, () -> b.nodeName(given));
        case "acl-management-token" -> {
          b.aclManagementToken(value);
          managementToken = value;
        }
        case "acl-read-only-token" -> {
          b.aclReadOnlyToken(value);
          readOnlyToken = value;
        }
        case "https-cert-file" -> cert = value;
        case "https-key-file" -> key = value;
        case "https-ca-file" -> ca = value;
        case "check-reap-interval" -> {
          Duration d = duration(name, value);
          set(name, value, () -> b.checkReapInterval(d));
        }
        case "deregister-critical-service-after-min" -> {
          Duration d = duration(name, value);
          set(name, value, () -> b.deregisterCriticalServiceAfterMin(d));
        }
        default -> throw new IllegalArgumentException("flag provided but not defined: -" + name);
      }
    }
    if (!readOnlyToken.isEmpty() && managementToken.isEmpty()) {
      // Said here because the builder's own message names its method, not the flag.
      throw new IllegalArgumentException("-acl-read-only-token needs -acl-management-token (ACLs are off without it)");
    }
    if ((cert == null) != (key == null)) {
      throw new IllegalArgumentException("-https-cert-file and -https-key-file go together");
    }
    if (cert != null) {
      b.tls(existing("https-cert-file", cert), existing("https-key-file", key));
    }
    if (ca != null) {
      if (cert == null) {
        throw new IllegalArgumentException("-https-ca-file needs -https-cert-file and -https-key-file");
      }
      b.tlsClientCa(existing("https-ca-file", ca));
    }
    return b.build();
  }

  /** Applies a builder setter, rewording its refusal (which names the builder method) to name the flag. */
  private static void set(String flag, String value, Runnable setter) {
    try {
      setter.run();
    } catch (IllegalArgumentException e) {
      String msg = String.valueOf(e.getMessage());
      int expected = msg.indexOf("(expected");
      throw new IllegalArgumentException("invalid value \"" + value + "\" for flag -" + flag
          + (expected >= 0 ? " " + msg.substring(expected) : ": " + msg), e);
    }
  }

  /** Checked here so a mistyped -client is a usage error (status 2), not a failure to start. */
  private static String localAddress(String flag, String host) {
    try {
      InetAddress a = InetAddress.getByName(host);
      if (a.isAnyLocalAddress() || a.isLoopbackAddress() || NetworkInterface.getByInetAddress(a) != null) {
        return host;
      }
    } catch (IOException e) {
      // unknown host or no interface list: reported below
    }
    throw new IllegalArgumentException("invalid value \"" + host + "\" for flag -" + flag
        + " (expected: an address of this machine, such as 127.0.0.1 or 0.0.0.0)");
  }

  private static Path existing(String flag, String file) {
    Path p;
    try {
      p = Path.of(file);
    } catch (InvalidPathException e) {
      throw new IllegalArgumentException("-" + flag + ": cannot read " + file + " (" + e.getReason() + ")", e);
    }
    if (!Files.isReadable(p)) {
      throw new IllegalArgumentException("-" + flag + ": cannot read " + file);
    }
    return p;
  }

  private static int intValue(String flag, String v) {
    try {
      return Integer.parseInt(v);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("invalid value \"" + v + "\" for flag -" + flag + ": expected a number");
    }
  }

  private static Duration duration(String flag, String v) {
    try {
      return GoDuration.parse(v);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("invalid value \"" + v + "\" for flag -" + flag
          + ": expected a Go duration such as 30s or 1m");
    }
  }

  static void usage(PrintStream out) {
    out.println("Usage: java -jar consul-devagent.jar [flags]");
    out.println("An in-memory, Consul-compatible dev agent (like `consul agent -dev`). Flags:");
    for (Map.Entry<String, String> f : FLAGS.entrySet()) {
      out.printf("  -%-40s %s%n", f.getKey(), f.getValue());
    }
    out.printf("  -%-40s %s%n", "dev", "accepted and ignored (this agent is always a dev agent)");
    out.printf("  -%-40s %s%n", "help", "print this help (also -h)");
  }
}
