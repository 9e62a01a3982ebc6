/**
 * Load-balancing policies that act on what Consul knows about each instance: {@code consul_weighted_round_robin}
 * ({@link io.github.grpcconsul.loadbalancer.ConsulWeightedRoundRobinLoadBalancerProvider}).
 */
package io.github.grpcconsul.loadbalancer;
