package io.github.grpcconsul.internal.resolver;

import static org.awaitility.Awaitility.await;

import io.grpc.EquivalentAddressGroup;
import io.grpc.NameResolver;
import io.grpc.Status;
import io.grpc.StatusOr;
import io.grpc.SynchronizationContext;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Predicate;
import java.util.stream.Collectors;

/** Records what a resolver delivers, and checks it is delivered in the channel's SynchronizationContext. */
final class RecordingListener extends NameResolver.Listener2 {

  final List<StatusOr<List<EquivalentAddressGroup>>> results = new CopyOnWriteArrayList<>();
  final List<Throwable> contractViolations = new CopyOnWriteArrayList<>();
  private final SynchronizationContext syncContext;

  RecordingListener(SynchronizationContext syncContext) {
    this.syncContext = syncContext;
  }

  @Override
  public void onResult(NameResolver.ResolutionResult result) {
    contractViolations.add(new AssertionError("onResult called instead of onResult2"));
  }

  @Override
  public Status onResult2(NameResolver.ResolutionResult result) {
    try {
      syncContext.throwIfNotInThisSynchronizationContext();
    } catch (IllegalStateException e) {
      contractViolations.add(e);
    }
    results.add(result.getAddressesOrError());
    return Status.OK;
  }

  @Override
  public void onError(Status error) {
    contractViolations.add(new AssertionError("onError called instead of onResult2: " + error));
  }

  StatusOr<List<EquivalentAddressGroup>> last() {
    return results.isEmpty() ? null : results.get(results.size() - 1);
  }

  /** The ports in the last result, or null when the last result is an error or there is none. */
  Set<Integer> lastPorts() {
    StatusOr<List<EquivalentAddressGroup>> last = last();
    if (last == null || !last.hasValue()) {
      return null;
    }
    return ports(last.getValue());
  }

  static Set<Integer> ports(List<EquivalentAddressGroup> groups) {
    return groups.stream()
        .map(g -> ((InetSocketAddress) g.getAddresses().get(0)).getPort())
        .collect(Collectors.toSet());
  }

  /** Waits until the last result holds exactly these ports. */
  void awaitPorts(Integer... ports) {
    Set<Integer> expected = Set.of(ports);
    await().atMost(Duration.ofSeconds(10)).until(() -> expected.equals(lastPorts()));
  }

  /** Waits until the last result is an error and returns it. */
  Status awaitError() {
    await().atMost(Duration.ofSeconds(10)).until(() -> last() != null && !last().hasValue());
    return last().getStatus();
  }

  void awaitLast(Predicate<StatusOr<List<EquivalentAddressGroup>>> p) {
    await().atMost(Duration.ofSeconds(10)).until(() -> last() != null && p.test(last()));
  }

  List<StatusOr<List<EquivalentAddressGroup>>> snapshot() {
    return new ArrayList<>(results);
  }
}
