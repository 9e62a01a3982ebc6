package io.github.grpcconsul.registration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.github.grpcconsul.consul.ConsulConfig;
import io.github.grpcconsul.devagent.DevAgent;
import java.time.Duration;
import java.util.logging.Level;
import org.junit.jupiter.api.Test;

class AclDeniedTest {
  @Test
  void deniedToken_isAClearError_namingTheMissingPermission_loggedOnce_neverTheToken() throws Exception {
    try (DevAgent agent = DevAgent.builder().aclManagementToken("root-secret").build();
        LogCapture log = new LogCapture()) {
      agent.start();
      ConsulConfig consul = ConsulConfig.newBuilder().address(agent.httpAddress()).token("not-the-secret").build();
      ConsulRegistration registration = ConsulRegistration.newBuilder("127.0.0.1", 4242, "billing")
          .consul(consul).ttlCheck(Duration.ofSeconds(5)).drainTime(Duration.ZERO).build();
      registration.start();
      try {
        await().atMost(Duration.ofSeconds(30)).until(() -> !log.messages(Level.SEVERE).isEmpty());
        // Retried with backoff (from 200 ms), still one message for the whole streak.
        await().atMost(Duration.ofSeconds(30)).until(() -> agent.requestCount("/v1/agent/service/register") >= 3);
        assertThat(log.messages(Level.SEVERE)).hasSize(1);
        String message = log.messages(Level.SEVERE).get(0);
        assertThat(message).contains("service:write").contains("\"billing\"").contains("403")
            .contains("does not know the ACL token")
            .doesNotContain("not-the-secret").doesNotContain("root-secret");
        assertThat(registration.isRegisteredForTest()).isFalse();
      } finally {
        registration.shutdownGracefully();
      }
    }
  }

  @Test
  void tokenLackingServiceWrite_isAClearError_namingThePermissionAndTheService() throws Exception {
    try (DevAgent agent = DevAgent.builder().aclManagementToken("root-secret").aclReadOnlyToken("reader").build();
        LogCapture log = new LogCapture()) {
      agent.start();
      ConsulConfig consul = ConsulConfig.newBuilder().address(agent.httpAddress()).token("reader").build();
      ConsulRegistration registration = ConsulRegistration.newBuilder("127.0.0.1", 4242, "billing")
          .consul(consul).drainTime(Duration.ZERO).build();
      registration.start();
      try {
        await().atMost(Duration.ofSeconds(30)).until(() -> !log.messages(Level.SEVERE).isEmpty());
        assertThat(log.messages(Level.SEVERE).get(0))
            .contains("lacks service:write on \"billing\"")
            .contains("service \"billing\" { policy = \"write\" }")
            .doesNotContain("reader").doesNotContain("root-secret");
      } finally {
        registration.shutdownGracefully();
      }
    }
  }
}
