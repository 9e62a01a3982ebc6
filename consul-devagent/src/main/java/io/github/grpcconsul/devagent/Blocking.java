package io.github.grpcconsul.devagent;

import java.util.function.LongSupplier;
import java.util.function.Supplier;

/** Serves a read with Consul's blocking-query semantics, parking the request instead of holding a thread. */
final class Blocking {
  private Blocking() {}

  /**
   * Answers {@code req} with {@code render} now, or when {@code indexOf} exceeds the request's index, or when the
   * wait expires. {@code indexOf} and {@code render} run under the state lock; {@code topic} names the changes that
   * can move the index.
   */
  static void serve(ApiRequest req, StateStore store, String topic, LongSupplier indexOf,
      Supplier<QueryResult> render) {
    QueryOptions opts = QueryOptions.parse(req);
    Runnable answer = () -> answer(req, store, opts, render);
    if (opts.blocking()) {
      Waiter w = new Waiter(topic, () -> indexOf.getAsLong() > opts.index(), answer);
      if (store.park(w, opts.timeoutNanos())) {
        return;
      }
    }
    answer.run();
  }

  private static void answer(ApiRequest req, StateStore store, QueryOptions opts, Supplier<QueryResult> render) {
    QueryResult r;
    try {
      r = store.read(render);
    } catch (ApiException e) {
      req.respondText(e.status, e.getMessage());
      return;
    } catch (RuntimeException e) {
      HttpFront.internalError(req, e);
      return;
    }
    var h = req.responseHeaders();
    h.set("X-Consul-Index", Long.toString(Math.max(1, r.index())));
    h.set("X-Consul-KnownLeader", "true");
    h.set("X-Consul-LastContact", "0");
    h.set("X-Consul-Effective-Consistency", opts.consistency());
    h.set("X-Consul-Query-Backend", "blocking-query");
    if (opts.cached()) {
      h.set("X-Cache", "MISS");
    }
    if (r.filteredByAcl() && req.authz().tokenGiven) {
      h.set("X-Consul-Results-Filtered-By-ACLs", "true");
    }
    if (r.raw() != null) {
      req.respond(r.status(), r.raw(), r.rawContentType());
    } else {
      req.respondJson(r.status(), r.json());
    }
  }
}
