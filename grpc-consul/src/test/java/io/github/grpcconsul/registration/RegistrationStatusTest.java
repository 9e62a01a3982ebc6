package io.github.grpcconsul.registration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.github.grpcconsul.consul.ConsulConfig;
import io.github.grpcconsul.devagent.DevAgent;
import io.github.grpcconsul.devagent.junit.DevAgentExtension;
import io.github.grpcconsul.internal.consul.ConsulException;
import io.github.grpcconsul.registration.RegistrationStatus.State;
import java.io.IOException;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class RegistrationStatusTest {
  @RegisterExtension
  static final DevAgentExtension consul = DevAgentExtension.perClass();

  @Test
  void lifeCycle_startingRegisteredDrainingStopped_inOrder_onTheListenersExecutor() throws Exception {
    ExecutorService listenerThread = Executors.newSingleThreadExecutor(r -> new Thread(r, "status-listener"));
    List<String> seen = new CopyOnWriteArrayList<>();
    try {
      ConsulRegistration registration = ConsulRegistration.newBuilder("127.0.0.1", 4243, "status-ok")
          .consul(ConsulConfig.newBuilder().address(consul.agent().httpAddress()).build())
          .drainTime(Duration.ZERO).build();
      assertThat(registration.status().state()).isEqualTo(State.STARTING);
      assertThat(registration.status().description()).contains("not started");
      registration.addStatusListener(listenerThread,
          s -> seen.add(Thread.currentThread().getName() + ":" + s.state()));

      registration.start();
      assertThat(registration.awaitRegistered(Duration.ofSeconds(10))).isTrue();
      RegistrationStatus registered = registration.status();
      assertThat(registered.state()).isEqualTo(State.REGISTERED);
      assertThat(registered.lastFailure()).isEmpty();
      assertThat(registered.description()).contains("status-ok-127.0.0.1-4243");

      registration.shutdownGracefully();
      assertThat(registration.status().state()).isEqualTo(State.STOPPED);
      assertThat(registration.awaitRegistered(Duration.ofSeconds(1))).isFalse();
      await().atMost(Duration.ofSeconds(5)).until(() -> seen.size() >= 5);
      assertThat(seen).containsExactly("status-listener:STARTING", "status-listener:STARTING",
          "status-listener:REGISTERED", "status-listener:DRAINING", "status-listener:STOPPED");
    } finally {
      listenerThread.shutdownNow();
      assertThat(listenerThread.awaitTermination(5, TimeUnit.SECONDS)).isTrue();
    }
  }

  @Test
  void aclDenied_isRetrying_withTheCause_neverTheToken_andStoppedKeepsIt() throws Exception {
    try (DevAgent agent = DevAgent.builder().aclManagementToken("root-secret").aclReadOnlyToken("reader-secret")
        .build()) {
      agent.start();
      ConsulRegistration registration = ConsulRegistration.newBuilder("127.0.0.1", 4244, "billing")
          .consul(ConsulConfig.newBuilder().address(agent.httpAddress()).token("reader-secret").build())
          .drainTime(Duration.ZERO).build();
      registration.start();
      try {
        await().atMost(Duration.ofSeconds(10)).until(() -> registration.status().state() == State.RETRYING);
        RegistrationStatus status = registration.status();
        assertThat(status.lastFailure()).containsInstanceOf(ConsulException.class);
        assertThat(status.description()).startsWith("retrying: ACL denied (403 ")
            .doesNotContain("reader-secret").doesNotContain("root-secret");
        assertThat(registration.awaitRegistered(Duration.ofMillis(300))).isFalse();
      } finally {
        registration.shutdownGracefully();
      }
      RegistrationStatus stopped = registration.status();
      assertThat(stopped.state()).isEqualTo(State.STOPPED);
      assertThat(stopped.lastFailure()).containsInstanceOf(ConsulException.class);
      assertThat(stopped.description()).contains("never registered").contains("ACL denied")
          .doesNotContain("reader-secret");
    }
  }

  @Test
  void agentUnreachable_isRetrying_thenRegistered_whenTheAgentComesUp() throws Exception {
    int port;
    try (ServerSocket probe = new ServerSocket(0)) {
      port = probe.getLocalPort(); // closed again: nothing listens there
    }
    ConsulRegistration registration = ConsulRegistration.newBuilder("127.0.0.1", 4245, "status-down")
        .consul(ConsulConfig.newBuilder().address("127.0.0.1:" + port).build())
        .drainTime(Duration.ZERO).shutdownTimeout(Duration.ofSeconds(2)).build();
    registration.start();
    try {
      await().atMost(Duration.ofSeconds(10)).until(() -> registration.status().state() == State.RETRYING);
      assertThat(registration.status().description()).startsWith("retrying: agent unreachable (");
      assertThat(registration.status().lastFailure()).containsInstanceOf(IOException.class);
    } finally {
      registration.shutdownGracefully();
    }
  }
}
