package io.github.grpcconsul.benchmarks.spring;

import io.github.grpcconsul.benchmarks.probe.Probe;
import io.grpc.CallOptions;
import io.grpc.Channel;
import io.grpc.ClientCall;
import io.grpc.ConnectivityState;
import io.grpc.EquivalentAddressGroup;
import io.grpc.LoadBalancer;
import io.grpc.LoadBalancerProvider;
import io.grpc.LoadBalancerRegistry;
import io.grpc.Metadata;
import io.grpc.Status;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import net.devh.boot.grpc.client.channelfactory.GrpcChannelFactory;
import net.devh.boot.grpc.client.nameresolver.NameResolverRegistration;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * grpc-spring at scale, for {@code benchmarks}' {@code SpringScaleBenchmark}: the same Spring Boot app as
 * {@link SpringContenderMain} (grpc-spring over Spring Cloud Consul, every default kept), with the channels named in
 * {@code -Dscale.channels=a,b,...} (each configured by {@code grpc.client.<name>.*} properties from the harness) and a
 * recording balancer (policy {@code recording}) in place of round_robin, so that the harness sees every address list
 * grpc-spring hands its channel, as the scale programs do for ours. Nothing of the peer is tuned.
 *
 * <p>Protocol on stdout: {@code ready <heap> <threads>} before the channels, {@code update <authority> <nanoTime>
 * <addresses>} per balancer update ({@code System.nanoTime()} is the machine's monotonic clock on Linux, comparable
 * across processes), and {@code heap <bytes> <threads>} after GC for each {@code heap} line on stdin. {@code exit}
 * on stdin (or its end) ends the process.
 */
public final class SpringScaleMain {
  private SpringScaleMain() {}

  public static void main(String[] args) throws Exception {
    LoadBalancerRegistry.getDefaultRegistry().register(new RecordingProvider());
    System.out.println("ready " + heapAfterGc() + " " + ManagementFactory.getThreadMXBean().getThreadCount());
    ConfigurableApplicationContext context =
        new SpringApplicationBuilder(SpringContenderMain.class).web(WebApplicationType.NONE).run(args);
    context.getBean(NameResolverRegistration.class); // see SpringContenderMain
    GrpcChannelFactory factory = context.getBean(GrpcChannelFactory.class);
    List<Channel> channels = new ArrayList<>();
    for (String name : System.getProperty("scale.channels").split(",")) {
      Channel channel = factory.createChannel(name);
      channels.add(channel);
      // A call starts name resolution (the balancer never makes a subchannel, so it just waits for its deadline).
      ClientCall<byte[], byte[]> call = channel.newCall(Probe.WHO, CallOptions.DEFAULT.withDeadlineAfter(1,
          TimeUnit.SECONDS));
      call.start(new ClientCall.Listener<>() {}, new Metadata());
      call.halfClose();
    }
    BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
    for (String line; (line = in.readLine()) != null && !line.equals("exit"); ) {
      if (line.equals("heap")) {
        System.out.println("heap " + heapAfterGc() + " " + ManagementFactory.getThreadMXBean().getThreadCount());
      }
    }
    context.close();
    System.exit(0);
  }

  private static long heapAfterGc() {
    for (int i = 0; i < 3; i++) {
      System.gc();
    }
    return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
  }

  private static final class RecordingProvider extends LoadBalancerProvider {
    @Override
    public boolean isAvailable() {
      return true;
    }

    @Override
    public int getPriority() {
      return 5;
    }

    @Override
    public String getPolicyName() {
      return "recording";
    }

    @Override
    public LoadBalancer newLoadBalancer(LoadBalancer.Helper helper) {
      return new LoadBalancer() {
        @Override
        public Status acceptResolvedAddresses(ResolvedAddresses resolved) {
          long now = System.nanoTime();
          int n = 0;
          for (EquivalentAddressGroup g : resolved.getAddresses()) {
            n += g.getAddresses().size();
          }
          System.out.println("update " + helper.getAuthority() + " " + now + " " + n);
          helper.updateBalancingState(ConnectivityState.CONNECTING,
              new SubchannelPicker() {
                @Override
                public PickResult pickSubchannel(PickSubchannelArgs args) {
                  return PickResult.withNoResult();
                }
              });
          return Status.OK;
        }

        @Override
        public void handleNameResolutionError(Status error) {
          System.out.println("error " + helper.getAuthority() + " " + System.nanoTime() + " " + error);
        }

        @Override
        public void shutdown() {}
      };
    }
  }
}
