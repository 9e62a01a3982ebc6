package io.github.grpcconsul.registration;

import io.github.grpcconsul.internal.registration.AddressDetector;
import io.github.grpcconsul.internal.registration.RegistrationSettings;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.grpcconsul.consul.ConsulConfig;
import io.grpc.Grpc;
import io.grpc.InsecureServerCredentials;
import io.grpc.Server;
import io.grpc.protobuf.services.HealthStatusManager;
import io.grpc.testing.protobuf.SimpleServiceGrpc;
import java.net.InetAddress;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class ConsulRegistrationBuilderTest {
  private static final ConsulConfig CONSUL = ConsulConfig.newBuilder().address("127.0.0.1:1").build();

  private static ConsulRegistration.Builder builder() {
    return ConsulRegistration.newBuilder("127.0.0.1", 50051, "helloserver").consul(CONSUL);
  }

  @Test
  void setCheckStatus_refusesMaintenance_withTheFix() {
    ConsulRegistration registration = builder().build(); // never started: nothing to close
    assertThatThrownBy(() -> registration.setCheckStatus(CheckStatus.MAINTENANCE, "upgrade"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("use PASSING, WARNING or CRITICAL")
        .hasMessageContaining("consul maint -enable -service=helloserver-127.0.0.1-50051");
    registration.setCheckStatus(CheckStatus.WARNING, "fine before start");
  }

  @Test
  void defaults_idFromNameAddressAndPort_tenSecondTtlCheck_oneMinuteReap() {
    RegistrationSettings s = builder().build().settingsForTest();
    assertThat(s.id()).isEqualTo("helloserver-127.0.0.1-50051");
    assertThat(s.ttl()).isEqualTo(Duration.ofSeconds(10));
    assertThat(s.hasGrpcCheck()).isFalse();
    assertThat(s.deregisterCriticalServiceAfter()).isEqualTo(Duration.ofMinutes(1));
    assertThat(s.weightPassing()).isEqualTo(1);
  }

  @Test
  void ipv6Address_isBracketedInTheGrpcTarget_andSanitisedInTheId() {
    RegistrationSettings s = ConsulRegistration.newBuilder("fd00::5", 9090, "web").consul(CONSUL)
        .grpcCheck(Duration.ofSeconds(5)).build().settingsForTest();
    assertThat(s.grpcTarget()).isEqualTo("[fd00::5]:9090/web");
    assertThat(s.id()).isEqualTo("web-fd00--5-9090");
    assertThat(s.grpcTimeout()).isEqualTo(Duration.ofSeconds(5));
    assertThat(s.hasTtlCheck()).isFalse();
  }

  @Test
  void emptyName_failsFast() {
    assertThatThrownBy(() -> ConsulRegistration.newBuilder("127.0.0.1", 1, "").consul(CONSUL).build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("serviceName: '' (expected: a non-empty name such as \"helloserver\")");
  }

  @Test
  void portOutOfRange_failsFast() {
    assertThatThrownBy(() -> ConsulRegistration.newBuilder("127.0.0.1", 70000, "a").consul(CONSUL).build())
        .hasMessage("port: 70000 (expected: 1..65535)");
    assertThatThrownBy(() -> ConsulRegistration.newBuilder("127.0.0.1", 0, "a").consul(CONSUL).build())
        .hasMessage("port: 0 (expected: 1..65535)");
  }

  @Test
  void serverNotStarted_failsFastSayingToStartIt() {
    Server server = Grpc.newServerBuilderForPort(0, InsecureServerCredentials.create()).build();
    assertThatThrownBy(() -> ConsulRegistration.newBuilder(server, "a").consul(CONSUL).build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("port: -1 (expected: 1..65535; ")
        .hasMessageContaining("call server.start() before build()");
  }

  @Test
  void ttlNotPositive_failsFast() {
    assertThatThrownBy(() -> builder().ttlCheck(Duration.ZERO).build()).hasMessage("ttl: PT0S (expected: > 0)");
    assertThatThrownBy(() -> builder().ttlCheck(Duration.ofSeconds(-1)).build())
        .hasMessage("ttl: PT-1S (expected: > 0)");
  }

  @Test
  void drainLongerThanDeregisterAfter_failsFast() {
    assertThatThrownBy(() -> builder().drainTime(Duration.ofMinutes(2)).build())
        .hasMessageStartingWith("drainTime: PT2M (expected: < deregisterCriticalServiceAfter PT1M");
  }

  @Test
  void otherBadArguments_failFastNamingTheValue() {
    assertThatThrownBy(() -> builder().weights(0, 1).build())
        .hasMessage("weights: passing 0, warning 1 (expected: passing 1..65535, warning 0..65535)");
    assertThatThrownBy(() -> builder().meta("consul-x", "1").build()).hasMessageStartingWith("meta key: 'consul-x'");
    assertThatThrownBy(() -> builder().address("0.0.0.0").build()).hasMessageStartingWith("address: '0.0.0.0'");
    assertThatThrownBy(() -> builder().grpcCheck(Duration.ZERO).build())
        .hasMessage("grpcCheck interval: PT0S (expected: > 0)");
    assertThatThrownBy(() -> builder().deregisterCriticalServiceAfter(Duration.ZERO).build())
        .hasMessage("deregisterCriticalServiceAfter: PT0S (expected: > 0)");
    assertThatThrownBy(() -> builder().id("a/b").build()).hasMessageStartingWith("id: 'a/b'");
  }

  @Test
  void grpcCheck_onAServerWithoutTheHealthService_failsFastSayingHowToAddIt() throws Exception {
    Server server = Grpc.newServerBuilderForPort(0, InsecureServerCredentials.create())
        .addService(new SimpleServiceGrpc.SimpleServiceImplBase() {})
        .build().start();
    try {
      assertThatThrownBy(() -> ConsulRegistration.newBuilder(server, "a").consul(CONSUL)
          .grpcCheck(Duration.ofSeconds(1)).build())
          .hasMessageContaining("does not serve grpc.health.v1.Health")
          .hasMessageContaining(".addService(healthStatusManager.getHealthService())");

      Server withHealth = Grpc.newServerBuilderForPort(0, InsecureServerCredentials.create())
          .addService(new HealthStatusManager().getHealthService()).build().start();
      try {
        assertThat(ConsulRegistration.newBuilder(withHealth, "a").consul(CONSUL).address("127.0.0.1")
            .grpcCheck(Duration.ofSeconds(1)).build().port()).isEqualTo(withHealth.getPort());
      } finally {
        withHealth.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
      }
    } finally {
      server.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    }
  }

  @Test
  void addressDetection_prefersSiteLocalIpv4_skipsLoopbackAndLinkLocal_fallsBackToLoopback() throws Exception {
    InetAddress loopback = InetAddress.getByName("127.0.0.1");
    InetAddress linkLocal = InetAddress.getByName("fe80::1");
    InetAddress global6 = InetAddress.getByName("2001:db8::1");
    InetAddress global4 = InetAddress.getByName("203.0.113.7");
    InetAddress site4 = InetAddress.getByName("10.0.0.5");
    assertThat(AddressDetector.choose(List.of(loopback, linkLocal, global6, global4, site4))).isEqualTo("10.0.0.5");
    assertThat(AddressDetector.choose(List.of(loopback, global6, global4))).isEqualTo("203.0.113.7");
    assertThat(AddressDetector.choose(List.of(linkLocal, global6))).isEqualTo("2001:db8:0:0:0:0:0:1");
    assertThat(AddressDetector.choose(List.of(loopback, linkLocal))).isEqualTo("127.0.0.1");
  }

  @Test
  void buildingWithoutStarting_holdsNoThread_andShutdownIsHarmless() {
    ConsulRegistration registration = builder().build();
    registration.shutdownGracefully();
    registration.shutdownGracefully();
    assertThat(Threads.named("grpc-consul-registration")).isEmpty();
    assertThatThrownBy(registration::start).isInstanceOf(IllegalStateException.class);
  }
}
