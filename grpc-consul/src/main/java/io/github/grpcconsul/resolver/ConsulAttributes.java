package io.github.grpcconsul.resolver;

import io.grpc.Attributes;
import io.grpc.EquivalentAddressGroup;
import java.util.List;
import java.util.Map;

/**
 * The Consul facts the {@code consul://} resolver attaches to every {@link EquivalentAddressGroup} it hands to the
 * channel's load balancer, read with {@code eag.getAttributes().get(ConsulAttributes.NODE)}. A custom load
 * balancer can use them (weights, tags, zone metadata); grpc's built-in policies ignore them.
 *
 * <p>Every key is set on every address group; collections are immutable and never null.
 *
 * <p>Threading: constants only; the attribute values are immutable and read by load balancers in the channel's
 * SynchronizationContext.
 */
public final class ConsulAttributes {

  private static final String PREFIX = "io.github.grpcconsul.resolver.";

  /** The Consul service instance ID ({@code Service.ID}). */
  public static final Attributes.Key<String> SERVICE_ID = Attributes.Key.create(PREFIX + "ServiceId");

  /** The name of the Consul node the instance is registered on ({@code Node.Node}). */
  public static final Attributes.Key<String> NODE = Attributes.Key.create(PREFIX + "Node");

  /** The datacenter of that node ({@code Node.Datacenter}). */
  public static final Attributes.Key<String> DATACENTER = Attributes.Key.create(PREFIX + "Datacenter");

  /** The instance's tags ({@code Service.Tags}), in Consul's order. */
  public static final Attributes.Key<List<String>> TAGS = Attributes.Key.create(PREFIX + "Tags");

  /** The instance's metadata ({@code Service.Meta}); empty when it has none. */
  public static final Attributes.Key<Map<String, String>> META = Attributes.Key.create(PREFIX + "Meta");

  /** The instance's weight while its checks pass ({@code Service.Weights.Passing}, Consul's default 1). */
  public static final Attributes.Key<Integer> WEIGHT_PASSING = Attributes.Key.create(PREFIX + "WeightPassing");

  /** The instance's weight while a check warns ({@code Service.Weights.Warning}, Consul's default 1). */
  public static final Attributes.Key<Integer> WEIGHT_WARNING = Attributes.Key.create(PREFIX + "WeightWarning");

  /**
   * The instance's aggregated check status, lower case as in Consul's API: {@code passing}, {@code warning},
   * {@code critical} or {@code maintenance} (a {@link io.github.grpcconsul.registration.CheckStatus#wireName()};
   * {@code CheckStatus.valueOf(health.toUpperCase(Locale.ROOT))} reads it back). Only other than {@code passing} when the target asks for
   * {@code health=warning}, {@code health=any} or falls back with {@code empty=unhealthy}.
   */
  public static final Attributes.Key<String> HEALTH = Attributes.Key.create(PREFIX + "Health");

  private ConsulAttributes() {}
}
