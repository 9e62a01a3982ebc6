package io.github.grpcconsul.internal.resolver;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;
import static org.awaitility.Awaitility.await;

import io.github.grpcconsul.consul.ConsulConfig;
import io.github.grpcconsul.devagent.DevAgent;
import io.grpc.ConnectivityState;
import io.grpc.Grpc;
import io.grpc.InsecureChannelCredentials;
import io.grpc.ManagedChannel;
import io.grpc.NameResolver;
import io.grpc.NameResolverProvider;
import io.grpc.NameResolverRegistry;
import io.grpc.testing.protobuf.SimpleRequest;
import io.grpc.testing.protobuf.SimpleServiceGrpc;
import java.io.OutputStream;
import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.net.SocketAddress;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Real channels on a real dev agent: one channel's {@code shutdown()} never waits behind another channel's slow
 * work, and a resolver without an offload executor cannot deadlock. Each of these failed before the redesign
 * (DNS ran under the query's lock on the HTTP threads, the registry's JVM-wide monitor was held while a client was
 * created, and a null offload executor ran {@code subscribe()} inside the SynchronizationContext).
 */
class ShutdownIsolationTest {

  private static final Duration PROMPT = Duration.ofSeconds(5);

  private DevAgent agent;
  private Backends backends;
  private Registrar registrar;
  private ConsulConfig config;
  private final List<ManagedChannel> channels = new ArrayList<>();
  /** Lets every stuck host name or file go at the end, so nothing outlives the test. */
  private final CountDownLatch release = new CountDownLatch(1);

  @BeforeEach
  void setUp() {
    agent = DevAgent.builder().build();
    agent.start();
    backends = new Backends();
    config = ConsulConfig.newBuilder().address(agent.httpAddress()).build();
    registrar = new Registrar(config);
  }

  @AfterEach
  void tearDown() throws Exception {
    release.countDown();
    for (ManagedChannel ch : channels) {
      ch.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    }
    backends.close();
    registrar.close();
    agent.close();
  }

  private ManagedChannel channel(String target, NameResolverProvider provider) {
    NameResolverRegistry resolvers = new NameResolverRegistry();
    resolvers.register(provider);
    ManagedChannel ch = Grpc.newChannelBuilder(target, InsecureChannelCredentials.create(), resolvers).build();
    channels.add(ch);
    return ch;
  }

  private static String call(ManagedChannel ch) {
    return SimpleServiceGrpc.newBlockingStub(ch).withDeadlineAfter(10, TimeUnit.SECONDS)
        .unaryRpc(SimpleRequest.getDefaultInstance()).getResponseMessage();
  }

  /** Waits for {@code ch} to terminate, and for {@code registry} to have closed all but {@code left} watches. */
  private static void assertShutsDownPromptly(ManagedChannel ch, WatchRegistry registry, int left)
      throws InterruptedException {
    ch.shutdown();
    assertThat(ch.awaitTermination(PROMPT.toMillis(), TimeUnit.MILLISECONDS)).as("channel terminated").isTrue();
    // watchCount() takes the registry's monitor: awaitility gives up (and fails) if that monitor is stuck.
    await().atMost(PROMPT).until(() -> registry.watchCount() == left);
  }

  @Test
  void shutdown_doesNotWaitBehindAnotherChannelsSlowHostName() throws Exception {
    CountDownLatch slowLookupsStarted = new CountDownLatch(2);
    HostResolver hosts = host -> {
      if (host.endsWith(".slow.test")) {
        slowLookupsStarted.countDown();
        try {
          release.await(60, TimeUnit.SECONDS); // a host name that takes "forever"
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      }
      return InetAddress.getLoopbackAddress();
    };
    WatchRegistry registry = new WatchRegistry(Duration.ZERO, hosts);
    ResolverProviderCore provider = new ResolverProviderCore(config, registry);
    // Two stuck host names: as many as the client has HTTP threads, so DNS there would leave none for the others.
    registrar.register("slow-a", "slow-a-1", "a.slow.test", backends.start("slow-a"));
    registrar.register("slow-b", "slow-b-1", "b.slow.test", backends.start("slow-b"));
    registrar.register("fast", "fast-1", "127.0.0.1", backends.start("fast"));

    ManagedChannel slowA = channel("consul:///slow-a", provider);
    ManagedChannel slowB = channel("consul:///slow-b", provider);
    slowA.getState(true); // starts resolving; its mapping gets stuck in DNS
    slowB.getState(true);
    assertThat(slowLookupsStarted.await(10, TimeUnit.SECONDS)).isTrue();

    ManagedChannel fast = channel("consul:///fast", provider); // same agent, same client, same registry
    assertThat(call(fast)).isEqualTo("fast");
    assertThat(registry.watchCount()).isEqualTo(3);

    assertShutsDownPromptly(fast, registry, 2);
    assertThat(release.getCount()).as("the slow host names are still resolving").isEqualTo(1);
    // Their own channels do not wait for them either.
    assertShutsDownPromptly(slowA, registry, 1);
    assertShutsDownPromptly(slowB, registry, 0);
  }

  @Test
  void shutdown_doesNotWaitBehindAnotherChannelsSlowClientStart(@TempDir Path dir) throws Exception {
    // A CA file that is a FIFO: reading it (when the other channel's client is created) blocks until a writer
    // comes, like a TLS file on a hung network mount.
    Path fifo = dir.resolve("ca.pem");
    int mkfifo;
    try {
      mkfifo = new ProcessBuilder("mkfifo", fifo.toString()).inheritIO().start().waitFor();
    } catch (java.io.IOException e) {
      mkfifo = -1;
    }
    assumeThat(mkfifo).as("mkfifo is available").isZero();
    WatchRegistry registry = new WatchRegistry(Duration.ZERO, HostResolver.SYSTEM);
    ConsulConfig stuckConfig = ConsulConfig.newBuilder().address(agent.httpAddress()).tls(true)
        .caCertFile(fifo).build();
    registrar.register("fast", "fast-1", "127.0.0.1", backends.start("fast"));

    ManagedChannel stuck = channel("consul:///fast", new ResolverProviderCore(stuckConfig, registry));
    stuck.getState(true); // its subscribe() now blocks reading the FIFO, creating its client
    await().atMost(Duration.ofSeconds(10)).until(() -> readerBlockedOn(fifo));

    ManagedChannel fast = channel("consul:///fast", new ResolverProviderCore(config, registry));
    assertThat(call(fast)).isEqualTo("fast");
    assertShutsDownPromptly(fast, registry, 1);

    try (OutputStream unblock = Files.newOutputStream(fifo)) {
      unblock.write("not a certificate\n".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
    }
    assertShutsDownPromptly(stuck, registry, 0);
  }

  /** Whether some thread is inside a read of the FIFO (the stuck client creation). */
  private static boolean readerBlockedOn(Path fifo) {
    for (StackTraceElement[] stack : Thread.getAllStackTraces().values()) {
      for (StackTraceElement frame : stack) {
        if (frame.getClassName().endsWith("PemReader") || frame.getClassName().endsWith("HttpClients")) {
          return true;
        }
      }
    }
    return false;
  }

  /**
   * grpc's ManagedChannel always passes an offload executor; this provider hands the resolver the channel's own
   * Args without one, as a NameResolver used outside ManagedChannelImpl may get them.
   */
  private static final class NoOffloadExecutor extends NameResolverProvider {
    private final ResolverProviderCore delegate;
    final AtomicInteger created = new AtomicInteger();

    NoOffloadExecutor(ResolverProviderCore delegate) {
      this.delegate = delegate;
    }

    @Override
    public NameResolver newNameResolver(URI targetUri, NameResolver.Args args) {
      assertThat(args.getOffloadExecutor()).isNotNull(); // what the channel gave
      created.incrementAndGet();
      return delegate.newNameResolver(targetUri, args.toBuilder().setOffloadExecutor(null).build());
    }

    @Override
    public String getDefaultScheme() {
      return delegate.getDefaultScheme();
    }

    @Override
    protected boolean isAvailable() {
      return true;
    }

    @Override
    protected int priority() {
      return 5;
    }

    @Override
    public Collection<Class<? extends SocketAddress>> getProducedSocketAddressTypes() {
      return delegate.getProducedSocketAddressTypes();
    }
  }

  @Test
  void nullOffloadExecutor_manyConcurrentChannelCycles_neverDeadlock() throws Exception {
    WatchRegistry registry = new WatchRegistry(Duration.ZERO, HostResolver.SYSTEM);
    NoOffloadExecutor provider = new NoOffloadExecutor(new ResolverProviderCore(config, registry));
    registrar.register("hello", "hello-1", "127.0.0.1", backends.start("one"));
    registrar.register("other", "other-1", "127.0.0.1", backends.start("two"));
    int threads = 4;
    int cycles = 15;
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    try {
      List<Future<?>> runs = new ArrayList<>();
      for (int t = 0; t < threads; t++) {
        String service = t % 2 == 0 ? "hello" : "other"; // two shared watches, each joined and left concurrently
        String answer = t % 2 == 0 ? "one" : "two";
        runs.add(pool.submit(() -> {
          for (int i = 0; i < cycles; i++) {
            NameResolverRegistry resolvers = new NameResolverRegistry();
            resolvers.register(provider);
            ManagedChannel ch = Grpc.newChannelBuilder("consul:///" + service, InsecureChannelCredentials.create(),
                resolvers).build();
            try {
              if (i % 3 == 2) {
                ch.getState(true); // start resolving and leave at once, mid-subscribe
              } else {
                assertThat(call(ch)).isEqualTo(answer);
              }
            } finally {
              ch.shutdownNow();
            }
            assertThat(ch.awaitTermination(10, TimeUnit.SECONDS)).isTrue();
            assertThat(ch.getState(false)).isEqualTo(ConnectivityState.SHUTDOWN);
          }
          return null;
        }));
      }
      for (Future<?> run : runs) {
        try {
          run.get(60, TimeUnit.SECONDS);
        } catch (java.util.concurrent.TimeoutException e) {
          long[] deadlocked = ManagementFactory.getThreadMXBean().findDeadlockedThreads();
          throw new AssertionError("channel cycles did not finish; deadlocked threads: "
              + (deadlocked == null ? "none found" : deadlocked.length), e);
        }
      }
    } finally {
      pool.shutdownNow();
    }
    assertThat(provider.created.get()).isEqualTo(threads * cycles);
    assertThat(ManagementFactory.getThreadMXBean().findDeadlockedThreads()).isNull();
    await().atMost(Duration.ofSeconds(10)).until(() -> registry.watchCount() == 0 && registry.clientCount() == 0);
  }
}
