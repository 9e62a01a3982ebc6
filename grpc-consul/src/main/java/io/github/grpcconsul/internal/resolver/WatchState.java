package io.github.grpcconsul.internal.resolver;

import io.grpc.Status;
import java.util.List;

/**
 * What a {@link ServiceWatch} knows at one moment: the last good instance list (null until the first answer) and,
 * while Consul is failing, the error. The version grows with every change, so a subscriber can drop a state that a
 * newer one overtook on its way through the channel's executor.
 *
 * <p>Threading: immutable; made by a {@link ServiceWatch} on its lane (under the watch's lock) and read by
 * subscribers on any thread, finally in a resolver's SynchronizationContext.
 */
public final class WatchState {

  public static final WatchState INITIAL = new WatchState(0, null, null);

  private final long version;
  private final List<Instance> instances;
  private final Status error;

  private WatchState(long version, List<Instance> instances, Status error) {
    this.version = version;
    this.instances = instances;
    this.error = error;
  }

  public WatchState withInstances(List<Instance> newInstances) {
    return new WatchState(version + 1, List.copyOf(newInstances), null);
  }

  public WatchState withError(Status newError) {
    return new WatchState(version + 1, instances, newError);
  }

  public long version() {
    return version;
  }

  /** The last good list, or null while Consul has not answered yet. */
  public List<Instance> instances() {
    return instances;
  }

  /** The current error streak's last error, or null while Consul answers. */
  public Status error() {
    return error;
  }

  public boolean isEmpty() {
    return instances == null && error == null;
  }
}
