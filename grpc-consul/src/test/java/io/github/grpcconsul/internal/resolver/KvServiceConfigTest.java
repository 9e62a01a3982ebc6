package io.github.grpcconsul.internal.resolver;

import static org.assertj.core.api.Assertions.assertThat;

import io.grpc.Grpc;
import io.grpc.InsecureChannelCredentials;
import io.grpc.ManagedChannel;
import io.grpc.NameResolver;
import io.grpc.NameResolverProvider;
import io.grpc.NameResolverRegistry;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.URI;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import java.text.MessageFormat;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** KV values through grpc's own service-config parser, taken from a real channel's resolver arguments. */
class KvServiceConfigTest {

  private static final String RETRY = "{\"methodConfig\": [{\"name\": [{\"service\": \"x.Y\"}], \"retryPolicy\": {"
      + "\"maxAttempts\": 3, \"initialBackoff\": \"0.1s\", \"maxBackoff\": \"1s\", \"backoffMultiplier\": 2,"
      + " \"retryableStatusCodes\": [\"UNAVAILABLE\"]}}]}";
  private static final String TIMEOUT = "{\"methodConfig\": [{\"name\": [{}], \"timeout\": \"2s\"}]}";

  private static ManagedChannel channel;
  private static NameResolver.ServiceConfigParser parser;

  @BeforeAll
  static void captureParser() throws Exception {
    CompletableFuture<NameResolver.ServiceConfigParser> captured = new CompletableFuture<>();
    NameResolverRegistry registry = new NameResolverRegistry();
    registry.register(new NameResolverProvider() {
      @Override
      public NameResolver newNameResolver(URI targetUri, NameResolver.Args args) {
        captured.complete(args.getServiceConfigParser());
        return new NameResolver() { // resolves nothing: only the arguments are wanted
          @Override
          public String getServiceAuthority() {
            return "x";
          }

          @Override
          public void start(Listener2 listener) {}

          @Override
          public void shutdown() {}
        };
      }

      @Override
      public String getDefaultScheme() {
        return "capture";
      }

      @Override
      protected boolean isAvailable() {
        return true;
      }

      @Override
      protected int priority() {
        return 5;
      }

      @Override
      public Collection<Class<? extends SocketAddress>> getProducedSocketAddressTypes() {
        return List.of(InetSocketAddress.class);
      }
    });
    channel = Grpc.newChannelBuilder("capture:///x", InsecureChannelCredentials.create(), registry).build();
    parser = captured.get(10, TimeUnit.SECONDS);
  }

  @AfterAll
  static void closeChannel() throws InterruptedException {
    channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
  }

  @Test
  void validConfig_isParsedByGrpc_andAnEqualOneIsNoChange() {
    KvServiceConfig config = new KvServiceConfig("grpc/service-config/x", parser);
    assertThat(config.update(Optional.of(RETRY))).isTrue();
    assertThat(config.current().getConfig()).isNotNull();
    assertThat(config.update(Optional.of(" " + RETRY + "\n"))).isFalse();
    assertThat(config.update(Optional.of(TIMEOUT))).isTrue();
  }

  @Test
  void invalidConfig_keepsTheLastGoodOne_andIsLoggedOnceWithGrpcsError() {
    List<String> warnings = new CopyOnWriteArrayList<>();
    Logger logger = Logger.getLogger(KvServiceConfig.class.getName());
    Handler handler = new Handler() {
      @Override
      public void publish(LogRecord r) {
        if (r.getLevel().intValue() >= Level.WARNING.intValue()) {
          warnings.add(MessageFormat.format(r.getMessage(), r.getParameters()));
        }
      }

      @Override
      public void flush() {}

      @Override
      public void close() {}
    };
    logger.addHandler(handler);
    try {
      KvServiceConfig config = new KvServiceConfig("grpc/service-config/x", parser);
      config.update(Optional.of(RETRY));
      Object good = config.current().getConfig();

      String badRetry = RETRY.replace("\"maxAttempts\": 3", "\"maxAttempts\": 1");
      assertThat(config.update(Optional.of(badRetry))).isFalse();
      assertThat(config.update(Optional.of(badRetry))).isFalse();
      assertThat(config.update(Optional.of("{not json"))).isFalse();
      assertThat(config.update(Optional.of("[1, 2]"))).isFalse();
      assertThat(config.current().getConfig()).isEqualTo(good);

      assertThat(warnings).hasSize(3);
      assertThat(warnings.get(0)).contains("grpc/service-config/x", "maxAttempts", "keeping the previous one");
      assertThat(warnings.get(1)).contains("not valid JSON");
      assertThat(warnings.get(2)).contains("a service config is a JSON object");

      assertThat(config.update(Optional.of(TIMEOUT))).isTrue();
      assertThat(config.current().getConfig()).isNotEqualTo(good);
    } finally {
      logger.removeHandler(handler);
    }
  }

  @Test
  void deletedOrEmptyKey_meansNoServiceConfig() {
    KvServiceConfig config = new KvServiceConfig("k", parser);
    assertThat(config.update(Optional.empty())).isFalse();
    assertThat(config.update(Optional.of(RETRY))).isTrue();
    assertThat(config.update(Optional.empty())).isTrue();
    assertThat(config.current()).isNull();
    config.update(Optional.of(RETRY));
    assertThat(config.update(Optional.of("  "))).isTrue();
    assertThat(config.current()).isNull();
  }

  @Test
  void invalidFirstValue_meansNone() {
    KvServiceConfig config = new KvServiceConfig("k", parser);
    assertThat(config.update(Optional.of("{\"loadBalancingConfig\": [{\"no_such_policy\": {}}]}"))).isFalse();
    assertThat(config.current()).isNull();
  }
}
