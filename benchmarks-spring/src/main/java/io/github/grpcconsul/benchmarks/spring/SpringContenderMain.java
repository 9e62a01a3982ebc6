package io.github.grpcconsul.benchmarks.spring;

import io.github.grpcconsul.benchmarks.probe.ProbeClient;
import io.grpc.Channel;
import net.devh.boot.grpc.client.channelfactory.GrpcChannelFactory;
import net.devh.boot.grpc.client.nameresolver.NameResolverRegistration;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * The status-quo contender: a minimal Spring Boot client whose channel {@code bench} is configured (by command-line
 * properties from the harness) as grpc-spring documents it, {@code discovery:///<service>}, over Spring Cloud Consul's
 * DiscoveryClient with its defaults.
 */
@SpringBootApplication(proxyBeanMethods = false)
public class SpringContenderMain {

  /** Channel name in {@code grpc.client.<name>.*} properties. */
  static final String CHANNEL = "bench";

  public static void main(String[] args) throws Exception {
    ConfigurableApplicationContext context =
        new SpringApplicationBuilder(SpringContenderMain.class).web(WebApplicationType.NONE).run(args);
    // grpc-spring 3.1 on Boot 3.5 registers its discovery:/// resolver in this bean's constructor, and nothing else
    // asks for the bean, so without this line the target fails with "Could not find a NameResolverProvider".
    context.getBean(NameResolverRegistration.class);
    Channel channel = context.getBean(GrpcChannelFactory.class).createChannel(CHANNEL);
    ProbeClient.run(channel, context::close);
    System.exit(0);
  }
}
