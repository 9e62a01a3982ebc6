package io.github.grpcconsul.devagent;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The one HTTP handler of the agent: counts the request, applies injected faults, resolves the ACL token, routes,
 * and turns every failure into Consul's plain-text error (never a stack trace).
 */
final class HttpFront {
  private static final Logger logger = Logger.getLogger(HttpFront.class.getName());
  static final byte[] MALFORMED = "{\"Node\": {\"this is not\" json".getBytes(StandardCharsets.UTF_8);

  private final Router router;
  private final Acl acl;
  private final DevAgent.Faults faults;
  private final RequestCounter counter;
  private final Executor handlers;
  private final ScheduledExecutorService timer;
  private final WanPeers wan;

  HttpFront(Router router, Acl acl, DevAgent.Faults faults, RequestCounter counter, Executor handlers,
      ScheduledExecutorService timer, WanPeers wan) {
    this.wan = wan;
    this.router = router;
    this.acl = acl;
    this.faults = faults;
    this.counter = counter;
    this.handlers = handlers;
    this.timer = timer;
  }

  /** Serves one complete request; called on the connection's event loop. */
  void handle(ApiRequest req) {
    counter.count(req.path);
    Duration delay = req.path.startsWith("/v1/") ? faults.delayFor(req.path) : null;
    if (delay != null && !delay.isZero()) {
      try {
        // Delayed requests wait on the timer, not on a handler thread, so other requests go on.
        timer.schedule(() -> handlers.execute(() -> process(req)), delay.toNanos(), TimeUnit.NANOSECONDS);
        return;
      } catch (RejectedExecutionException e) {
        req.respondText(503, "agent is stopping");
        return;
      }
    }
    process(req);
  }

  private void process(ApiRequest req) {
    try {
      req.responseHeaders().set("X-Consul-Default-ACL-Policy", acl.defaultPolicy());
      if (req.path.startsWith("/v1/")) {
        FaultRule fault = faults.responseFor(req.path);
        if (fault != null) {
          if (fault.kind() == FaultRule.Kind.MALFORMED) {
            req.responseHeaders().set("X-Consul-Index", "1");
            req.respond(200, MALFORMED, ApiRequest.JSON);
          } else {
            req.respondText(fault.status(), fault.body());
          }
          return;
        }
      }
      if (req.path.equals("/")) {
        req.responseHeaders().set("Location", "/ui/");
        req.respond(301, null, null);
        return;
      }
      rejectEnterprise(req);
      if (wan.handle(req)) {
        return; // for another datacenter: that datacenter's agent checks the token
      }
      req.setAuthzResolver(() -> acl.resolve(req));
      router.dispatch(req);
    } catch (ApiException e) {
      if (e.allow != null) {
        req.responseHeaders().set("Allow", e.allow);
      }
      req.respondText(e.status, e.getMessage());
    } catch (RuntimeException | StackOverflowError e) {
      internalError(req, e);
    }
  }

  /** Logs the failure with its stack trace and answers 500 with one line: the message, or the exception's name. */
  static void internalError(ApiRequest req, Throwable e) {
    logger.log(Level.WARNING, "unexpected failure serving " + req.method + " " + req.path, e);
    req.respondText(500, oneLine(e));
  }

  /** A client sees at most the first line of a message: some exceptions carry more (causes, dumps). */
  static String oneLine(Throwable e) {
    String msg = e.getMessage() == null ? "" : e.getMessage().strip();
    int eol = msg.indexOf('\n');
    if (eol >= 0) {
      msg = msg.substring(0, eol).strip();
    }
    return msg.isEmpty() ? e.getClass().getSimpleName() : msg;
  }

  private static void rejectEnterprise(ApiRequest req) {
    if (notEmpty(req.param("ns")) || notEmpty(req.header("X-Consul-Namespace"))) {
      throw ApiException.badRequest(Texts.NS_ENTERPRISE);
    }
    if (notEmpty(req.param("partition")) || notEmpty(req.header("X-Consul-Partition"))) {
      throw ApiException.badRequest(Texts.PARTITION_ENTERPRISE);
    }
  }

  private static boolean notEmpty(String s) {
    return s != null && !s.isEmpty();
  }
}
