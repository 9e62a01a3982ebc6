package io.github.grpcconsul.internal.metrics;

import io.opentelemetry.api.GlobalOpenTelemetry;
import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.common.AttributesBuilder;
import io.opentelemetry.api.metrics.BatchCallback;
import io.opentelemetry.api.metrics.DoubleHistogram;
import io.opentelemetry.api.metrics.Meter;
import io.opentelemetry.api.metrics.MeterBuilder;
import io.opentelemetry.api.metrics.ObservableDoubleMeasurement;
import io.opentelemetry.api.metrics.ObservableLongMeasurement;
import io.opentelemetry.api.metrics.ObservableMeasurement;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.WeakHashMap;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The OpenTelemetry backend: the only class that uses OpenTelemetry types, loaded by {@link ConsulMetrics} through
 * reflection when the API is on the class path. One per {@code OpenTelemetry} instance (its instruments are made
 * once).
 *
 * <p>Series: watches and registrations with the same attributes form one group (two channels' watches of one
 * service that differ only in tags, say), whose values are summed (counts), or the worst taken (staleness,
 * consecutive errors); each group registers one batch callback while it has members and closes it with its last
 * member, so a closed channel or registration leaves no series and no callback. A member that leaves a group that
 * goes on hands its counts to the group, so counters never go down.
 *
 * <p>Threading: the group table is guarded by {@code this}, held only to add or remove a member (never while calling
 * OpenTelemetry); callbacks run on the SDK's collecting thread and read plain fields. Nothing here throws into the
 * library.
 */
final class OtelMetrics extends ConsulMetrics {

  private static final Logger logger = Logger.getLogger(OtelMetrics.class.getName());

  static final String SCOPE = "io.github.grpcconsul";

  static final AttributeKey<String> SERVICE = AttributeKey.stringKey("consul.service.name");
  static final AttributeKey<String> DATACENTER = AttributeKey.stringKey("consul.datacenter");
  static final AttributeKey<String> SERVER_ADDRESS = AttributeKey.stringKey("server.address");
  static final AttributeKey<Long> SERVER_PORT = AttributeKey.longKey("server.port");
  static final AttributeKey<String> HEALTH_STATE = AttributeKey.stringKey("consul.health.state");
  static final AttributeKey<String> OUTCOME = AttributeKey.stringKey("grpc_consul.outcome");
  static final AttributeKey<String> REGISTRATION_STATE = AttributeKey.stringKey("grpc_consul.registration.state");
  static final AttributeKey<String> METHOD = AttributeKey.stringKey("http.request.method");
  static final AttributeKey<String> URL_TEMPLATE = AttributeKey.stringKey("url.template");
  static final AttributeKey<Long> STATUS_CODE = AttributeKey.longKey("http.response.status_code");
  static final AttributeKey<String> ERROR_TYPE = AttributeKey.stringKey("error.type");

  /** Seconds; up to 10 min, because a blocking query is held up to its wait (5 min by default, 10 at most). */
  private static final List<Double> DURATION_BUCKETS = List.of(0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25,
      0.5, 1.0, 2.5, 5.0, 10.0, 30.0, 60.0, 120.0, 300.0, 600.0);
  private static final List<Double> DRAIN_BUCKETS = List.of(0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 15.0, 30.0, 60.0,
      120.0);

  private static final Map<OpenTelemetry, OtelMetrics> BACKENDS = new WeakHashMap<>(); // guarded by the class

  private final Meter meter;
  private final DoubleHistogram requestDuration;
  private final DoubleHistogram drainDuration;
  private final ObservableLongMeasurement watchInstances;
  private final ObservableLongMeasurement watchUpdates;
  private final ObservableDoubleMeasurement watchStaleness;
  private final ObservableLongMeasurement watchConsecutiveErrors;
  private final ObservableLongMeasurement watchRequests;
  private final ObservableLongMeasurement registrationState;
  private final ObservableLongMeasurement registrationHeartbeats;
  private final ObservableLongMeasurement registrationReregistrations;

  private final Map<Attributes, WatchGroup> watchGroups = new HashMap<>(); // guarded by this
  private final Map<Attributes, RegistrationGroup> registrationGroups = new HashMap<>(); // guarded by this
  /** Request attribute values → attributes; bounded as the attribute values are (and capped). */
  private final Map<RequestKey, Attributes> requestAttributes = new java.util.concurrent.ConcurrentHashMap<>();
  private volatile RequestKey lastRequest;

  private OtelMetrics(OpenTelemetry otel) {
    MeterBuilder mb = otel.getMeterProvider().meterBuilder(SCOPE);
    String version = OtelMetrics.class.getPackage().getImplementationVersion();
    if (version != null) {
      mb.setInstrumentationVersion(version);
    }
    meter = mb.build();
    requestDuration = meter.histogramBuilder("grpc_consul.client.request.duration").setUnit("s")
        .setDescription("Duration of HTTP requests to the Consul agent (a blocking query is held up to its wait).")
        .setExplicitBucketBoundariesAdvice(DURATION_BUCKETS).build();
    drainDuration = meter.histogramBuilder("grpc_consul.registration.drain.duration").setUnit("s")
        .setDescription("Time a graceful shutdown took to take the instance out of Consul: not serving, drain "
            + "wait, deregistration.")
        .setExplicitBucketBoundariesAdvice(DRAIN_BUCKETS).build();
    watchInstances = meter.upDownCounterBuilder("grpc_consul.watch.instances").setUnit("{instance}")
        .setDescription("Instances the watch hands to channels, by aggregated Consul health.").buildObserver();
    watchUpdates = meter.counterBuilder("grpc_consul.watch.updates").setUnit("{update}")
        .setDescription("New instance lists the watch delivered to its channels.").buildObserver();
    watchStaleness = meter.gaugeBuilder("grpc_consul.watch.staleness").setUnit("s")
        .setDescription("Seconds the watch's instance list has not been known current: 0 while its blocking "
            + "query is answered or held by the agent; else since the first failure of the error streak (since the "
            + "watch began, before the first answer).").buildObserver();
    watchConsecutiveErrors = meter.gaugeBuilder("grpc_consul.watch.consecutive_errors").ofLongs()
        .setUnit("{error}").setDescription("Failed requests of the watch since its last answer.").buildObserver();
    watchRequests = meter.counterBuilder("grpc_consul.watch.requests").setUnit("{request}")
        .setDescription("Blocking queries of the watch, by outcome.").buildObserver();
    registrationState = meter.upDownCounterBuilder("grpc_consul.registration.state").setUnit("{registration}")
        .setDescription("Registrations in each state (1 for the current state, 0 for the others).")
        .buildObserver();
    registrationHeartbeats = meter.counterBuilder("grpc_consul.registration.heartbeats").setUnit("{heartbeat}")
        .setDescription("TTL check updates sent, by outcome.").buildObserver();
    registrationReregistrations = meter.counterBuilder("grpc_consul.registration.reregistrations")
        .setUnit("{registration}")
        .setDescription("Registrations accepted after the first one: the agent had lost the instance.")
        .buildObserver();
  }

  /**
   * Called by {@link ConsulMetrics} through reflection: the backend for {@code openTelemetry} (an
   * {@code OpenTelemetry}), or for the global one when null; null when that is the no-op.
   */
  static ConsulMetrics forOpenTelemetry(Object openTelemetry) {
    // getOrNoop, not get(): get() would fix the global to a no-op before the application sets its SDK.
    OpenTelemetry otel = openTelemetry != null ? (OpenTelemetry) openTelemetry : GlobalOpenTelemetry.getOrNoop();
    if (otel == OpenTelemetry.noop()) {
      return null;
    }
    synchronized (OtelMetrics.class) {
      return BACKENDS.computeIfAbsent(otel, OtelMetrics::new);
    }
  }

  private static Attributes agentAttributes(String service, String datacenter, String host, int port) {
    AttributesBuilder b = Attributes.builder().put(SERVICE, service);
    if (datacenter != null) {
      b.put(DATACENTER, datacenter);
    }
    return b.put(SERVER_ADDRESS, host).put(SERVER_PORT, (long) port).build();
  }

  @Override
  public WatchMetrics watch(String service, String datacenter, String agentHost, int agentPort) {
    Attributes attributes = agentAttributes(service, datacenter, agentHost, agentPort);
    return join(watchGroups, attributes, WatchGroup::new, WatchMetrics::new);
  }

  @Override
  public RegistrationMetrics registration(String service, String agentHost, int agentPort) {
    Attributes attributes = agentAttributes(service, null, agentHost, agentPort);
    return join(registrationGroups, attributes, RegistrationGroup::new, RegistrationMetrics::new);
  }

  /** A new member of the group for {@code attributes}; the group's first member registers its callback. */
  private <M, G extends Group<M>> M join(Map<Attributes, G> groups, Attributes attributes,
      java.util.function.Function<Attributes, G> newGroup, java.util.function.Function<G, M> newMember) {
    G group;
    M member;
    synchronized (this) {
      group = groups.computeIfAbsent(attributes, newGroup);
      member = newMember.apply(group);
      group.members.add(member);
      if (group.members.size() > 1) {
        return member;
      }
    }
    group.register();
    return member;
  }

  @Override
  public void request(String method, String endpoint, String host, int port, long nanos, int status,
      Throwable error) {
    try {
      String errorType = error != null ? error.getClass().getName()
          : status >= 400 ? Integer.toString(status) : null;
      RequestKey k = lastRequest;
      if (k == null || !k.matches(method, endpoint, host, port, status, errorType)) {
        k = new RequestKey(method, endpoint, host, port, status, errorType, null);
        Attributes attributes = requestAttributes.get(k);
        if (attributes == null) {
          AttributesBuilder b = Attributes.builder().put(METHOD, method).put(URL_TEMPLATE, endpoint)
              .put(SERVER_ADDRESS, host).put(SERVER_PORT, (long) port);
          if (status > 0) {
            b.put(STATUS_CODE, (long) status);
          }
          if (errorType != null) {
            b.put(ERROR_TYPE, errorType);
          }
          attributes = b.build();
          if (requestAttributes.size() < 1024) {
            requestAttributes.put(k, attributes);
          }
        }
        k = new RequestKey(method, endpoint, host, port, status, errorType, attributes);
        lastRequest = k;
      }
      requestDuration.record(nanos / 1e9, k.attributes);
    } catch (RuntimeException | LinkageError e) {
      logger.log(Level.FINE, "consul: recording a request failed", e);
    }
  }

  /**
   * A request's attribute values; {@code attributes} is ignored by equals. The last one used is kept, so the steady
   * state (the same endpoint answering 200 again) allocates nothing.
   */
  private record RequestKey(String method, String endpoint, String host, int port, int status, String errorType,
      Attributes attributes) {
    boolean matches(String m, String e, String h, int p, int s, String t) {
      return p == port && s == status && m.equals(method) && e.equals(endpoint) && h.equals(host)
          && java.util.Objects.equals(t, errorType);
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof RequestKey r && r.matches(method, endpoint, host, port, status, errorType);
    }

    @Override
    public int hashCode() {
      return java.util.Objects.hash(method, endpoint, host, port, status, errorType);
    }
  }

  /**
   * Members (watches or registrations) with one set of attributes, and their one batch callback: registered by the
   * first member, closed with the last. A member that leaves while others stay hands its counts over
   * ({@link #retire}).
   */
  private abstract class Group<M> implements Runnable {
    final Attributes attributes;
    final List<M> members = new ArrayList<>(1); // guarded by OtelMetrics.this
    private final Map<Attributes, ? extends Group<M>> table;
    private BatchCallback callback; // guarded by OtelMetrics.this

    Group(Attributes attributes, Map<Attributes, ? extends Group<M>> table) {
      this.attributes = attributes;
      this.table = table;
    }

    /** The observable instruments this group's callback records. */
    abstract ObservableMeasurement[] instruments();

    /** Under the monitor: {@code member} leaves while the group goes on; keep its counts. */
    abstract void retire(M member);

    /** Records the members' values; {@code now} is a copy of the members, taken under the monitor. */
    abstract void observe(List<M> now);

    final void register() {
      BatchCallback cb;
      try {
        ObservableMeasurement[] all = instruments();
        cb = meter.batchCallback(this, all[0], java.util.Arrays.copyOfRange(all, 1, all.length));
      } catch (RuntimeException | LinkageError e) {
        logger.log(Level.FINE, "consul: registering a metrics callback failed", e);
        return;
      }
      boolean orphan;
      synchronized (OtelMetrics.this) {
        orphan = members.isEmpty(); // the only member left before the callback was registered
        if (!orphan) {
          callback = cb;
        }
      }
      if (orphan) {
        cb.close();
      }
    }

    final void leave(M member) {
      BatchCallback close = null;
      synchronized (OtelMetrics.this) {
        if (!members.remove(member)) {
          return;
        }
        if (members.isEmpty()) {
          table.remove(attributes, this);
          close = callback;
          callback = null;
        } else {
          retire(member);
        }
      }
      if (close != null) {
        close.close();
      }
    }

    @Override
    public final void run() {
      try {
        List<M> now;
        synchronized (OtelMetrics.this) {
          if (members.isEmpty()) {
            return;
          }
          now = new ArrayList<>(members);
        }
        observe(now);
      } catch (RuntimeException e) {
        logger.log(Level.FINE, "consul: collecting metrics failed", e);
      }
    }

    /** {@code attributes} plus {@code key} = each of {@code values}. */
    final Attributes[] with(AttributeKey<String> key, String[] values) {
      Attributes[] out = new Attributes[values.length];
      for (int i = 0; i < values.length; i++) {
        out[i] = attributes.toBuilder().put(key, values[i]).build();
      }
      return out;
    }
  }

  private final class WatchGroup extends Group<WatchMetrics> implements WatchMetrics.Owner {
    final Attributes[] byHealth = with(HEALTH_STATE, WatchMetrics.HEALTH_STATES);
    final Attributes[] byOutcome = with(OUTCOME, WatchMetrics.OUTCOMES);
    // guarded by OtelMetrics.this: the counts of members that left while the group went on
    long retiredUpdates;
    final long[] retiredRequests = new long[WatchMetrics.OUTCOMES.length];

    WatchGroup(Attributes attributes) {
      super(attributes, watchGroups);
    }

    @Override
    ObservableMeasurement[] instruments() {
      return new ObservableMeasurement[] {watchInstances, watchUpdates, watchStaleness, watchConsecutiveErrors,
          watchRequests};
    }

    @Override
    public void closed(WatchMetrics m) {
      leave(m);
    }

    @Override
    void retire(WatchMetrics m) {
      retiredUpdates += m.updates.get();
      for (int i = 0; i < retiredRequests.length; i++) {
        retiredRequests[i] += m.requests(i);
      }
    }

    @Override
    void observe(List<WatchMetrics> now) {
      long updates;
      long[] requests;
      synchronized (OtelMetrics.this) {
        updates = retiredUpdates;
        requests = retiredRequests.clone();
      }
      long nanos = System.nanoTime();
      double staleness = 0;
      long errors = 0;
      long[] health = new long[byHealth.length];
      for (WatchMetrics m : now) {
        staleness = Math.max(staleness, m.stalenessSeconds(nanos));
        errors = Math.max(errors, m.consecutiveErrors);
        updates += m.updates.get();
        for (int i = 0; i < health.length; i++) {
          health[i] += m.instancesIn(i);
        }
        for (int i = 0; i < requests.length; i++) {
          requests[i] += m.requests(i);
        }
      }
      for (int i = 0; i < health.length; i++) {
        watchInstances.record(health[i], byHealth[i]);
      }
      for (int i = 0; i < requests.length; i++) {
        watchRequests.record(requests[i], byOutcome[i]);
      }
      watchUpdates.record(updates, attributes);
      watchStaleness.record(staleness, attributes);
      watchConsecutiveErrors.record(errors, attributes);
    }
  }

  private final class RegistrationGroup extends Group<RegistrationMetrics> implements RegistrationMetrics.Owner {
    final Attributes[] byState = with(REGISTRATION_STATE, RegistrationMetrics.STATES);
    final Attributes[] byOutcome = with(OUTCOME, RegistrationMetrics.OUTCOMES);
    long retiredOk; // guarded by OtelMetrics.this, as the two below
    long retiredFailed;
    long retiredReregistrations;

    RegistrationGroup(Attributes attributes) {
      super(attributes, registrationGroups);
    }

    @Override
    ObservableMeasurement[] instruments() {
      return new ObservableMeasurement[] {registrationState, registrationHeartbeats, registrationReregistrations};
    }

    @Override
    public void closed(RegistrationMetrics m) {
      leave(m);
    }

    @Override
    public void drained(RegistrationMetrics m, double seconds) {
      try {
        drainDuration.record(seconds, attributes);
      } catch (RuntimeException e) {
        logger.log(Level.FINE, "consul: recording the drain duration failed", e);
      }
    }

    @Override
    void retire(RegistrationMetrics m) {
      retiredOk += m.beatsOk.get();
      retiredFailed += m.beatsFailed.get();
      retiredReregistrations += m.reregistrations.get();
    }

    @Override
    void observe(List<RegistrationMetrics> now) {
      long ok;
      long failed;
      long again;
      synchronized (OtelMetrics.this) {
        ok = retiredOk;
        failed = retiredFailed;
        again = retiredReregistrations;
      }
      long[] states = new long[byState.length];
      for (RegistrationMetrics m : now) {
        states[m.state]++;
        ok += m.beatsOk.get();
        failed += m.beatsFailed.get();
        again += m.reregistrations.get();
      }
      for (int i = 0; i < states.length; i++) {
        registrationState.record(states[i], byState[i]);
      }
      registrationHeartbeats.record(ok, byOutcome[0]);
      registrationHeartbeats.record(failed, byOutcome[1]);
      registrationReregistrations.record(again, attributes);
    }
  }
}
