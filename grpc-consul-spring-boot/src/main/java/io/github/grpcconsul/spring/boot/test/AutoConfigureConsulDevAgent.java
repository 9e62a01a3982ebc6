package io.github.grpcconsul.spring.boot.test;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Inherited;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.springframework.context.annotation.Import;

/**
 * Runs a {@code @SpringBootTest} against an in-memory Consul dev agent ({@code consul-devagent}), no Docker needed:
 * the test's application context gets a started {@link io.github.grpcconsul.devagent.DevAgent} bean on an
 * OS-chosen loopback port, and {@code grpc-consul.address} points at it (published through Spring's
 * {@link org.springframework.test.context.DynamicPropertyRegistrar}). The agent stops with the context.
 *
 * <pre>{@code
 * @SpringBootTest(properties = {"spring.application.name=helloserver", "spring.grpc.server.port=0"})
 * @AutoConfigureConsulDevAgent
 * class HelloServerTest {
 *   @Autowired DevAgent consul;   // e.g. to look at what got registered: consul.httpAddress()
 * }
 * }</pre>
 *
 * <p>Needs {@code io.github.grpcconsul:consul-devagent} and {@code spring-test} on the test class path.
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@Documented
@Inherited
@Import(ConsulDevAgentTestConfiguration.class)
public @interface AutoConfigureConsulDevAgent {}
