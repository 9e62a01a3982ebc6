package io.github.grpcconsul.devagent;

import io.grpc.ChannelCredentials;
import io.grpc.Grpc;
import io.grpc.InsecureChannelCredentials;
import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.grpc.Status;
import io.grpc.TlsChannelCredentials;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthCheckResponse;
import io.grpc.health.v1.HealthGrpc;
import io.grpc.netty.shaded.io.netty.handler.ssl.util.InsecureTrustManagerFactory;
import io.grpc.stub.StreamObserver;
import java.time.Duration;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;

/**
 * Consul's gRPC check: grpc.health.v1.Health/Check against "host:port[/service]". One channel per target and TLS
 * setting, shared by the checks that probe it and shut down when the last of them goes away.
 */
final class GrpcProbes {
  private record Key(String hostPort, boolean tls, boolean skipVerify, String serverName) {}

  private static final class Shared {
    final ManagedChannel channel;
    int users;

    Shared(ManagedChannel channel) {
      this.channel = channel;
    }
  }

  private final Executor executor;
  private final Map<Key, Shared> channels = new HashMap<>();

  GrpcProbes(Executor executor) {
    this.executor = executor;
  }

  private static Key key(CheckDef def) {
    String target = def.grpc();
    int slash = target.indexOf('/');
    String hostPort = slash < 0 ? target : target.substring(0, slash);
    return new Key(hostPort, def.grpcUseTls(), def.tlsSkipVerify(), def.tlsServerName());
  }

  /** Claims the shared channel for a started check; the address is checked here, errors are the check's output. */
  synchronized void register(CheckDef def) {
    Key k = key(def);
    Shared s = channels.get(k);
    if (s == null) {
      HostPort hp;
      try {
        hp = HostPort.parse(k.hostPort());
      } catch (IllegalArgumentException e) {
        return;
      }
      ChannelCredentials creds = InsecureChannelCredentials.create();
      if (k.tls()) {
        TlsChannelCredentials.Builder b = TlsChannelCredentials.newBuilder();
        if (k.skipVerify()) {
          b.trustManager(InsecureTrustManagerFactory.INSTANCE.getTrustManagers());
        }
        creds = b.build();
      }
      ManagedChannelBuilder<?> builder = Grpc.newChannelBuilderForAddress(hp.host(), hp.port(), creds)
          .executor(executor);
      if (!k.serverName().isEmpty()) {
        builder.overrideAuthority(k.serverName());
      }
      s = new Shared(builder.build());
      channels.put(k, s);
    }
    s.users++;
  }

  synchronized void release(CheckDef def) {
    Key k = key(def);
    Shared s = channels.get(k);
    if (s != null && --s.users <= 0) {
      channels.remove(k);
      s.channel.shutdownNow();
    }
  }

  synchronized int channelCount() {
    return channels.size();
  }

  void probe(CheckDef def, Duration timeout, ProbeResult.Callback done) {
    Shared shared;
    synchronized (this) {
      shared = channels.get(key(def));
    }
    if (shared == null) {
      try {
        HostPort.parse(key(def).hostPort());
        done.complete(CheckStatus.CRITICAL, "gRPC check " + def.grpc() + ": check stopped");
      } catch (IllegalArgumentException e) {
        done.complete(CheckStatus.CRITICAL, e.getMessage());
      }
      return;
    }
    ManagedChannel channel = shared.channel;
    String target = def.grpc();
    int slash = target.indexOf('/');
    String service = slash < 0 ? "" : target.substring(slash + 1);
    HealthGrpc.newStub(channel).withDeadlineAfter(timeout.toNanos(), TimeUnit.NANOSECONDS)
        .check(HealthCheckRequest.newBuilder().setService(service).build(),
            new StreamObserver<HealthCheckResponse>() {
              @Override
              public void onNext(HealthCheckResponse r) {
                if (r.getStatus() == HealthCheckResponse.ServingStatus.SERVING) {
                  done.complete(CheckStatus.PASSING, "gRPC check " + target + ": success");
                } else {
                  done.complete(CheckStatus.CRITICAL, "gRPC " + target + " serving status: " + r.getStatus());
                }
              }

              @Override
              public void onError(Throwable t) {
                Status s = Status.fromThrowable(t);
                done.complete(CheckStatus.CRITICAL, "rpc error: code = " + goCode(s.getCode()) + " desc = "
                    + (s.getDescription() == null ? "" : s.getDescription()));
              }

              @Override
              public void onCompleted() {}
            });
  }

  private static String goCode(Status.Code code) {
    StringBuilder sb = new StringBuilder();
    for (String part : code.name().split("_")) {
      sb.append(part.charAt(0)).append(part.substring(1).toLowerCase(Locale.ROOT));
    }
    return sb.toString();
  }

  synchronized void shutdown() {
    for (Shared s : channels.values()) {
      s.channel.shutdownNow();
    }
    channels.clear();
  }
}
