package io.github.grpcconsul.devagent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** "Called under the store lock" is checked by the code, not only said in comments. */
class StateStoreLockTest {
  private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor();
  private final StateStore store = new StateStore("dc1", "n", "127.0.0.1", Map.of(), Runnable::run, timer);

  @AfterEach
  void stop() {
    timer.shutdownNow();
  }

  @Test
  void readsAndWritesOutsideTheLockFailAtOnce() {
    assertThatThrownBy(() -> store.kvGet("k")).isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("store.read");
    assertThatThrownBy(() -> store.kvPut("k", new byte[0], null, null)).isInstanceOf(IllegalStateException.class);
    assertThatThrownBy(() -> store.instancesOf("consul")).isInstanceOf(IllegalStateException.class);
    assertThatThrownBy(() -> store.agentServices()).isInstanceOf(IllegalStateException.class);
    assertThatThrownBy(() -> store.version()).isInstanceOf(IllegalStateException.class);
  }

  @Test
  void insideReadAndWriteTheSameCallsWork() {
    assertThat(store.write(() -> store.kvPut("k", new byte[] {1}, null, null))).isTrue();
    assertThat(store.read(() -> store.kvGet("k").value())).containsExactly(1);
    assertThat(store.read(() -> store.instancesOf("consul"))).hasSize(1);
    // serfHealth (index 3) is a node check, so it moves the index of every service on the node.
    assertThat(store.serviceIndex("consul")).isEqualTo(3);
  }
}
