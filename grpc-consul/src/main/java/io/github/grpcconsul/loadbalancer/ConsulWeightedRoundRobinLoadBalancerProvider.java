package io.github.grpcconsul.loadbalancer;

import io.github.grpcconsul.internal.loadbalancer.WeightedRoundRobinLoadBalancer;
import io.github.grpcconsul.resolver.ConsulAttributes;
import io.grpc.LoadBalancer;
import io.grpc.LoadBalancerProvider;
import io.grpc.NameResolver.ConfigOrError;
import java.util.Map;

/**
 * The {@code consul_weighted_round_robin} load-balancing policy: round robin over the READY addresses in proportion
 * to Consul's service weights, read from the {@code consul://} resolver's {@link ConsulAttributes}: {@link
 * ConsulAttributes#WEIGHT_PASSING Weights.Passing} for a passing instance, {@link ConsulAttributes#WEIGHT_WARNING
 * Weights.Warning} for one that is not (warning, or worse when the target admits unhealthy instances).
 *
 * <p>Registered through {@code META-INF/services}; select it with {@code
 * ManagedChannelBuilder.defaultLoadBalancingPolicy("consul_weighted_round_robin")} or in a service config, {@code
 * {"loadBalancingConfig": [{"consul_weighted_round_robin": {}}]}}. It takes no settings.
 *
 * <ul>
 *   <li>Picks follow a smooth earliest-deadline-first cycle (with weights 1:3 the light address gets every fourth
 *       call, never four in a row), lock-free, and exact over every cycle.
 *   <li>A weight change in Consul only swaps the picker: connections are kept.
 *   <li>Weight 0 takes no calls while an address with a positive weight is READY.
 *   <li>Addresses without Consul attributes (another resolver) count as weight 1: the policy is then round robin.
 *   <li>Connection management is grpc's {@code round_robin}'s: eager connections, reconnect on IDLE, and
 *       TRANSIENT_FAILURE only when every address has failed.
 * </ul>
 *
 * <p>Threading: stateless and thread-safe; grpc calls {@code newLoadBalancer} in a channel's SynchronizationContext
 * and {@code parseLoadBalancingPolicyConfig} where it parses a service config; neither blocks.
 */
public final class ConsulWeightedRoundRobinLoadBalancerProvider extends LoadBalancerProvider {

  /** {@code consul_weighted_round_robin}, the name to select the policy by. */
  public static final String POLICY_NAME = "consul_weighted_round_robin";

  /** The provider {@code ServiceLoader} creates. */
  public ConsulWeightedRoundRobinLoadBalancerProvider() {}

  @Override
  public boolean isAvailable() {
    return true;
  }

  /** 5, grpc's default priority. */
  @Override
  public int getPriority() {
    return 5;
  }

  /** {@value #POLICY_NAME}. */
  @Override
  public String getPolicyName() {
    return POLICY_NAME;
  }

  @Override
  public LoadBalancer newLoadBalancer(LoadBalancer.Helper helper) {
    return new WeightedRoundRobinLoadBalancer(helper);
  }

  /** The policy has no settings, so any JSON object is accepted, as grpc's {@code round_robin} does. */
  @Override
  public ConfigOrError parseLoadBalancingPolicyConfig(Map<String, ?> rawConfig) {
    return ConfigOrError.fromConfig(POLICY_NAME);
  }
}
