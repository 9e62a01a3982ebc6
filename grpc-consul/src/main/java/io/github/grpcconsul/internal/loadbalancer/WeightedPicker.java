package io.github.grpcconsul.internal.loadbalancer;

import io.grpc.LoadBalancer.PickResult;
import io.grpc.LoadBalancer.PickSubchannelArgs;
import io.grpc.LoadBalancer.Subchannel;
import io.grpc.LoadBalancer.SubchannelPicker;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Picks READY subchannels in a precomputed smooth weighted cycle. Lock-free: a pick is one atomic increment and an
 * array read, safe from any thread. The position counter belongs to the balancer and outlives pickers, so a new
 * picker (after a state or weight change) continues the rotation instead of restarting at the heaviest address.
 *
 * <p>Threading: thread-safe and lock-free; built in the SynchronizationContext, {@code pickSubchannel} called by
 * grpc on any calling thread; never blocks.
 */
final class WeightedPicker extends SubchannelPicker {

  /** A READY subchannel and the weight it is picked with. */
  record Entry(Subchannel subchannel, int weight) {}

  private final List<Entry> entries;
  private final PickResult[] cycle;
  private final AtomicLong position;

  /**
   * @param entries non-empty, each weight at least 1
   * @param position shared with the balancer's later pickers
   */
  WeightedPicker(List<Entry> entries, AtomicLong position) {
    this.entries = List.copyOf(entries);
    this.position = position;
    int[] weights = new int[this.entries.size()];
    PickResult[] results = new PickResult[weights.length];
    for (int i = 0; i < weights.length; i++) {
      weights[i] = this.entries.get(i).weight();
      results[i] = PickResult.withSubchannel(this.entries.get(i).subchannel());
    }
    int[] order = SmoothSchedule.cycle(weights);
    this.cycle = new PickResult[order.length];
    for (int i = 0; i < order.length; i++) {
      cycle[i] = results[order[i]];
    }
  }

  @Override
  public PickResult pickSubchannel(PickSubchannelArgs args) {
    long n = position.getAndIncrement() & Long.MAX_VALUE;
    return cycle[(int) (n % cycle.length)];
  }

  int cycleLength() {
    return cycle.length;
  }

  /** Same subchannels with the same weights in the same order: the balancer then skips a redundant update. */
  @Override
  public boolean equals(Object o) {
    return o instanceof WeightedPicker p && p.position == position && p.entries.equals(entries);
  }

  @Override
  public int hashCode() {
    return entries.hashCode();
  }

  @Override
  public String toString() {
    return "WeightedPicker" + entries;
  }
}
