package io.github.grpcconsul.benchmarks.jmh;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import com.google.gson.stream.JsonWriter;
import io.github.grpcconsul.registration.CheckStatus;
import io.github.grpcconsul.internal.consul.HealthEntry;
import io.github.grpcconsul.internal.consul.HealthResponseParser;
import java.io.IOException;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Parsing a {@code GET /v1/health/service/:name} response of 5,000 instances: our streaming parser (Gson
 * {@code JsonReader} straight into {@link HealthEntry}) against the naive way (parse into a Gson tree, then walk the
 * tree into the same objects). Both start from the same UTF-8 bytes, decoded into one String.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class HealthParseBenchmark {
  @Param({"5000"})
  public int instances;

  private byte[] body;

  @Setup
  public void buildResponse() throws IOException {
    body = realisticResponse(instances).getBytes(StandardCharsets.UTF_8);
    // Both parsers must agree, or the comparison means nothing.
    List<HealthEntry> a = HealthResponseParser.parse(body);
    List<HealthEntry> b = treeParse(body);
    if (!a.equals(b) || a.size() != instances) {
      throw new IllegalStateException("parsers disagree");
    }
  }

  /**
   * A contention-proof cross-check of the JMH figures: alternates both parsers in one thread and sums the thread's CPU
   * time (which a loaded machine does not inflate the way it inflates wall-clock time). GC threads' time is not
   * counted, which favours the tree parse (it allocates more). Argument: rounds (default 40; the first half warms up).
   */
  public static void main(String[] args) throws IOException {
    int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 40;
    byte[] body = realisticResponse(5000).getBytes(StandardCharsets.UTF_8);
    java.lang.management.ThreadMXBean mx = java.lang.management.ManagementFactory.getThreadMXBean();
    long streaming = 0;
    long tree = 0;
    int sink = 0;
    for (int r = 0; r < rounds; r++) {
      long t0 = mx.getCurrentThreadCpuTime();
      sink += HealthResponseParser.parse(body).size();
      long t1 = mx.getCurrentThreadCpuTime();
      sink += treeParse(body).size();
      long t2 = mx.getCurrentThreadCpuTime();
      if (r >= rounds / 2) {
        streaming += t1 - t0;
        tree += t2 - t1;
      }
    }
    int measured = rounds - rounds / 2;
    System.out.printf("5000 instances, %d bytes, %d measured rounds (%d entries parsed): CPU ms/op streaming %.1f,"
        + " gsonTree %.1f, ratio %.2fx%n", body.length, measured, sink, streaming / 1e6 / measured,
        tree / 1e6 / measured, (double) tree / streaming);
  }

  @Benchmark
  public List<HealthEntry> streaming() throws IOException {
    return HealthResponseParser.parse(body);
  }

  /**
   * The floor: one plain pass over the same bytes (counting quote characters, so the loop cannot be dropped), which is
   * about what reading 7.5 MB from memory costs on this machine. No parser can be faster than one pass.
   */
  @Benchmark
  public int byteScan() {
    byte[] b = body;
    int quotes = 0;
    for (byte x : b) {
      if (x == '"') {
        quotes++;
      }
    }
    return quotes;
  }

  @Benchmark
  public List<HealthEntry> gsonTree() {
    return treeParse(body);
  }

  /** The same shape as Consul 1.16 output (consul-http-api.md §3.1): node check first, mesh fields, indexes. */
  public static String realisticResponse(int n) throws IOException {
    StringWriter out = new StringWriter();
    JsonWriter w = new JsonWriter(out);
    w.beginArray();
    for (int i = 0; i < n; i++) {
      String node = "node-" + (i / 4);
      String ip = "10." + (i >> 16 & 255) + "." + (i >> 8 & 255) + "." + (i & 255);
      String id = "helloserver-" + ip + "-50051";
      w.beginObject();
      w.name("Node").beginObject()
          .name("ID").value(String.format("%08x-d864-b1d3-e758-f3fe25a9874f", i))
          .name("Node").value(node).name("Address").value(ip).name("Datacenter").value("dc1")
          .name("TaggedAddresses").beginObject().name("lan").value(ip).name("lan_ipv4").value(ip)
          .name("wan").value(ip).name("wan_ipv4").value(ip).endObject()
          .name("Meta").beginObject().name("consul-network-segment").value("").name("consul-version").value("1.16.2")
          .name("rack").value("r" + (i % 8)).endObject()
          .name("CreateIndex").value(13 + i).name("ModifyIndex").value(14 + i)
          .endObject();
      w.name("Service").beginObject()
          .name("ID").value(id).name("Service").value("helloserver")
          .name("Tags").beginArray().value("v1").value("grpc").value(i % 2 == 0 ? "blue" : "green").endArray()
          .name("Address").value(ip)
          .name("TaggedAddresses").beginObject()
          .name("lan_ipv4").beginObject().name("Address").value(ip).name("Port").value(50051).endObject()
          .name("wan_ipv4").beginObject().name("Address").value(ip).name("Port").value(50051).endObject()
          .endObject()
          .name("Meta").beginObject().name("version").value("1.4." + (i % 10)).name("zone").value("a").endObject()
          .name("Port").value(50051)
          .name("Weights").beginObject().name("Passing").value(10).name("Warning").value(1).endObject()
          .name("EnableTagOverride").value(false)
          .name("Proxy").beginObject().name("Mode").value("").name("MeshGateway").beginObject().endObject()
          .name("Expose").beginObject().endObject().endObject()
          .name("Connect").beginObject().endObject()
          .name("PeerName").value("")
          .name("CreateIndex").value(25 + i).name("ModifyIndex").value(25 + i)
          .endObject();
      w.name("Checks").beginArray();
      check(w, node, "serfHealth", "Serf Health Status", "passing", "Agent alive and reachable", "", "", "");
      check(w, node, "service:" + id, "Service 'helloserver' check", i % 50 == 0 ? "warning" : "passing",
          "gRPC check " + ip + ":50051/helloserver: success", id, "helloserver", "grpc");
      w.endArray();
      w.endObject();
    }
    w.endArray();
    w.close();
    return out.toString();
  }

  private static void check(JsonWriter w, String node, String checkId, String name, String status, String output,
      String serviceId, String serviceName, String type) throws IOException {
    w.beginObject()
        .name("Node").value(node).name("CheckID").value(checkId).name("Name").value(name)
        .name("Status").value(status).name("Notes").value("").name("Output").value(output)
        .name("ServiceID").value(serviceId).name("ServiceName").value(serviceName);
    w.name("ServiceTags").beginArray();
    if (!serviceId.isEmpty()) {
      w.value("v1").value("grpc");
    }
    w.endArray();
    w.name("Type").value(type).name("Interval").value(type.isEmpty() ? "" : "5s")
        .name("Timeout").value(type.isEmpty() ? "" : "1s").name("ExposedPort").value(0)
        .name("Definition").beginObject().endObject()
        .name("CreateIndex").value(13).name("ModifyIndex").value(31)
        .endObject();
  }

  /** The naive way: a full Gson tree, then a walk over it. */
  static List<HealthEntry> treeParse(byte[] body) {
    JsonArray array = JsonParser.parseString(new String(body, StandardCharsets.UTF_8)).getAsJsonArray();
    List<HealthEntry> entries = new ArrayList<>(array.size());
    for (JsonElement el : array) {
      JsonObject o = el.getAsJsonObject();
      JsonObject n = o.getAsJsonObject("Node");
      JsonObject s = o.getAsJsonObject("Service");
      HealthEntry.Node node = new HealthEntry.Node(str(n, "ID"), str(n, "Node"), str(n, "Address"),
          str(n, "Datacenter"), map(n, "Meta"));
      JsonObject wt = s.getAsJsonObject("Weights");
      List<String> tags = new ArrayList<>();
      s.getAsJsonArray("Tags").forEach(t -> tags.add(t.getAsString()));
      HealthEntry.Service service = new HealthEntry.Service(str(s, "ID"), str(s, "Service"), str(s, "Address"),
          s.get("Port").getAsInt(), tags, map(s, "Meta"),
          new HealthEntry.Weights(wt.get("Passing").getAsInt(), wt.get("Warning").getAsInt()));
      List<HealthEntry.Check> checks = new ArrayList<>();
      for (JsonElement c : o.getAsJsonArray("Checks")) {
        JsonObject co = c.getAsJsonObject();
        checks.add(new HealthEntry.Check(str(co, "CheckID"), str(co, "Name"),
            CheckStatus.fromWire(str(co, "Status")), str(co, "ServiceID"), str(co, "Output")));
      }
      entries.add(new HealthEntry(node, service, checks));
    }
    return entries;
  }

  private static String str(JsonObject o, String name) {
    JsonElement e = o.get(name);
    return e == null || e.isJsonNull() ? null : e.getAsString();
  }

  private static Map<String, String> map(JsonObject o, String name) {
    JsonElement e = o.get(name);
    if (e == null || e.isJsonNull()) {
      return null;
    }
    Map<String, String> m = new HashMap<>();
    e.getAsJsonObject().entrySet().forEach(en -> m.put(en.getKey(), en.getValue().getAsString()));
    return m;
  }
}
