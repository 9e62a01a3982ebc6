package io.github.grpcconsul.tools;

import io.github.grpcconsul.consul.ConsulConfig;
import io.github.grpcconsul.internal.consul.AgentService;
import io.github.grpcconsul.internal.consul.ConfigAccess;
import io.github.grpcconsul.internal.consul.ConsulClient;
import io.github.grpcconsul.internal.consul.HealthEntry;
import io.github.grpcconsul.internal.consul.HealthQuery;
import io.github.grpcconsul.resolver.ConsulAttributes;
import io.github.grpcconsul.resolver.ConsulNameResolverProvider;
import io.grpc.Attributes;
import io.grpc.EquivalentAddressGroup;
import io.grpc.NameResolver;
import io.grpc.Status;
import io.grpc.SynchronizationContext;
import java.io.PrintStream;
import java.net.SocketAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.time.Clock;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;

/**
 * {@code consul-grpc}: shows what a {@code consul://} target resolves to, through the same public resolver a
 * channel uses, and how the local agent sees a registered instance and its checks.
 *
 * <pre>
 * consul-grpc resolve [--watch] [--timeout 10s] [--address host:port] 'consul:///svc?tag=v2'
 * consul-grpc registration [--address host:port] &lt;service-id&gt;
 * </pre>
 *
 * <p>Consul settings come from Consul's environment variables ({@code CONSUL_HTTP_ADDR}, {@code CONSUL_HTTP_TOKEN},
 * ...); {@code --address} overrides the address. The token is never printed. Exit codes: 0 success, 1 the lookup
 * failed, 2 a usage error.
 */
public final class ConsulGrpc {
  static final int OK = 0;
  static final int FAILED = 1;
  static final int USAGE = 2;

  static final String USAGE_TEXT = String.join("\n",
      "usage: consul-grpc resolve [--watch] [--timeout <duration>] [--address <host:port>] <consul:///target>",
      "       consul-grpc registration [--address <host:port>] <service-id>",
      "Consul settings come from CONSUL_HTTP_ADDR, CONSUL_HTTP_TOKEN(_FILE), CONSUL_HTTP_SSL, CONSUL_CACERT, ...",
      "durations: 10s, 500ms, 2m");

  private final PrintStream out;
  private final PrintStream err;
  private final Map<String, String> env;
  private final Clock clock;
  private final CountDownLatch stop = new CountDownLatch(1);

  ConsulGrpc(PrintStream out, PrintStream err, Map<String, String> env, Clock clock) {
    this.out = out;
    this.err = err;
    this.env = env;
    this.clock = clock;
  }

  /** Runs the tool; exits with {@link #run}'s code. */
  public static void main(String[] args) {
    ConsulGrpc tool = new ConsulGrpc(System.out, System.err, System.getenv(), Clock.systemUTC());
    Runtime.getRuntime().addShutdownHook(new Thread(tool::stop, "consul-grpc-stop"));
    System.exit(tool.run(args));
  }

  /** Ends a running {@code --watch}. */
  void stop() {
    stop.countDown();
  }

  int run(String[] args) {
    if (args.length == 0 || args[0].equals("--help") || args[0].equals("-h")) {
      (args.length == 0 ? err : out).println(USAGE_TEXT);
      return args.length == 0 ? USAGE : OK;
    }
    Options o;
    try {
      o = Options.parse(args);
    } catch (IllegalArgumentException e) {
      err.println("consul-grpc: " + e.getMessage());
      err.println(USAGE_TEXT);
      return USAGE;
    }
    ConsulConfig config;
    try {
      config = config(o);
    } catch (IllegalArgumentException e) {
      err.println("consul-grpc: " + e.getMessage());
      return USAGE;
    }
    try {
      return o.command.equals("resolve") ? resolve(config, o) : registration(config, o);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      err.println("consul-grpc: interrupted");
      return FAILED;
    }
  }

  private ConsulConfig config(Options o) {
    ConsulConfig fromEnv = configFrom(env);
    return o.address == null ? fromEnv : fromEnv.toBuilder().address(o.address).build();
  }

  /** ConsulConfig from the given Consul environment variables (as {@link ConsulConfig#fromEnvironment()} reads). */
  static ConsulConfig configFrom(Map<String, String> env) {
    ConsulConfig.newBuilder(); // initializes ConsulConfig, which installs the internal accessor
    return ConfigAccess.fromEnvironment(env);
  }

  // ---------------------------------------------------------------------------------------------- resolve

  private int resolve(ConsulConfig config, Options o) throws InterruptedException {
    URI target;
    try {
      target = new URI(o.operand);
    } catch (URISyntaxException e) {
      err.println("consul-grpc: '" + o.operand + "' is not a URI (" + e.getReason()
          + "); write it like consul:///my-service?tag=v2");
      return USAGE;
    }
    ConsulNameResolverProvider provider = new ConsulNameResolverProvider(config);
    if (!provider.getDefaultScheme().equals(target.getScheme())) {
      err.println("consul-grpc: '" + o.operand + "' is not a " + provider.getDefaultScheme()
          + ":// target; write it like consul:///my-service?tag=v2");
      return USAGE;
    }
    AtomicReference<Throwable> uncaught = new AtomicReference<>();
    SynchronizationContext sync = new SynchronizationContext((t, e) -> uncaught.compareAndSet(null, e));
    ExecutorService offload = Executors.newCachedThreadPool(r -> {
      Thread t = new Thread(r, "consul-grpc-offload");
      t.setDaemon(true);
      return t;
    });
    NameResolver resolver;
    try {
      resolver = provider.newNameResolver(target, NameResolver.Args.newBuilder()
          .setDefaultPort(443)
          .setProxyDetector(addr -> null)
          .setSynchronizationContext(sync)
          .setServiceConfigParser(new NameResolver.ServiceConfigParser() {
            @Override
            public NameResolver.ConfigOrError parseServiceConfig(Map<String, ?> raw) {
              return NameResolver.ConfigOrError.fromConfig(raw);
            }
          })
          .setOffloadExecutor(offload)
          .build());
    } catch (IllegalArgumentException e) {
      offload.shutdownNow();
      err.println("consul-grpc: " + e.getMessage());
      return USAGE;
    }
    if (resolver == null) {
      offload.shutdownNow();
      err.println("consul-grpc: '" + o.operand + "' is not a target this resolver accepts");
      return USAGE;
    }
    CountDownLatch first = new CountDownLatch(1);
    AtomicReference<Status> firstError = new AtomicReference<>();
    NameResolver.Listener2 listener = new NameResolver.Listener2() {
      @Override
      public void onResult(NameResolver.ResolutionResult result) {
        onResult2(result);
      }

      @Override
      public Status onResult2(NameResolver.ResolutionResult result) {
        // Runs in the SynchronizationContext: printing to a stream is the only work, no Consul I/O.
        if (result.getAddressesOrError().hasValue()) {
          if (o.watch || first.getCount() > 0) {
            print(result.getAddressesOrError().getValue(), o.watch);
          }
        } else {
          onError(result.getAddressesOrError().getStatus());
          return Status.OK;
        }
        first.countDown();
        return Status.OK;
      }

      @Override
      public void onError(Status error) {
        if (o.watch) {
          out.println(clock.instant() + " error: " + describe(error));
        } else if (first.getCount() > 0) {
          firstError.compareAndSet(null, error);
        }
        first.countDown();
      }
    };
    sync.execute(() -> resolver.start(listener));
    try {
      if (o.watch) {
        stop.await();
        return OK;
      }
      if (!first.await(o.timeout.toMillis(), TimeUnit.MILLISECONDS)) {
        err.println("consul-grpc: no answer for " + o.operand + " within " + o.timeout
            + "; is Consul reachable at " + String.join(",", config.addresses()) + "? (--timeout to wait longer)");
        return FAILED;
      }
      Status error = firstError.get();
      if (error != null) {
        err.println("consul-grpc: " + describe(error));
        return FAILED;
      }
      return uncaught.get() == null ? OK : FAILED;
    } finally {
      sync.execute(resolver::shutdown);
      offload.shutdown();
      offload.awaitTermination(5, TimeUnit.SECONDS);
    }
  }

  private static String describe(Status status) {
    return status.getCode() + (status.getDescription() == null ? "" : ": " + status.getDescription());
  }

  private void print(List<EquivalentAddressGroup> groups, boolean stamped) {
    StringBuilder b = new StringBuilder();
    if (stamped) {
      b.append(clock.instant()).append(' ');
    }
    b.append(groups.size()).append(groups.size() == 1 ? " address group" : " address groups").append('\n');
    List<EquivalentAddressGroup> sorted = new ArrayList<>(groups);
    sorted.sort(Comparator.comparing(ConsulGrpc::addressText));
    for (EquivalentAddressGroup g : sorted) {
      b.append("  ").append(line(g)).append('\n');
    }
    out.print(b);
    out.flush();
  }

  private static String addressText(EquivalentAddressGroup g) {
    List<String> parts = new ArrayList<>();
    for (SocketAddress a : g.getAddresses()) {
      parts.add(a.toString().replaceFirst("^[^/]*/", ""));
    }
    return String.join(",", parts);
  }

  static String line(EquivalentAddressGroup g) {
    Attributes a = g.getAttributes();
    return addressText(g)
        + "  health=" + orDash(a.get(ConsulAttributes.HEALTH))
        + "  weights=" + orDash(a.get(ConsulAttributes.WEIGHT_PASSING)) + "/" + orDash(a.get(ConsulAttributes.WEIGHT_WARNING))
        + "  dc=" + orDash(a.get(ConsulAttributes.DATACENTER))
        + "  node=" + orDash(a.get(ConsulAttributes.NODE))
        + "  id=" + orDash(a.get(ConsulAttributes.SERVICE_ID))
        + "  tags=" + orDash(a.get(ConsulAttributes.TAGS))
        + "  meta=" + orDash(a.get(ConsulAttributes.META));
  }

  private static String orDash(Object v) {
    return v == null ? "-" : v.toString();
  }

  // ---------------------------------------------------------------------------------------------- registration

  private int registration(ConsulConfig config, Options o) throws InterruptedException {
    ConsulClient client;
    try {
      client = ConsulClient.create(config);
    } catch (IllegalArgumentException e) {
      err.println("consul-grpc: " + e.getMessage());
      return USAGE;
    }
    try (client) {
      Optional<AgentService> svc = client.agentService(o.operand).get(o.timeout.toMillis(), TimeUnit.MILLISECONDS);
      if (svc.isEmpty()) {
        err.println("consul-grpc: the agent at " + String.join(",", config.addresses()) + " has no service with ID '"
            + o.operand + "'; the ID is the registration's serviceId (GET /v1/agent/services lists them)");
        return FAILED;
      }
      AgentService s = svc.get();
      StringBuilder b = new StringBuilder();
      b.append("service ").append(s.id()).append(" (").append(s.service()).append(") on the agent at ")
          .append(String.join(",", config.addresses())).append('\n');
      b.append("  address=").append(s.address().isEmpty() ? "(node address)" : s.address()).append(':')
          .append(s.port()).append("  dc=").append(orDash(s.datacenter()))
          .append("  weights=").append(s.weights().passing()).append('/').append(s.weights().warning())
          .append("  tags=").append(s.tags()).append("  meta=").append(s.meta()).append('\n');
      HealthQuery any = HealthQuery.newBuilder(s.service()).passingOnly(false).build();
      List<HealthEntry> entries = client.healthService(any, 0, Duration.ZERO)
          .get(o.timeout.toMillis(), TimeUnit.MILLISECONDS).value();
      Optional<HealthEntry> mine = entries.stream().filter(e -> e.service().id().equals(s.id())).findFirst();
      if (mine.isEmpty()) {
        b.append("  not in the catalog's health view yet (the agent has not synced it)\n");
      } else {
        HealthEntry e = mine.get();
        b.append("  node=").append(e.node().name()).append("  aggregated=")
            .append(e.aggregatedStatus().toString().toLowerCase(java.util.Locale.ROOT)).append('\n');
        b.append("  checks:\n");
        for (HealthEntry.Check c : e.checks()) {
          b.append("    ").append(c.checkId()).append("  ")
              .append(c.status().toString().toLowerCase(java.util.Locale.ROOT))
              .append(c.serviceId().isEmpty() ? "  (node check)" : "")
              .append("  ").append(c.name())
              .append(c.output().isEmpty() ? "" : "  output=" + c.output().strip().replace('\n', ' '))
              .append('\n');
        }
      }
      out.print(b);
      out.flush();
      return OK;
    } catch (ExecutionException e) {
      Throwable cause = e.getCause() == null ? e : e.getCause();
      err.println("consul-grpc: " + cause.getMessage());
      return FAILED;
    } catch (TimeoutException e) {
      err.println("consul-grpc: no answer from Consul at " + String.join(",", config.addresses()) + " within "
          + o.timeout + " (--timeout to wait longer)");
      return FAILED;
    }
  }

  // ---------------------------------------------------------------------------------------------- options

  static final class Options {
    String command;
    String operand;
    String address;
    boolean watch;
    Duration timeout = Duration.ofSeconds(10);

    static Options parse(String[] args) {
      Options o = new Options();
      o.command = args[0];
      if (!o.command.equals("resolve") && !o.command.equals("registration")) {
        throw new IllegalArgumentException("unknown command '" + o.command + "'; use resolve or registration");
      }
      Map<String, String> seen = new HashMap<>();
      for (int i = 1; i < args.length; i++) {
        String a = args[i];
        switch (a) {
          case "--watch" -> {
            if (!o.command.equals("resolve")) {
              throw new IllegalArgumentException("--watch is an option of resolve, not of " + o.command);
            }
            o.watch = true;
          }
          case "--address", "--timeout" -> {
            if (i + 1 >= args.length) {
              throw new IllegalArgumentException(a + " needs a value");
            }
            String v = args[++i];
            seen.put(a, v);
            if (a.equals("--address")) {
              o.address = v;
            } else {
              o.timeout = duration(v);
            }
          }
          default -> {
            if (a.startsWith("--")) {
              throw new IllegalArgumentException("unknown option '" + a + "'");
            }
            if (o.operand != null) {
              throw new IllegalArgumentException("one " + (o.command.equals("resolve") ? "target" : "service ID")
                  + " only; got '" + o.operand + "' and '" + a + "'");
            }
            o.operand = a;
          }
        }
      }
      if (o.operand == null) {
        throw new IllegalArgumentException(o.command.equals("resolve")
            ? "resolve needs a target, e.g. consul:///my-service?tag=v2"
            : "registration needs a service ID, e.g. consul-grpc registration my-service-10.0.0.5-8080");
      }
      return o;
    }

    static Duration duration(String v) {
      try {
        Duration d;
        if (v.endsWith("ms")) {
          d = Duration.ofMillis(Long.parseLong(v.substring(0, v.length() - 2)));
        } else if (v.endsWith("s")) {
          d = Duration.ofSeconds(Long.parseLong(v.substring(0, v.length() - 1)));
        } else if (v.endsWith("m")) {
          d = Duration.ofMinutes(Long.parseLong(v.substring(0, v.length() - 1)));
        } else {
          throw new NumberFormatException();
        }
        if (d.isNegative() || d.isZero()) {
          throw new NumberFormatException();
        }
        return d;
      } catch (NumberFormatException | DateTimeParseException e) {
        throw new IllegalArgumentException("--timeout '" + v + "' is not a positive duration; write e.g. 10s or 500ms");
      }
    }
  }
}
