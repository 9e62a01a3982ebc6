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
    if (opts.blocking()) {
      // Woken waiters of the same query share one rendering (see AnswerCache).
      String cacheKey = AnswerCache.key(req, req.allParams());
      Waiter w = new Waiter(topic, () -> indexOf.getAsLong() > opts.index(),
          () -> answer(req, store, opts, render, cacheKey), req.executor());
      if (store.park(w, opts.timeoutNanos())) {
        // A client that goes away stops waiting at once, not at its timeout.
        req.onCancel(() -> store.unpark(w));
        return;
      }
    }
    answer(req, store, opts, render, null);
  }

  private static void answer(ApiRequest req, StateStore store, QueryOptions opts, Supplier<QueryResult> render,
      String cacheKey) {
    QueryResult r;
    AnswerCache.Entry cached;
    try {
      cached = store.read(() -> cacheKey == null
          ? new AnswerCache.Entry(store.version(), render.get())
          : store.answers.getOrRender(cacheKey, store.version(), render));
      r = cached.result();
    } catch (ApiException e) {
      req.respondText(e.status, e.getMessage());
      return;
    } catch (RuntimeException | StackOverflowError e) {
      // A woken blocking query answers on a dispatcher thread, outside HttpFront.process and its catch.
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
      return;
    }
    byte[] body;
    try {
      body = cached.body();
    } catch (RuntimeException | StackOverflowError e) {
      HttpFront.internalError(req, e);
      return;
    }
    req.respond(r.status(), body, ApiRequest.JSON, cached::gzipped);
  }
}
