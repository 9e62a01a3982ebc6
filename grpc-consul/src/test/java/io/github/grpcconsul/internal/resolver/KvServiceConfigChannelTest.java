package io.github.grpcconsul.internal.resolver;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.github.grpcconsul.consul.ConsulConfig;
import io.github.grpcconsul.devagent.DevAgent;
import io.github.grpcconsul.internal.consul.ConsulClient;
import io.grpc.Grpc;
import io.grpc.InsecureChannelCredentials;
import io.grpc.InsecureServerCredentials;
import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.grpc.NameResolverRegistry;
import io.grpc.Server;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.StreamObserver;
import io.grpc.testing.protobuf.SimpleRequest;
import io.grpc.testing.protobuf.SimpleResponse;
import io.grpc.testing.protobuf.SimpleServiceGrpc;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** A service config kept in Consul KV, read by a consul:// target with config=kv, over a flaky real server. */
class KvServiceConfigChannelTest {

  private static final String KEY = "grpc/service-config/flaky";
  private static final String RETRY_UNAVAILABLE = retry("UNAVAILABLE");
  private static final String RETRY_OTHER = retry("RESOURCE_EXHAUSTED");

  private DevAgent agent;
  private ConsulClient consul;
  private Registrar registrar;
  private WatchRegistry registry;
  private NameResolverRegistry resolvers;
  private Server server;
  private ManagedChannel channel;

  private static String retry(String code) {
    return "{\"methodConfig\": [{\"name\": [{\"service\": \"grpc.testing.SimpleService\"}], \"retryPolicy\": {"
        + "\"maxAttempts\": 3, \"initialBackoff\": \"0.01s\", \"maxBackoff\": \"0.1s\", \"backoffMultiplier\": 2,"
        + " \"retryableStatusCodes\": [\"" + code + "\"]}}]}";
  }

  @BeforeEach
  void setUp() throws Exception {
    agent = DevAgent.builder().build();
    agent.start();
    ConsulConfig config = ConsulConfig.newBuilder().address(agent.httpAddress()).build();
    consul = ConsulClient.create(config);
    registrar = new Registrar(config);
    registry = new WatchRegistry(Duration.ZERO);
    resolvers = new NameResolverRegistry();
    resolvers.register(new ResolverProviderCore(config, registry));
    AtomicInteger calls = new AtomicInteger();
    server = Grpc.newServerBuilderForPort(0, InsecureServerCredentials.create())
        .addService(new SimpleServiceGrpc.SimpleServiceImplBase() {
          @Override
          public void unaryRpc(SimpleRequest request, StreamObserver<SimpleResponse> response) {
            if (calls.incrementAndGet() % 2 == 1) { // every other call fails
              response.onError(Status.UNAVAILABLE.withDescription("flaky").asRuntimeException());
              return;
            }
            response.onNext(SimpleResponse.newBuilder().setResponseMessage("ok").build());
            response.onCompleted();
          }
        })
        .build()
        .start();
    registrar.register("flaky", "flaky-1", "127.0.0.1", server.getPort());
  }

  @AfterEach
  void tearDown() throws Exception {
    if (channel != null) {
      channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    }
    server.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    registrar.close();
    consul.close();
    await().atMost(Duration.ofSeconds(10)).until(() -> registry.clientCount() == 0);
    agent.close();
  }

  private ManagedChannel channel(String target, Map<String, ?> defaultConfig) {
    ManagedChannelBuilder<?> b = Grpc.newChannelBuilder(target, InsecureChannelCredentials.create(), resolvers);
    if (defaultConfig != null) {
      b.defaultServiceConfig(defaultConfig);
    }
    channel = b.build();
    return channel;
  }

  private void put(String value) throws Exception {
    assertThat(consul.kvPut(KEY, value.getBytes(StandardCharsets.UTF_8)).get(10, TimeUnit.SECONDS)).isTrue();
  }

  /** Calls 20 times; returns how many failed. */
  private int failures() {
    int failed = 0;
    SimpleServiceGrpc.SimpleServiceBlockingStub stub = SimpleServiceGrpc.newBlockingStub(channel);
    for (int i = 0; i < 20; i++) {
      try {
        stub.withDeadlineAfter(10, TimeUnit.SECONDS).unaryRpc(SimpleRequest.getDefaultInstance());
      } catch (StatusRuntimeException e) {
        failed++;
      }
    }
    return failed;
  }

  private void awaitFailures(boolean expected) {
    await().atMost(Duration.ofSeconds(20)).until(() -> (failures() > 0) == expected);
  }

  @Test
  void retryPolicyFromKv_makesTheFlakyServersCallsSucceed() throws Exception {
    put(RETRY_UNAVAILABLE);
    channel("consul:///flaky?config=kv", null);
    awaitFailures(false);
    assertThat(failures()).isZero();
  }

  @Test
  void changingTheKey_changesBehaviourLive() throws Exception {
    channel("consul:///flaky?config-key=" + KEY, null);
    assertThat(failures()).isEqualTo(10); // no key: no retry

    put(RETRY_UNAVAILABLE);
    awaitFailures(false);

    put(RETRY_OTHER);
    awaitFailures(true);
    assertThat(failures()).isEqualTo(10);
  }

  @Test
  void invalidJson_isIgnored_thenAValidOneIsUsed() throws Exception {
    put(RETRY_UNAVAILABLE);
    channel("consul:///flaky?config=kv", null);
    awaitFailures(false);

    put("{\"methodConfig\": [");  // broken: the retry policy stays
    put("{\"methodConfig\": [{\"name\": [{}], \"retryPolicy\": {\"maxAttempts\": 1}}]}"); // grpc rejects it
    assertThat(failures()).isZero();

    put(RETRY_OTHER);
    awaitFailures(true);
  }

  @Test
  void kvConfigOverridesTheDefault_andADeletedKeyFallsBackToIt() throws Exception {
    put(RETRY_OTHER);
    Map<String, ?> retryDefault = Map.of("methodConfig", List.of(Map.of(
        "name", List.of(Map.of("service", "grpc.testing.SimpleService")),
        "retryPolicy", Map.of("maxAttempts", 3.0, "initialBackoff", "0.01s", "maxBackoff", "0.1s",
            "backoffMultiplier", 2.0, "retryableStatusCodes", List.of("UNAVAILABLE")))));
    channel("consul:///flaky?config=kv", retryDefault);
    awaitFailures(true); // the KV config, without a retry for UNAVAILABLE, wins over the default

    consul.kvDelete(KEY).get(10, TimeUnit.SECONDS);
    awaitFailures(false); // no config in KV: the channel's defaultServiceConfig applies
  }
}
