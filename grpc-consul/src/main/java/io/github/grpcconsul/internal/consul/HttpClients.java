package io.github.grpcconsul.internal.consul;

import io.github.grpcconsul.consul.ConsulConfig;
import java.io.IOException;
import java.lang.reflect.Method;
import java.net.http.HttpClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executor;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The JDK {@link HttpClient} requests go through, rebuilt when the CA, client certificate or key file changes.
 *
 * <p>An {@code HttpClient}'s {@code SSLContext} is fixed, so a rotated certificate needs a new client. Each
 * {@link #current()} stats the TLS files (as {@link TokenSource} does for the token file: modification time, size
 * and file key, a few microseconds); when one changed, the files are read again and a new client replaces the old one
 * for new requests. Requests in flight on the old client finish on it (a blocking query keeps its connection until
 * Consul answers); nothing keeps a reference to the old client after that, so on JDK 17 its selector thread ends once
 * it is unreachable, and on JDK 21+ it is also told to {@code shutdown()} (which lets in-flight exchanges finish).
 * All clients run on the same executor, owned by {@link ConsulClient}.
 *
 * <p>Files that changed but cannot be used (say the certificate was written and the key not yet) fail the request
 * with a {@link ConsulTlsException} naming the file; the next request looks again.
 *
 * <p>Threading: thread-safe; {@link #current()} is called for every request on the thread that sends it and, under
 * this object's monitor, stats the TLS files (and re-reads them and builds a new {@code HttpClient} when one
 * changed): file I/O, so it may block briefly. The constructor reads the files on the thread creating the {@link
 * ConsulClient}.
 */
final class HttpClients {
  private static final Logger logger = Logger.getLogger(HttpClients.class.getName());

  private final ConsulConfig config;
  private final Executor executor;
  private final boolean tls;
  private final List<Path> files;
  private final TlsProblems.Observations observations = new TlsProblems.Observations();
  private final List<String> names = new CopyOnWriteArrayList<>();

  private HttpClient current; // guarded by this
  private List<X509Certificate> clientChain = List.of(); // guarded by this
  private List<Stamp> stamps; // guarded by this; null until files were read
  private boolean closed; // guarded by this

  private record Stamp(Object modified, long size, Object fileKey) {}

  /**
   * Builds the first client.
   *
   * @throws IOException when a TLS file cannot be read or used; the message names the file, setting and fix
   */
  HttpClients(ConsulConfig config, Executor executor) throws IOException {
    this.config = Objects.requireNonNull(config, "config");
    this.executor = Objects.requireNonNull(executor, "executor");
    this.tls = ConfigAccess.usesTls(config);
    List<Path> f = new ArrayList<>();
    if (tls) {
      for (Path p : new Path[] {config.caCertFile(), config.clientCertFile(), config.clientKeyFile()}) {
        if (p != null) {
          f.add(p);
        }
      }
    }
    this.files = List.copyOf(f);
    synchronized (this) {
      List<Stamp> s = stat();
      current = build();
      stamps = s;
    }
  }

  /** The client for the next request: a new one when a TLS file changed since the last look. */
  HttpClient current() throws IOException {
    HttpClient retired;
    HttpClient fresh;
    synchronized (this) {
      if (closed) {
        throw new IllegalStateException("ConsulClient is closed");
      }
      if (files.isEmpty()) {
        return current;
      }
      List<Stamp> now = stat();
      if (now.equals(stamps)) {
        return current;
      }
      try {
        fresh = build();
      } catch (IOException e) {
        throw new ConsulTlsException(ConsulTlsException.Kind.TLS_FILES, "TLS files for Consul changed and cannot be"
            + " used: " + e.getMessage(), e);
      }
      retired = current;
      current = fresh;
      stamps = now;
    }
    logger.log(Level.INFO, "consul: TLS files changed ({0}); new connections use them", files);
    shutdown(retired, "shutdown");
    return fresh;
  }

  /** The client chain of the files last read (empty without a client certificate). */
  synchronized List<X509Certificate> clientChain() {
    return clientChain;
  }

  TlsProblems.Observations observations() {
    return observations;
  }

  /** The {@code toString()} of every client built, first one first (it carries the selector thread's id). */
  List<String> names() {
    return List.copyOf(names);
  }

  /** Drops the current client (shutdownNow on JDK 21+); {@link #current()} fails afterwards. */
  void close() {
    HttpClient last;
    synchronized (this) {
      if (closed) {
        return;
      }
      closed = true;
      last = current;
      current = null;
    }
    shutdown(last, "shutdownNow");
  }

  // guarded by this
  private HttpClient build() throws IOException {
    HttpClient.Builder b = HttpClient.newBuilder()
        .executor(executor)
        .connectTimeout(config.connectTimeout())
        .followRedirects(HttpClient.Redirect.NEVER)
        // HTTP/1.1: no h2c upgrade dance over plain HTTP; one connection per concurrent blocking query.
        .version(HttpClient.Version.HTTP_1_1);
    List<X509Certificate> chain = List.of();
    if (tls) {
      TlsSupport.Material m = TlsSupport.load(config, observations);
      b.sslContext(m.context());
      chain = m.clientChain();
    }
    HttpClient client = b.build();
    clientChain = chain;
    names.add(client.toString());
    return client;
  }

  private List<Stamp> stat() throws IOException {
    List<Stamp> out = new ArrayList<>(files.size());
    for (Path p : files) {
      try {
        BasicFileAttributes a = Files.readAttributes(p, BasicFileAttributes.class);
        out.add(new Stamp(a.lastModifiedTime(), a.size(), a.fileKey()));
      } catch (IOException e) {
        throw new ConsulTlsException(ConsulTlsException.Kind.TLS_FILES, "TLS file \"" + p + "\" for Consul ("
            + setting(p) + ") cannot be read: " + e + ": fix the path or the file's permissions", e);
      }
    }
    return out;
  }

  private String setting(Path p) {
    if (p.equals(config.caCertFile())) {
      return "CONSUL_CACERT / caCertFile";
    }
    return p.equals(config.clientCertFile()) ? "CONSUL_CLIENT_CERT / clientCertFile"
        : "CONSUL_CLIENT_KEY / clientKeyFile";
  }

  /** JDK 21+: {@code shutdown()} (graceful) or {@code shutdownNow()}; JDK 17 has neither and needs none. */
  private static void shutdown(HttpClient client, String method) {
    if (client == null) {
      return;
    }
    try {
      Method m = HttpClient.class.getMethod(method);
      m.invoke(client);
    } catch (NoSuchMethodException e) {
      // JDK < 21: the client ends its selector thread once unreachable.
    } catch (ReflectiveOperationException | RuntimeException e) {
      logger.log(Level.FINE, "HttpClient." + method + " failed", e);
    }
  }
}
