package io.github.grpcconsul.devagent;

import com.sun.net.httpserver.HttpServer;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsParameters;
import com.sun.net.httpserver.HttpsServer;
import java.io.IOException;
import java.net.BindException;
import java.net.InetSocketAddress;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;

/** One life of the agent between start and stop: server, threads and all state. A restart makes a new one. */
final class AgentRun {
  static final int HANDLER_THREADS = 8;

  final HttpServer server;
  final StateStore store;
  final CheckRunner checks;
  private final ThreadPoolExecutor handlers;
  private final ScheduledThreadPoolExecutor timer;
  private final ThreadPoolExecutor probes;

  private AgentRun(HttpServer server, StateStore store, CheckRunner checks, ThreadPoolExecutor handlers,
      ScheduledThreadPoolExecutor timer, ThreadPoolExecutor probes) {
    this.server = server;
    this.store = store;
    this.checks = checks;
    this.handlers = handlers;
    this.timer = timer;
    this.probes = probes;
  }

  static AgentRun start(AgentConfig cfg, int port, DevAgent.Faults faults, RequestCounter counter)
      throws IOException {
    ThreadPoolExecutor handlers = new ThreadPoolExecutor(HANDLER_THREADS, HANDLER_THREADS, 30, TimeUnit.SECONDS,
        new LinkedBlockingQueue<>(), new NamedThreads("http"));
    handlers.allowCoreThreadTimeOut(true);
    ScheduledThreadPoolExecutor timer = new ScheduledThreadPoolExecutor(1, new NamedThreads("timer"));
    // Thousands of parked queries cancel their timeouts when woken; drop those at once.
    timer.setRemoveOnCancelPolicy(true);
    ThreadPoolExecutor probes = new ThreadPoolExecutor(4, 4, 10, TimeUnit.SECONDS, new LinkedBlockingQueue<>(),
        new NamedThreads("probe"));
    probes.allowCoreThreadTimeOut(true);
    HttpServer server = null;
    try {
      StateStore store = new StateStore(cfg.datacenter(), cfg.nodeName(), cfg.advertiseAddress(), handlers, timer);
      CheckRunner checks = new CheckRunner(store, timer, probes);
      store.setLocalChecks(checks);
      checks.startReaper(cfg.checkReapInterval(), cfg.deregisterCriticalServiceAfterMin());
      Acl acl = new Acl(cfg.aclManagementToken(), cfg.aclReadOnlyToken());
      Router router = Endpoints.routes(store, cfg);
      HttpFront front = new HttpFront(router, acl, faults, counter, handlers, timer);
      server = bind(cfg, port);
      server.createContext("/", front::handle);
      server.setExecutor(handlers);
      server.start();
      return new AgentRun(server, store, checks, handlers, timer, probes);
    } catch (IOException | RuntimeException e) {
      if (server != null) {
        server.stop(0);
      }
      handlers.shutdownNow();
      timer.shutdownNow();
      probes.shutdownNow();
      throw e;
    }
  }

  private static HttpServer bind(AgentConfig cfg, int port) throws IOException {
    InetSocketAddress addr = new InetSocketAddress(cfg.host(), port);
    if (!cfg.tls()) {
      return HttpServer.create(addr, 1024);
    }
    SSLContext ssl = Pem.serverContext(cfg.tlsCert(), cfg.tlsKey(), cfg.tlsClientCa());
    HttpsServer https = HttpsServer.create(addr, 1024);
    boolean needClientAuth = cfg.tlsClientCa() != null;
    https.setHttpsConfigurator(new HttpsConfigurator(ssl) {
      @Override
      public void configure(HttpsParameters params) {
        SSLParameters p = getSSLContext().getDefaultSSLParameters();
        p.setNeedClientAuth(needClientAuth);
        params.setSSLParameters(p);
      }
    });
    return https;
  }

  static boolean isBindFailure(IOException e) {
    return e instanceof BindException;
  }

  InetSocketAddress address() {
    return server.getAddress();
  }

  void stop() {
    server.stop(0);
    checks.shutdown();
    handlers.shutdownNow();
    timer.shutdownNow();
    probes.shutdownNow();
    try {
      handlers.awaitTermination(5, TimeUnit.SECONDS);
      timer.awaitTermination(5, TimeUnit.SECONDS);
      probes.awaitTermination(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
