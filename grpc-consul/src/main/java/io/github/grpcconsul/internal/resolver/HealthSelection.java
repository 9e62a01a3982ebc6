package io.github.grpcconsul.internal.resolver;

import io.github.grpcconsul.registration.CheckStatus;
import io.grpc.EquivalentAddressGroup;
import io.grpc.Status;
import io.grpc.StatusOr;
import java.util.ArrayList;
import java.util.List;

/**
 * Applies a target's {@code health} filter and {@code empty} policy to a watch's instance list.
 *
 * <p>Threading: stateless static functions, called on the mapping thread of a watch (the blocking executor) or in the
 * resolver's SynchronizationContext; they never block.
 */
final class HealthSelection {

  private HealthSelection() {}

  /**
   * The address groups the load balancer should get, or UNAVAILABLE when the selection is empty and the target's
   * policy is to fail; an empty list would leave calls with grpc's generic "no usable address" message.
   */
  static StatusOr<List<EquivalentAddressGroup>> select(ConsulTarget target, List<Instance> instances) {
    List<EquivalentAddressGroup> selected = new ArrayList<>(instances.size());
    for (Instance instance : instances) {
      if (accepts(target.healthFilter(), instance.health())) {
        selected.add(instance.addressGroup());
      }
    }
    if (selected.isEmpty() && !instances.isEmpty() && target.emptyPolicy() == ConsulTarget.EmptyPolicy.UNHEALTHY) {
      for (Instance instance : instances) {
        selected.add(instance.addressGroup());
      }
    }
    if (selected.isEmpty()) {
      return StatusOr.fromStatus(Status.UNAVAILABLE.withDescription(noInstanceMessage(target, instances)));
    }
    return StatusOr.fromValue(List.copyOf(selected));
  }

  /** Whether some instance passes the target's {@code health} selection (its {@code empty} fallback aside). */
  static boolean hasSelected(ConsulTarget target, List<Instance> instances) {
    for (Instance instance : instances) {
      if (accepts(target.healthFilter(), instance.health())) {
        return true;
      }
    }
    return false;
  }

  private static boolean accepts(ConsulTarget.HealthFilter wanted, CheckStatus status) {
    switch (wanted) {
      case PASSING:
        return status == CheckStatus.PASSING;
      case WARNING:
        return status == CheckStatus.PASSING || status == CheckStatus.WARNING;
      case ANY:
        return true;
      default:
        throw new AssertionError(wanted);
    }
  }

  private static String noInstanceMessage(ConsulTarget target, List<Instance> instances) {
    String where = target.datacenters().size() > 1
        ? "any of the datacenters " + String.join(", ", target.datacenters())
        : target.datacenter() != null ? "datacenter \"" + target.datacenter() + "\"" : "the agent's datacenter";
    String what = describeSelection(target);
    if (instances.isEmpty()) {
      return "consul: no " + what + "instance of service \"" + target.service() + "\" in " + where
          + " (target " + target.text() + ")";
    }
    return "consul: no " + what + "instance of service \"" + target.service() + "\" in " + where + ": all "
        + instances.size() + " registered instance(s) fail their checks; add empty=unhealthy to the target to use"
        + " them anyway (target " + target.text() + ")";
  }

  private static String describeSelection(ConsulTarget target) {
    switch (target.healthFilter()) {
      case PASSING:
        return "healthy ";
      case WARNING:
        return "passing or warning ";
      default:
        return "";
    }
  }
}
