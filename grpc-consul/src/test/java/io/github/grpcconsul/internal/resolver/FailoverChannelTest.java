package io.github.grpcconsul.internal.resolver;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.github.grpcconsul.consul.ConsulConfig;
import io.github.grpcconsul.devagent.DevAgent;
import io.github.grpcconsul.registration.CheckStatus;
import io.grpc.Grpc;
import io.grpc.InsecureChannelCredentials;
import io.grpc.ManagedChannel;
import io.grpc.NameResolverRegistry;
import io.grpc.StatusRuntimeException;
import io.grpc.testing.protobuf.SimpleRequest;
import io.grpc.testing.protobuf.SimpleServiceGrpc;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** dc=dc1,dc2 over two dev agents joined as WAN peers: the channel follows the first datacenter with healthy ones. */
class FailoverChannelTest {

  private DevAgent dc1;
  private DevAgent dc2;
  private Backends backends;
  private Registrar inDc1;
  private Registrar inDc2;
  private WatchRegistry registry;
  private NameResolverRegistry resolvers;
  private ManagedChannel channel;

  @BeforeEach
  void setUp() {
    dc1 = DevAgent.builder().datacenter("dc1").nodeName("node-dc1").build();
    dc2 = DevAgent.builder().datacenter("dc2").nodeName("node-dc2").build();
    dc1.start();
    dc2.start();
    dc1.joinWan(dc2);
    backends = new Backends();
    ConsulConfig config = ConsulConfig.newBuilder().address(dc1.httpAddress()).build();
    inDc1 = new Registrar(config);
    inDc2 = new Registrar(ConsulConfig.newBuilder().address(dc2.httpAddress()).build());
    registry = new WatchRegistry(Duration.ZERO);
    resolvers = new NameResolverRegistry();
    resolvers.register(new ResolverProviderCore(config, registry));
  }

  @AfterEach
  void tearDown() throws Exception {
    if (channel != null) {
      channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    }
    backends.close();
    inDc1.close();
    inDc2.close();
    await().atMost(Duration.ofSeconds(10)).until(() -> registry.watchCount() == 0);
    dc1.close();
    dc2.close();
  }

  private ManagedChannel channel(String target) {
    channel = Grpc.newChannelBuilder(target, InsecureChannelCredentials.create(), resolvers)
        .defaultLoadBalancingPolicy("round_robin")
        .build();
    return channel;
  }

  private static String call(ManagedChannel ch) {
    return SimpleServiceGrpc.newBlockingStub(ch).withDeadlineAfter(10, TimeUnit.SECONDS)
        .unaryRpc(SimpleRequest.getDefaultInstance()).getResponseMessage();
  }

  @Test
  void lastHealthyInDc1Critical_movesCallsToDc2_withNoFailedCall_andBackWhenDc1Recovers() throws Exception {
    inDc1.register("svc", "svc-1", "127.0.0.1", backends.start("in-dc1"));
    inDc2.register("svc", "svc-2", "127.0.0.1", backends.start("in-dc2"));
    ManagedChannel ch = channel("consul:///svc?dc=dc1,dc2");
    assertThat(call(ch)).isEqualTo("in-dc1");
    // dc2 is watched all along (its first request may still be on its way, forwarded by dc1, when dc1 answered)
    await().atMost(Duration.ofSeconds(10)).until(() -> dc2.requestCount("/v1/health/service/svc") > 0);

    AtomicInteger failed = new AtomicInteger();
    inDc1.health("svc-1", CheckStatus.CRITICAL);
    await().atMost(Duration.ofSeconds(20)).until(() -> {
      try {
        return call(ch).equals("in-dc2");
      } catch (StatusRuntimeException e) {
        failed.incrementAndGet();
        return false;
      }
    });
    assertThat(failed).hasValue(0);
    for (int i = 0; i < 20; i++) {
      assertThat(call(ch)).isEqualTo("in-dc2");
    }

    inDc1.health("svc-1", CheckStatus.PASSING);
    await().atMost(Duration.ofSeconds(20)).until(() -> call(ch).equals("in-dc1"));
    assertThat(failed).hasValue(0);
  }

  @Test
  void unreachableFirstDatacenter_theNextOneServes() throws Exception {
    inDc1.register("svc", "svc-1", "127.0.0.1", backends.start("in-dc1"));
    dc2.stop(); // its agent is gone: dc1 answers "No path to datacenter" for it
    ManagedChannel ch = channel("consul:///svc?dc=dc2,dc1");
    assertThat(call(ch)).isEqualTo("in-dc1");
  }

  @Test
  void noHealthyInstanceAnywhere_failsNamingTheDatacenters() {
    ManagedChannel ch = channel("consul:///svc?dc=dc1,dc2");
    assertThatThrownBy(() -> call(ch))
        .isInstanceOf(StatusRuntimeException.class)
        .hasMessageContaining("no healthy instance of service \"svc\" in any of the datacenters dc1, dc2");
  }

  @Test
  void targetSyntax_rejectsEmptyAndRepeatedDatacenters() {
    assertThatThrownBy(() -> ConsulTarget.parse("consul:///svc?dc=dc1,,dc2"))
        .hasMessageContaining("empty datacenter name");
    assertThatThrownBy(() -> ConsulTarget.parse("consul:///svc?dc=dc1,dc1"))
        .hasMessageContaining("names datacenter \"dc1\" twice");
    assertThat(ConsulTarget.parse("consul:///svc?dc=dc1,dc2,dc3").datacenters()).containsExactly("dc1", "dc2", "dc3");
    assertThat(ConsulTarget.parse("consul:///svc?dc=dc1,dc2").datacenter()).isEqualTo("dc1");
  }
}
