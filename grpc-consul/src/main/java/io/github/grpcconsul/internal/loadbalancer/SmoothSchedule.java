package io.github.grpcconsul.internal.loadbalancer;

import java.util.PriorityQueue;

/**
 * One cycle of an earliest-deadline-first schedule over weighted entries: entry {@code i} with weight {@code w}
 * appears {@code w} times per cycle, its k-th turn due at time {@code k / w}, so turns are spread evenly rather than
 * bunched. Built once per picker, in the SynchronizationContext; a pick then only indexes the cycle.
 *
 * <p>Threading: immutable once built in the SynchronizationContext; read by pickers on any thread.
 */
final class SmoothSchedule {

  /**
   * The longest cycle built. Weights whose sum (after dividing by their greatest common divisor) is larger are
   * scaled down to fit, each nonzero weight keeping at least one turn, so very uneven weights over many hosts lose
   * some precision instead of costing memory and build time.
   */
  static final int MAX_CYCLE = 1 << 16;

  private SmoothSchedule() {}

  /**
   * Returns the entry indices in pick order, one cycle long.
   *
   * @param weights one per entry, each at least 1
   */
  static int[] cycle(int[] weights) {
    if (weights.length == 0) {
      throw new IllegalArgumentException("no entries to schedule");
    }
    int[] w = reduce(weights);
    long total = 0;
    for (int x : w) {
      total += x;
    }
    if (total > MAX_CYCLE) {
      w = scale(w, total);
      total = 0;
      for (int x : w) {
        total += x;
      }
    }
    int[] turnsTaken = new int[w.length];
    // Entry i's next turn is due at (turnsTaken[i] + 1) / w[i]; ties go to the lower index, so equal weights
    // alternate in address order.
    int[] weightsFinal = w;
    PriorityQueue<Integer> due = new PriorityQueue<>(w.length, (a, b) -> {
      long lhs = (long) (turnsTaken[a] + 1) * weightsFinal[b];
      long rhs = (long) (turnsTaken[b] + 1) * weightsFinal[a];
      return lhs != rhs ? Long.compare(lhs, rhs) : Integer.compare(a, b);
    });
    for (int i = 0; i < w.length; i++) {
      due.add(i);
    }
    int[] order = new int[(int) total];
    for (int n = 0; n < order.length; n++) {
      int next = due.poll();
      order[n] = next;
      turnsTaken[next]++;
      if (turnsTaken[next] < w[next]) {
        due.add(next);
      }
    }
    return order;
  }

  private static int[] reduce(int[] weights) {
    int g = 0;
    for (int x : weights) {
      if (x < 1) {
        throw new IllegalArgumentException("weight " + x + " (expected: >= 1)");
      }
      g = gcd(g, x);
    }
    int[] w = new int[weights.length];
    for (int i = 0; i < w.length; i++) {
      w[i] = weights[i] / g;
    }
    return w;
  }

  private static int[] scale(int[] w, long total) {
    int[] scaled = new int[w.length];
    for (int i = 0; i < w.length; i++) {
      scaled[i] = (int) Math.max(1, Math.round((double) w[i] * MAX_CYCLE / total));
    }
    return scaled;
  }

  private static int gcd(int a, int b) {
    while (b != 0) {
      int t = a % b;
      a = b;
      b = t;
    }
    return a;
  }
}
