package io.github.grpcconsul.internal.loadbalancer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Arrays;
import org.junit.jupiter.api.Test;

class SmoothScheduleTest {

  @Test
  void cycle_spreadsEachEntryEvenly() {
    assertThat(SmoothSchedule.cycle(new int[] {1, 3, 6})).containsExactly(2, 1, 2, 2, 1, 2, 2, 0, 1, 2);
  }

  @Test
  void cycle_isReducedByTheCommonDivisor() {
    assertThat(SmoothSchedule.cycle(new int[] {100, 300})).containsExactly(1, 1, 0, 1);
  }

  @Test
  void hugeWeights_areScaledToTheMaximumCycle_keepingEveryEntry() {
    int[] cycle = SmoothSchedule.cycle(new int[] {1, 65_535, 65_534});
    assertThat(cycle.length).isLessThanOrEqualTo(SmoothSchedule.MAX_CYCLE + 1);
    assertThat(Arrays.stream(cycle).filter(i -> i == 0).count()).isEqualTo(1);
    long ones = Arrays.stream(cycle).filter(i -> i == 1).count();
    long twos = Arrays.stream(cycle).filter(i -> i == 2).count();
    assertThat(Math.abs(ones - twos)).isLessThanOrEqualTo(1);
  }

  @Test
  void weightBelowOne_isRejected() {
    assertThatThrownBy(() -> SmoothSchedule.cycle(new int[] {1, 0}))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("weight 0");
  }
}
