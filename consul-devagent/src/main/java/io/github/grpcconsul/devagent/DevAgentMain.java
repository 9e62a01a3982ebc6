package io.github.grpcconsul.devagent;

import java.io.IOException;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.NetworkInterface;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CountDownLatch;

/**
 * The command line, Consul's own: {@code java -jar consul-devagent.jar agent -dev [-config-file F]... [-config-dir
 * D]... [-http-port N] [-node N] [-datacenter D] [-client ADDR] [-bind ADDR]}, and {@code version}. The older form
 * without the {@code agent} subcommand ({@code -http-port 8500 ...}) still works. Runs until SIGTERM or Ctrl-C.
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
    FLAGS.put("config-file", "a Consul JSON config file (repeatable; read in order, later values win)");
    FLAGS.put("config-dir", "a directory of Consul JSON config files, read in lexical order (repeatable)");
    FLAGS.put("bind", "the node's address in the catalog (default: the -client address, or 127.0.0.1)");
    FLAGS.put("https-port", "serve HTTPS on this port (needs TLS files; default off)");
  }

  /** Consul agent flags with no meaning here: accepted, and listed in the INFO line. Value flags. */
  private static final Set<String> IGNORED_VALUE_FLAGS = Set.of("data-dir", "log-level", "log-file", "grpc-port",
      "grpc-tls-port", "dns-port", "serf-lan-port", "serf-wan-port", "server-port", "node-id", "retry-join",
      "retry-join-wan", "join", "join-wan", "encrypt", "advertise", "advertise-wan", "bootstrap-expect",
      "pid-file", "raft-protocol", "segment", "domain", "alt-domain", "recursor", "ui-dir", "ui-content-path",
      "retry-interval", "retry-max", "serf-lan-bind", "serf-wan-bind", "config-format", "node-meta",
      "log-rotate-bytes", "log-rotate-duration", "log-rotate-max-files", "syslog-facility", "primary-gateway",
      "default-query-time", "max-query-time", "datacenter-wan");
  /** Boolean flags with no meaning here. */
  private static final Set<String> IGNORED_BOOL_FLAGS = Set.of("ui", "server", "bootstrap", "disable-host-node-id",
      "enable-script-checks", "enable-local-script-checks", "disable-keyring-file", "log-json", "syslog",
      "rejoin", "non-voting-server", "read-replica", "auto-reload-config", "dev-connect", "enable-debug");

  /** Runs the agent; exits with status 2 on bad flags, 1 if it cannot start. */
  public static void main(String[] args) {
    if (args.length > 0 && (args[0].equals("version") || args[0].equals("-version")
        || args[0].equals("--version"))) {
      version(System.out);
      return;
    }
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

  /**
   * Parses {@code [agent] [flags]} with Go-style flags ({@code -flag value}, {@code -flag=value}, {@code --flag});
   * null after -help or version. Config files are applied first, flags after, so flags win, as in Consul.
   */
  static DevAgent parse(String[] args, PrintStream out) {
    int from = 0;
    if (args.length > 0 && !args[0].startsWith("-")) {
      if (args[0].equals("agent")) {
        from = 1;
      } else if (args[0].equals("version")) {
        version(out);
        return null;
      } else {
        throw new IllegalArgumentException("unknown command: " + args[0] + " (expected: agent -dev [flags], "
            + "or version)");
      }
    }
    List<String[]> flags = new ArrayList<>();
    List<ConfigFiles.Source> sources = new ArrayList<>();
    Set<String> ignored = new TreeSet<>();
    for (int i = from; i < args.length; i++) {
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
      if (name.equals("hcl")) {
        throw new IllegalArgumentException("-hcl: HCL config is not supported by consul-devagent (there is no "
            + "maintained Java parser for Consul's HCL); put the settings in a JSON -config-file");
      }
      if (IGNORED_BOOL_FLAGS.contains(name)) {
        ignored.add("-" + name);
        continue;
      }
      boolean ignoredValue = IGNORED_VALUE_FLAGS.contains(name);
      if (!FLAGS.containsKey(name) && !ignoredValue) {
        throw new IllegalArgumentException("flag provided but not defined: -" + name);
      }
      if (value == null) {
        if (i + 1 >= args.length) {
          throw new IllegalArgumentException("flag needs an argument: -" + name);
        }
        value = args[++i];
      }
      if (ignoredValue) {
        ignored.add("-" + name);
      } else if (name.equals("config-file")) {
        sources.add(new ConfigFiles.Source(existing("config-file", value), false));
      } else if (name.equals("config-dir")) {
        sources.add(new ConfigFiles.Source(pathOf("config-dir", value), true));
      } else {
        flags.add(new String[] {name, value});
      }
    }
    Options o = new Options();
    if (!sources.isEmpty()) {
      ConfigFiles.Settings s = ConfigFiles.load(sources);
      o.apply(s);
      s.ignored().forEach(k -> ignored.add(k));
    }
    for (String[] f : flags) {
      o.flag(f[0], f[1]);
    }
    if (!ignored.isEmpty()) {
      out.println("consul-devagent: [INFO] accepted, no meaning for a one-node in-memory agent: "
          + String.join(", ", ignored));
    }
    return o.build();
  }

  /** The settings from config files and flags, turned into a builder at the end. */
  private static final class Options {
    final DevAgent.Builder b = DevAgent.builder().httpPort(8500);
    String cert;
    String key;
    String ca;
    boolean verifyIncoming;
    String managementToken = "";
    String readOnlyToken = "";
    Integer httpsPort;
    String caFrom = "-https-ca-file";

    void apply(ConfigFiles.Settings s) {
      String file = s.files().size() == 1 ? s.files().get(0).toString() : "config files";
      config(file, "node_name", s.nodeName(), v -> b.nodeName(v));
      config(file, "datacenter", s.datacenter(), v -> b.datacenter(v));
      if (s.nodeMeta() != null) {
        b.nodeMeta(s.nodeMeta());
      }
      if (s.clientAddr() != null) {
        b.host(localAddress("client_addr (" + file + ")", s.clientAddr()));
      }
      if (s.bindAddr() != null) {
        bind(s.bindAddr());
      }
      config(file, "ports.http", s.httpPort(), v -> b.httpPort(v));
      httpsPort = s.httpsPort() != null && s.httpsPort() > 0 ? s.httpsPort() : null;
      boolean aclOn = Boolean.TRUE.equals(s.aclEnabled());
      if (aclOn) {
        if (s.managementToken() == null || s.managementToken().isEmpty()) {
          throw new IllegalArgumentException(file + ": acl.enabled needs acl.tokens.initial_management (this "
              + "agent has no ACL bootstrap; set the management token in the config)");
        }
        managementToken = s.managementToken();
        b.aclManagementToken(managementToken);
        String policy = s.aclDefaultPolicy();
        if (policy != null && !policy.equals("allow") && !policy.equals("deny")) {
          throw new IllegalArgumentException(file + ": acl.default_policy \"" + policy
              + "\" (expected: allow or deny)");
        }
        b.aclDefaultAllow("allow".equals(policy));
      }
      cert = s.certFile();
      key = s.keyFile();
      verifyIncoming = Boolean.TRUE.equals(s.verifyIncoming());
      if (verifyIncoming) {
        if (s.caFile() == null) {
          throw new IllegalArgumentException(file + ": verify_incoming needs tls.defaults.ca_file (the CA that "
              + "signs client certificates)");
        }
        ca = s.caFile();
        caFrom = "ca_file (" + file + ")";
      }
      config(file, "check_reap_interval", s.checkReapInterval(), v -> b.checkReapInterval(v));
      config(file, "check_deregister_interval_min", s.deregisterMin(),
          v -> b.deregisterCriticalServiceAfterMin(v));
      b.definitions(s.services(), s.checks());
    }

    private static <T> void config(String file, String key, T value, java.util.function.Consumer<T> setter) {
      if (value == null) {
        return;
      }
      try {
        setter.accept(value);
      } catch (IllegalArgumentException e) {
        String msg = String.valueOf(e.getMessage());
        int expected = msg.indexOf("(expected");
        throw new IllegalArgumentException(file + ": invalid value \"" + value + "\" for " + key
            + (expected >= 0 ? " " + msg.substring(expected) : ": " + msg), e);
      }
    }

    private void bind(String addr) {
      if (!addr.equals("0.0.0.0") && !addr.equals("::") && !addr.isEmpty()) {
        b.nodeAddress(addr);
      }
    }

    void flag(String name, String value) {
      switch (name) {
        case "http-port" -> {
          int port = intValue(name, value);
          set(name, value, () -> b.httpPort(port));
        }
        case "https-port" -> {
          int port = intValue(name, value);
          if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("invalid value \"" + value + "\" for flag -https-port "
                + "(expected: 0..65535)");
          }
          httpsPort = port > 0 ? port : null;
        }
        case "client" -> b.host(localAddress("flag -" + name, value));
        case "bind" -> bind(value);
        case "datacenter" -> set(name, value, () -> b.datacenter(value));
        case "node" -> set(name, value, () -> b.nodeName(value));
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
        case "https-ca-file" -> {
          ca = value;
          caFrom = "-https-ca-file";
        }
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

    DevAgent build() {
      if (!readOnlyToken.isEmpty() && managementToken.isEmpty()) {
        // Said here because the builder's own message names its method, not the flag.
        throw new IllegalArgumentException(
            "-acl-read-only-token needs -acl-management-token (ACLs are off without it)");
      }
      if ((cert == null) != (key == null)) {
        throw new IllegalArgumentException("-https-cert-file and -https-key-file go together (config: "
            + "tls.defaults.cert_file and key_file)");
      }
      if (httpsPort != null) {
        if (cert == null) {
          throw new IllegalArgumentException("an HTTPS port needs a certificate and key (-https-cert-file and "
              + "-https-key-file, or tls.defaults.cert_file and key_file)");
        }
        // One listener: with an HTTPS port the agent serves HTTPS there (and not plain HTTP).
        b.httpPort(httpsPort);
      }
      if (cert != null) {
        b.tls(existing("https-cert-file", cert), existing("https-key-file", key));
      }
      if (ca != null) {
        if (cert == null) {
          throw new IllegalArgumentException(caFrom + " needs -https-cert-file and -https-key-file");
        }
        b.tlsClientCa(existing("https-ca-file", ca));
      }
      return b.build();
    }
  }

  /** Prints the version and the Consul version whose behaviour the agent follows. */
  static void version(PrintStream out) {
    out.println("Consul v" + StateStore.CONSUL_VERSION);
    out.println("consul-devagent " + projectVersion() + " (an in-memory dev agent; its HTTP API follows Consul v"
        + StateStore.CONSUL_VERSION + ")");
  }

  static String projectVersion() {
    try (java.io.InputStream in = DevAgentMain.class.getResourceAsStream("version.properties")) {
      if (in == null) {
        return "unknown";
      }
      java.util.Properties p = new java.util.Properties();
      p.load(in);
      return p.getProperty("version", "unknown");
    } catch (IOException e) {
      return "unknown";
    }
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
  private static String localAddress(String what, String host) {
    try {
      InetAddress a = InetAddress.getByName(host);
      if (a.isAnyLocalAddress() || a.isLoopbackAddress() || NetworkInterface.getByInetAddress(a) != null) {
        return host;
      }
    } catch (IOException e) {
      // unknown host or no interface list: reported below
    }
    throw new IllegalArgumentException("invalid value \"" + host + "\" for " + what
        + " (expected: an address of this machine, such as 127.0.0.1 or 0.0.0.0)");
  }

  private static Path pathOf(String flag, String file) {
    try {
      return Path.of(file);
    } catch (InvalidPathException e) {
      throw new IllegalArgumentException("-" + flag + ": cannot read " + file + " (" + e.getReason() + ")", e);
    }
  }

  private static Path existing(String flag, String file) {
    Path p = pathOf(flag, file);
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
    out.println("Usage: java -jar consul-devagent.jar agent -dev [flags]   (or: consul agent -dev [flags])");
    out.println("       java -jar consul-devagent.jar version");
    out.println("An in-memory, Consul-compatible dev agent (like `consul agent -dev`). Flags:");
    for (Map.Entry<String, String> f : FLAGS.entrySet()) {
      out.printf("  -%-40s %s%n", f.getKey(), f.getValue());
    }
    out.printf("  -%-40s %s%n", "dev", "accepted and ignored (this agent is always a dev agent)");
    out.printf("  -%-40s %s%n", "help", "print this help (also -h)");
    out.println("Consul's other agent flags (-ui, -server, -data-dir, -log-level, -grpc-port, -dns-port, ...) are "
        + "accepted and ignored.");
  }
}
