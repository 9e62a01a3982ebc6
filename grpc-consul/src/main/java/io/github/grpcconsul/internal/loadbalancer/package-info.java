/**
 * Internal to grpc-consul: not a public API. The weighted round-robin balancer behind
 * {@link io.github.grpcconsul.loadbalancer.ConsulWeightedRoundRobinLoadBalancerProvider}. Everything in this package
 * may change or be removed in any release without notice.
 */
package io.github.grpcconsul.internal.loadbalancer;
