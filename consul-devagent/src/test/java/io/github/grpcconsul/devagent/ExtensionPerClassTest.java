package io.github.grpcconsul.devagent;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.grpcconsul.devagent.junit.DevAgentExtension;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.RegisterExtension;

/** perClass(): one agent shared by the class's tests, so state written by one test is seen by the next. */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ExtensionPerClassTest {
  @RegisterExtension
  static final DevAgentExtension consul = DevAgentExtension.perClass();

  static DevAgent first;

  @Test
  @Order(1)
  void writes(DevAgent agent) {
    first = agent;
    assertThat(agent).isSameAs(consul.agent());
    new Http(agent).put("/v1/kv/shared", "1");
  }

  @Test
  @Order(2)
  void seesTheSameAgent() {
    assertThat(consul.agent()).isSameAs(first);
    assertThat(new Http(consul.agent()).get("/v1/kv/shared").statusCode()).isEqualTo(200);
  }
}
