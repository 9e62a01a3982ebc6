package io.github.grpcconsul.internal.metrics;

import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.metrics.SdkMeterProvider;
import io.opentelemetry.sdk.metrics.data.DoublePointData;
import io.opentelemetry.sdk.metrics.data.HistogramPointData;
import io.opentelemetry.sdk.metrics.data.LongPointData;
import io.opentelemetry.sdk.metrics.data.MetricData;
import io.opentelemetry.sdk.metrics.data.PointData;
import io.opentelemetry.sdk.testing.exporter.InMemoryMetricReader;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.OptionalDouble;

/** An OpenTelemetry SDK with the in-memory metric reader, and look-ups over one collection. Test-only. */
public final class TestMetrics implements AutoCloseable {

  private final InMemoryMetricReader reader = InMemoryMetricReader.create();
  private final SdkMeterProvider meterProvider = SdkMeterProvider.builder().registerMetricReader(reader).build();
  private final OpenTelemetrySdk sdk = OpenTelemetrySdk.builder().setMeterProvider(meterProvider).build();

  public OpenTelemetry openTelemetry() {
    return sdk;
  }

  /** Collects now (runs every callback). */
  public Snapshot collect() {
    return new Snapshot(reader.collectAllMetrics());
  }

  @Override
  public void close() {
    sdk.close();
  }

  /** One collection. */
  public static final class Snapshot {
    public final Collection<MetricData> metrics;

    Snapshot(Collection<MetricData> metrics) {
      this.metrics = metrics;
    }

    public MetricData metric(String name) {
      return metrics.stream().filter(m -> m.getName().equals(name)).findFirst().orElse(null);
    }

    /** Every point of {@code name} (none when the metric has no series now). */
    public List<PointData> points(String name) {
      MetricData m = metric(name);
      return m == null ? List.of() : new ArrayList<>(m.getData().getPoints());
    }

    /** The value of the one point of {@code name} whose attributes include {@code attributes}; empty if none. */
    public OptionalDouble value(String name, Map<String, Object> attributes) {
      for (PointData p : points(name)) {
        if (matches(p.getAttributes(), attributes)) {
          if (p instanceof LongPointData l) {
            return OptionalDouble.of(l.getValue());
          }
          if (p instanceof DoublePointData d) {
            return OptionalDouble.of(d.getValue());
          }
          if (p instanceof HistogramPointData h) {
            return OptionalDouble.of(h.getCount());
          }
        }
      }
      return OptionalDouble.empty();
    }

    public double valueOr(String name, Map<String, Object> attributes, double otherwise) {
      OptionalDouble v = value(name, attributes);
      return v.isPresent() ? v.getAsDouble() : otherwise;
    }

    /** Histogram points of {@code name} whose attributes include {@code attributes}. */
    public List<HistogramPointData> histograms(String name, Map<String, Object> attributes) {
      List<HistogramPointData> out = new ArrayList<>();
      for (PointData p : points(name)) {
        if (p instanceof HistogramPointData h && matches(p.getAttributes(), attributes)) {
          out.add(h);
        }
      }
      return out;
    }

    /** Every attribute value of every point, as text. */
    public List<String> allAttributeValues() {
      List<String> out = new ArrayList<>();
      for (MetricData m : metrics) {
        for (PointData p : m.getData().getPoints()) {
          p.getAttributes().forEach((k, v) -> out.add(k.getKey() + "=" + v));
        }
      }
      return out;
    }

    /** Names of the metrics of this library (scope io.github.grpcconsul) that have at least one point. */
    public List<String> names(String prefix) {
      List<String> out = new ArrayList<>();
      for (MetricData m : metrics) {
        if (m.getName().startsWith(prefix) && !m.getData().getPoints().isEmpty()) {
          out.add(m.getName());
        }
      }
      return out;
    }

    private static boolean matches(Attributes actual, Map<String, Object> wanted) {
      for (Map.Entry<String, Object> e : wanted.entrySet()) {
        Object v = e.getValue() instanceof Integer i ? Long.valueOf(i) : e.getValue();
        Object have = actual.asMap().entrySet().stream()
            .filter(a -> a.getKey().getKey().equals(e.getKey()))
            .map(Map.Entry::getValue).findFirst().orElse(null);
        if (!v.equals(have)) {
          return false;
        }
      }
      return true;
    }
  }

  static AttributeKey<String> key(String name) {
    return AttributeKey.stringKey(name);
  }
}
