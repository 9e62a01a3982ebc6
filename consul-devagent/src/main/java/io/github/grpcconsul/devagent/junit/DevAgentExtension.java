package io.github.grpcconsul.devagent.junit;

import io.github.grpcconsul.devagent.DevAgent;
import java.util.Objects;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * JUnit 5 extension that gives tests a started {@link DevAgent} on an OS-chosen loopback port.
 *
 * <pre>{@code
 * @RegisterExtension
 * static final DevAgentExtension consul = DevAgentExtension.perMethod();   // a fresh agent for every test
 *
 * @Test void registers() { String addr = consul.agent().httpAddress(); ... }
 * }</pre>
 *
 * <p>Or {@code @ExtendWith(DevAgentExtension.class)} and a test (or {@code @BeforeEach}) parameter of type
 * {@code DevAgent}: a fresh agent per test. {@link #perClass()} shares one agent across the class's tests (register
 * it in a static field). The agent is stopped after the test (or class), leaving no threads.
 */
public final class DevAgentExtension
    implements BeforeAllCallback, AfterAllCallback, BeforeEachCallback, AfterEachCallback, ParameterResolver {
  private final boolean perClass;
  private final DevAgent.Builder builder;
  private DevAgent agent;
  private boolean startedForClass;

  /** A fresh agent per test method; the form {@code @ExtendWith} uses. */
  public DevAgentExtension() {
    this(false, DevAgent.builder());
  }

  private DevAgentExtension(boolean perClass, DevAgent.Builder builder) {
    this.perClass = perClass;
    this.builder = Objects.requireNonNull(builder, "builder");
  }

  /** A fresh agent with default settings for every test method. */
  public static DevAgentExtension perMethod() {
    return new DevAgentExtension(false, DevAgent.builder());
  }

  /** A fresh agent built from {@code builder} (e.g. with ACLs or TLS) for every test method. */
  public static DevAgentExtension perMethod(DevAgent.Builder builder) {
    return new DevAgentExtension(false, builder);
  }

  /** One agent with default settings for all tests of the class; register it in a static field. */
  public static DevAgentExtension perClass() {
    return new DevAgentExtension(true, DevAgent.builder());
  }

  /** One agent built from {@code builder} for all tests of the class; register it in a static field. */
  public static DevAgentExtension perClass(DevAgent.Builder builder) {
    return new DevAgentExtension(true, builder);
  }

  /**
   * The running agent of the current test.
   *
   * @throws IllegalStateException outside a test's lifecycle
   */
  public synchronized DevAgent agent() {
    if (agent == null) {
      throw new IllegalStateException("no dev agent outside a test; is the extension registered with "
          + "@RegisterExtension (static for perClass())?");
    }
    return agent;
  }

  @Override
  public synchronized void beforeAll(ExtensionContext context) {
    if (perClass) {
      agent = builder.build();
      agent.start();
      startedForClass = true;
    }
  }

  @Override
  public synchronized void afterAll(ExtensionContext context) {
    if (startedForClass) {
      stopAgent();
      startedForClass = false;
    }
  }

  @Override
  public synchronized void beforeEach(ExtensionContext context) {
    if (!startedForClass) {
      agent = builder.build();
      agent.start();
    }
  }

  @Override
  public synchronized void afterEach(ExtensionContext context) {
    if (!startedForClass) {
      stopAgent();
    }
  }

  private void stopAgent() {
    if (agent != null) {
      agent.close();
      agent = null;
    }
  }

  @Override
  public boolean supportsParameter(ParameterContext parameterContext, ExtensionContext extensionContext) {
    return parameterContext.getParameter().getType() == DevAgent.class;
  }

  @Override
  public Object resolveParameter(ParameterContext parameterContext, ExtensionContext extensionContext) {
    return agent();
  }
}
