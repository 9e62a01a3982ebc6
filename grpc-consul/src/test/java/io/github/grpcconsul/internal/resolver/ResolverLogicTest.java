package io.github.grpcconsul.internal.resolver;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.grpcconsul.registration.CheckStatus;
import io.github.grpcconsul.internal.consul.ConsulException;
import io.github.grpcconsul.internal.consul.HealthEntry;
import io.grpc.NameResolver;
import io.grpc.Status;
import io.grpc.SynchronizationContext;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

/** The resolver's rules without Consul: a hand-driven ServiceWatch feeds one resolver. */
class ResolverLogicTest {

  private final List<Throwable> uncaught = new ArrayList<>();
  private final SynchronizationContext syncContext = new SynchronizationContext((t, e) -> uncaught.add(e));
  private final ServiceWatch watch =
      new ServiceWatch("service \"web\" at test", false, Runnable::run, HostResolver.SYSTEM);
  private final List<Runnable> offloaded = new ArrayList<>();
  private final AtomicBoolean closed = new AtomicBoolean();

  private ConsulNameResolver resolver(String target) {
    return new ConsulNameResolver(ConsulTarget.parse(target), syncContext, offloaded::add, onState -> {
      watch.subscribe(onState);
      return () -> {
        closed.set(true);
        watch.unsubscribe(onState);
      };
    });
  }

  private RecordingListener start(NameResolver r) {
    RecordingListener listener = new RecordingListener(syncContext);
    syncContext.execute(() -> r.start(listener));
    offloaded.forEach(Runnable::run);
    offloaded.clear();
    return listener;
  }

  static HealthEntry entry(String id, int port, CheckStatus status) {
    return new HealthEntry(
        new HealthEntry.Node("node-id", "node-1", "127.0.0.1", "dc1", Map.of()),
        new HealthEntry.Service(id, "web", "", port, List.of("v1"), Map.of("k", "v"), new HealthEntry.Weights(3, 1)),
        List.of(new HealthEntry.Check("c:" + id, "check", status, id, "")));
  }

  @Test
  void start_doesNotSubscribeInTheSynchronizationContext() {
    ConsulNameResolver r = resolver("consul:///web");
    AtomicReference<Boolean> subscribedInline = new AtomicReference<>();
    RecordingListener listener = new RecordingListener(syncContext);
    syncContext.execute(() -> {
      r.start(listener);
      subscribedInline.set(!offloaded.isEmpty());
    });
    assertThat(subscribedInline.get()).isTrue(); // queued on the offload executor, not run
    assertThat(listener.results).isEmpty();
  }

  @Test
  void deliversInSyncContext_onlyChanges() {
    RecordingListener l = start(resolver("consul:///web?health=any"));
    watch.onEntries(List.of(entry("a", 1, CheckStatus.PASSING)));
    watch.onEntries(List.of(entry("a", 1, CheckStatus.PASSING)));
    assertThat(l.results).hasSize(1);
    watch.onEntries(List.of(entry("a", 1, CheckStatus.PASSING), entry("b", 2, CheckStatus.PASSING)));
    // same instances, other order: not a change
    watch.onEntries(List.of(entry("b", 2, CheckStatus.PASSING), entry("a", 1, CheckStatus.PASSING)));
    assertThat(l.results).hasSize(2);
    // an attribute change is a change
    watch.onEntries(List.of(entry("b", 2, CheckStatus.WARNING), entry("a", 1, CheckStatus.PASSING)));
    assertThat(l.results).hasSize(3);
    assertThat(l.contractViolations).isEmpty();
    assertThat(uncaught).isEmpty();
  }

  @Test
  void errors_overAGoodList_areNotReported() {
    RecordingListener l = start(resolver("consul:///web"));
    watch.onEntries(List.of(entry("a", 1, CheckStatus.PASSING)));
    watch.onError(new CompletionException(new IOException("connection refused")));
    watch.onError(new ConsulException(500, "boom", "GET", "/v1/health/service/web"));
    assertThat(l.results).hasSize(1);
    assertThat(l.lastPorts()).containsExactly(1);
    // recovery with the same list: nothing new to say
    watch.onEntries(List.of(entry("a", 1, CheckStatus.PASSING)));
    assertThat(l.results).hasSize(1);
  }

  @Test
  void errors_beforeAnyList_areReported_thenReplacedByTheList() {
    RecordingListener l = start(resolver("consul:///web"));
    watch.onError(new ConsulException(500, "boom", "GET", "/v1/health/service/web"));
    assertThat(l.last().hasValue()).isFalse();
    assertThat(l.last().getStatus().getCode()).isEqualTo(Status.Code.UNAVAILABLE);
    assertThat(l.last().getStatus().getDescription()).contains("service \"web\"").contains("500");
    watch.onEntries(List.of(entry("a", 1, CheckStatus.PASSING)));
    assertThat(l.lastPorts()).containsExactly(1);
  }

  @Test
  void newSubscriber_getsTheLastKnownStateAtOnce() {
    watch.onEntries(List.of(entry("a", 1, CheckStatus.PASSING)));
    RecordingListener l = start(resolver("consul:///web"));
    assertThat(l.lastPorts()).containsExactly(1);
  }

  @Test
  void staleStates_areDropped() {
    RecordingListener l = new RecordingListener(syncContext);
    AtomicReference<Consumer<WatchState>> sink = new AtomicReference<>();
    ConsulNameResolver raw = new ConsulNameResolver(ConsulTarget.parse("consul:///web"), syncContext, Runnable::run,
        onState -> {
          sink.set(onState);
          return () -> { };
        });
    syncContext.execute(() -> raw.start(l));
    WatchState first = WatchState.INITIAL.withInstances(InstanceMapper.map(List.of(entry("a", 1,
        CheckStatus.PASSING))));
    WatchState second = first.withInstances(InstanceMapper.map(List.of(entry("b", 2, CheckStatus.PASSING))));
    sink.get().accept(second);
    sink.get().accept(first);
    assertThat(l.lastPorts()).containsExactly(2);
  }

  @Test
  void shutdown_beforeSubscriptionCompletes_closesItWhenItArrives() {
    ConsulNameResolver r = resolver("consul:///web");
    RecordingListener listener = new RecordingListener(syncContext);
    syncContext.execute(() -> {
      r.start(listener);
      r.shutdown();
    });
    offloaded.forEach(Runnable::run);
    assertThat(closed).isTrue();
    watch.onEntries(List.of(entry("a", 1, CheckStatus.PASSING)));
    assertThat(listener.results).isEmpty();
  }

  @Test
  void shutdown_stopsDeliveries() {
    ConsulNameResolver r = resolver("consul:///web");
    RecordingListener l = start(r);
    watch.onEntries(List.of(entry("a", 1, CheckStatus.PASSING)));
    syncContext.execute(r::shutdown);
    assertThat(offloaded).hasSize(1); // the close itself is offloaded: it takes the registry's lock
    offloaded.forEach(Runnable::run);
    assertThat(closed).isTrue();
    watch.onEntries(List.of(entry("b", 2, CheckStatus.PASSING)));
    assertThat(l.results).hasSize(1);
  }

  @Test
  void subscribeFailure_isReportedNotThrown() {
    ConsulNameResolver r = new ConsulNameResolver(ConsulTarget.parse("consul:///web"), syncContext, Runnable::run,
        onState -> {
          throw new IllegalArgumentException("CONSUL_CACERT \"/nope\": no such file");
        });
    RecordingListener l = new RecordingListener(syncContext);
    syncContext.execute(() -> r.start(l));
    assertThat(l.last().getStatus().getDescription()).contains("consul:///web").contains("CONSUL_CACERT");
    assertThat(uncaught).isEmpty();
  }

  @Test
  void serviceAuthority_isTheServiceName() {
    assertThat(resolver("consul://127.0.0.1:8500/helloserver?tag=v1").getServiceAuthority())
        .isEqualTo("helloserver");
  }
}
