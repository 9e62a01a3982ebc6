package io.github.grpcconsul.spring.boot.test;

import io.github.grpcconsul.devagent.DevAgent;
import io.github.grpcconsul.spring.boot.autoconfigure.GrpcConsulProperties;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.test.context.DynamicPropertyRegistrar;

/**
 * What {@link AutoConfigureConsulDevAgent} imports: a started {@link DevAgent} (stopped with the context) and the
 * {@code grpc-consul.address} property pointing at it. Import it directly where the annotation does not fit.
 */
@TestConfiguration(proxyBeanMethods = false)
public class ConsulDevAgentTestConfiguration {

  /** The dev agent, started on an OS-chosen loopback port. */
  @Bean(destroyMethod = "close")
  DevAgent grpcConsulDevAgent() {
    DevAgent agent = DevAgent.builder().build();
    agent.start();
    return agent;
  }

  /** Points the application at the agent before any Consul bean is created. */
  @Bean
  DynamicPropertyRegistrar grpcConsulDevAgentProperties(DevAgent grpcConsulDevAgent) {
    return registry -> registry.add(GrpcConsulProperties.PREFIX + ".address", grpcConsulDevAgent::httpAddress);
  }
}
