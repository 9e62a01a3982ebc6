package io.github.grpcconsul.examples.demo;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.grpcconsul.consul.ConsulConfig;
import io.github.grpcconsul.devagent.DevAgent;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import org.junit.jupiter.api.Test;

/** The demo uses the Consul at CONSUL_HTTP_ADDR when one answers, and says why when it starts its own. */
class ConsulEndpointTest {
  @Test
  void answeringConsul_isUsed_throughTheEnvironmentsConfig() throws Exception {
    try (DevAgent agent = DevAgent.builder().build()) {
      agent.start();
      ConsulConfig env = ConsulConfig.newBuilder().address(agent.httpAddress()).build();

      try (ConsulEndpoint endpoint = ConsulEndpoint.open(false, agent.httpAddress(), () -> env)) {
        assertThat(endpoint.embedded()).isFalse();
        assertThat(endpoint.config()).isSameAs(env);
        assertThat(endpoint.target("hello-demo")).isEqualTo("consul:///hello-demo");
        assertThat(endpoint.description()).contains("CONSUL_HTTP_ADDR=" + agent.httpAddress());
      }
    }
  }

  @Test
  void silentAddress_startsTheEmbeddedAgent_andSaysWhy() throws Exception {
    String silent;
    try (ServerSocket socket = new ServerSocket()) {
      socket.bind(new InetSocketAddress("127.0.0.1", 0));
      silent = "127.0.0.1:" + socket.getLocalPort();
    }
    ConsulConfig env = ConsulConfig.newBuilder().address(silent).build();

    try (ConsulEndpoint endpoint = ConsulEndpoint.open(false, silent, () -> env)) {
      assertThat(endpoint.embedded()).isTrue();
      assertThat(endpoint.description()).contains("no Consul answered at CONSUL_HTTP_ADDR=" + silent);
      assertThat(endpoint.target("hello-demo")).isEqualTo("consul://" + endpoint.embeddedAddress() + "/hello-demo");
    }
  }

  @Test
  void unsetAddress_orEmbeddedFlag_startTheEmbeddedAgent() throws Exception {
    try (ConsulEndpoint endpoint = ConsulEndpoint.open(false, null, () -> {
      throw new AssertionError("the environment is not read when CONSUL_HTTP_ADDR is unset");
    })) {
      assertThat(endpoint.embedded()).isTrue();
      assertThat(endpoint.description()).contains("CONSUL_HTTP_ADDR is not set");
    }
    try (ConsulEndpoint endpoint = ConsulEndpoint.open(true, "127.0.0.1:8500", () -> {
      throw new AssertionError("the environment is not read with --embedded");
    })) {
      assertThat(endpoint.embedded()).isTrue();
      assertThat(endpoint.description()).contains("--embedded");
    }
  }
}
