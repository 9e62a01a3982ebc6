package io.github.grpcconsul.devagent;

import java.io.IOException;
import java.net.BindException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.util.Map;
import java.util.function.Supplier;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;

/** One life of the agent between start and stop: server, threads and all state. A restart makes a new one. */
final class AgentRun {
  /**
   * Threads that answer woken blocking queries and delayed requests. New requests are served on the server's event
   * loops; only these batch answers (thousands of waiters woken by one change) are spread over more threads.
   */
  static final int DISPATCH_THREADS = 8;

  final NettyServer server;
  final StateStore store;
  final CheckRunner checks;
  private final ThreadPoolExecutor handlers;
  private final ScheduledThreadPoolExecutor timer;
  private final ThreadPoolExecutor probes;
  private final WanPeers wan;

  private AgentRun(NettyServer server, StateStore store, CheckRunner checks, ThreadPoolExecutor handlers,
      ScheduledThreadPoolExecutor timer, ThreadPoolExecutor probes, WanPeers wan) {
    this.wan = wan;
    this.server = server;
    this.store = store;
    this.checks = checks;
    this.handlers = handlers;
    this.timer = timer;
    this.probes = probes;
  }

  static AgentRun start(AgentConfig cfg, int port, DevAgent.Faults faults, RequestCounter counter,
      Map<String, Supplier<URI>> wanPeers) throws IOException {
    ThreadPoolExecutor handlers = new ThreadPoolExecutor(DISPATCH_THREADS, DISPATCH_THREADS, 30, TimeUnit.SECONDS,
        new LinkedBlockingQueue<>(), new NamedThreads("dispatch"));
    handlers.allowCoreThreadTimeOut(true);
    ScheduledThreadPoolExecutor timer = new ScheduledThreadPoolExecutor(1, new NamedThreads("timer"));
    // Thousands of parked queries cancel their timeouts when woken; drop those at once.
    timer.setRemoveOnCancelPolicy(true);
    ThreadPoolExecutor probes = new ThreadPoolExecutor(4, 4, 10, TimeUnit.SECONDS, new LinkedBlockingQueue<>(),
        new NamedThreads("probe"));
    probes.allowCoreThreadTimeOut(true);
    NettyServer server = null;
    try {
      StateStore store = new StateStore(cfg.datacenter(), cfg.nodeName(), cfg.advertiseAddress(), cfg.nodeMeta(),
          handlers, timer);
      CheckRunner checks = new CheckRunner(store, timer, probes);
      store.setLocalChecks(checks);
      registerDefinitions(cfg, store);
      checks.startReaper(cfg.checkReapInterval(), cfg.deregisterCriticalServiceAfterMin());
      Acl acl = new Acl(cfg.aclManagementToken(), cfg.aclReadOnlyToken(), cfg.aclDefaultAllow());
      Router router = Endpoints.routes(store, cfg);
      WanPeers wan = new WanPeers(cfg.datacenter(), wanPeers, handlers);
      HttpFront front = new HttpFront(router, acl, faults, counter, handlers, timer, wan);
      server = bind(cfg, port, front);
      return new AgentRun(server, store, checks, handlers, timer, probes, wan);
    } catch (IOException | RuntimeException e) {
      if (server != null) {
        server.stop();
      }
      handlers.shutdownNow();
      timer.shutdownNow();
      probes.shutdownNow();
      throw e;
    }
  }

  /** The config files' services, then their checks, as Consul registers them at start. */
  private static void registerDefinitions(AgentConfig cfg, StateStore store) {
    store.write(() -> {
      for (ServiceDef s : cfg.services()) {
        store.registerService(s, false);
      }
      for (CheckDef c : cfg.checks()) {
        ServiceEntry owner = null;
        if (!c.serviceId().isEmpty()) {
          owner = store.agentService(c.serviceId());
          if (owner == null) {
            throw new IllegalArgumentException("check \"" + c.checkId() + "\": ServiceID \"" + c.serviceId()
                + "\" does not exist (define the service in a config file too)");
          }
        }
        store.addAgentCheck(c, owner, false);
      }
    });
  }

  private static NettyServer bind(AgentConfig cfg, int port, HttpFront front) throws IOException {
    InetSocketAddress addr = new InetSocketAddress(cfg.host(), port);
    SSLContext ssl = cfg.tls() ? Pem.serverContext(cfg.tlsCert(), cfg.tlsKey(), cfg.tlsClientCa()) : null;
    return NettyServer.start(addr, ssl, cfg.tlsClientCa() != null, cfg.requestTimeout(), front);
  }

  static boolean isBindFailure(IOException e) {
    return e instanceof BindException;
  }

  InetSocketAddress address() {
    return server.address();
  }

  void stop() {
    server.stop();
    wan.stop();
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
