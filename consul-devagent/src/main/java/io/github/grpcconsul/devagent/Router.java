package io.github.grpcconsul.devagent;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Consul's route table: Go ServeMux patterns (a trailing '/' means a prefix, the longest pattern wins), each with a
 * fixed method list; other methods get 405 with an Allow header.
 */
final class Router {
  /** Handles a request; {@code rest} is the path after the pattern (for prefix patterns). */
  interface Handler {
    void handle(ApiRequest req, String rest);
  }

  private record Route(String pattern, Set<String> methods, Handler handler) {
    boolean matches(String path) {
      return pattern.endsWith("/") ? path.startsWith(pattern) : path.equals(pattern);
    }
  }

  private final List<Route> routes = new ArrayList<>();

  Router get(String pattern, Handler h) {
    return add(pattern, Set.of("GET"), h);
  }

  Router put(String pattern, Handler h) {
    return add(pattern, Set.of("PUT"), h);
  }

  Router add(String pattern, Set<String> methods, Handler h) {
    routes.add(new Route(pattern, methods, h));
    return this;
  }

  /** Dispatches, or throws the 404/405 ApiException Consul would answer. */
  void dispatch(ApiRequest req) {
    Route best = null;
    for (Route r : routes) {
      if (r.matches(req.path) && (best == null || r.pattern.length() > best.pattern.length())) {
        best = r;
      }
    }
    if (best == null) {
      throw ApiException.notFound(req.path.contains("/v1/") ? Texts.NOT_AN_ENDPOINT + "\n" : Texts.NOT_V1 + "\n");
    }
    String allow = "OPTIONS," + String.join(",", order(best.methods));
    if (req.method.equals("OPTIONS")) {
      req.responseHeaders().set("Allow", allow);
      req.respondEmpty();
      return;
    }
    if (!best.methods.contains(req.method)) {
      throw new ApiException(405, Texts.methodNotAllowed(req.method), allow);
    }
    best.handler.handle(req, req.path.substring(Math.min(best.pattern.length(), req.path.length())));
  }

  private static List<String> order(Set<String> methods) {
    List<String> out = new ArrayList<>();
    for (String m : List.of("GET", "PUT", "POST", "DELETE")) {
      if (methods.contains(m)) {
        out.add(m);
      }
    }
    return out;
  }
}
