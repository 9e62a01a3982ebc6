package io.github.grpcconsul.internal.resolver;

import io.github.grpcconsul.registration.CheckStatus;
import io.grpc.EquivalentAddressGroup;

/**
 * One service instance as the resolver hands it on: its address group (with Consul attributes) and health.
 *
 * <p>Threading: immutable; made on a watch's lane, read in the resolver's SynchronizationContext.
 */
final class Instance {

  private final EquivalentAddressGroup addressGroup;
  private final CheckStatus health;

  Instance(EquivalentAddressGroup addressGroup, CheckStatus health) {
    this.addressGroup = addressGroup;
    this.health = health;
  }

  EquivalentAddressGroup addressGroup() {
    return addressGroup;
  }

  /** The aggregated status of the instance's checks, node checks included; the worst one wins. */
  CheckStatus health() {
    return health;
  }
}
