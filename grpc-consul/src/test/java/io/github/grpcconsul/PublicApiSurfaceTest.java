package io.github.grpcconsul;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.lang.reflect.Modifier;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The public API, on purpose: every public type outside {@code io.github.grpcconsul.internal…} is listed here. A new
 * public type fails this test until it is added to the list (and documented in docs/DESIGN.md), or moved to an
 * internal package.
 */
class PublicApiSurfaceTest {

  private static final List<String> PUBLIC_TYPES = List.of(
      "io.github.grpcconsul.consul.ConsulConfig",
      "io.github.grpcconsul.consul.ConsulConfig$Builder",
      "io.github.grpcconsul.loadbalancer.ConsulWeightedRoundRobinLoadBalancerProvider",
      "io.github.grpcconsul.registration.ConsulRegistration",
      "io.github.grpcconsul.registration.ConsulRegistration$Builder",
      "io.github.grpcconsul.registration.CheckStatus",
      "io.github.grpcconsul.registration.RegistrationStatus",
      "io.github.grpcconsul.registration.RegistrationStatus$State",
      "io.github.grpcconsul.resolver.ConsulAttributes",
      "io.github.grpcconsul.resolver.ConsulNameResolverProvider");

  @Test
  void publicTypesOutsideInternal_areExactlyTheIntendedOnes() throws Exception {
    Path classes = classesRoot();
    List<String> found;
    try (Stream<Path> files = Files.walk(classes)) {
      found = files.filter(p -> p.toString().endsWith(".class"))
          .map(p -> classes.relativize(p).toString().replace('/', '.').replace(".class", ""))
          .filter(name -> !name.startsWith("io.github.grpcconsul.internal.") && !name.endsWith("package-info"))
          .filter(PublicApiSurfaceTest::isPublicApi)
          .sorted()
          .toList();
    }
    assertThat(found).containsExactlyInAnyOrderElementsOf(PUBLIC_TYPES);
  }

  /** Public, and (for a nested type) reachable: every enclosing type public too. */
  private static boolean isPublicApi(String name) {
    try {
      Class<?> c = Class.forName(name, false, PublicApiSurfaceTest.class.getClassLoader());
      for (Class<?> k = c; k != null; k = k.getEnclosingClass()) {
        if (!Modifier.isPublic(k.getModifiers()) || k.isAnonymousClass() || k.isLocalClass()) {
          return false;
        }
      }
      return true;
    } catch (ClassNotFoundException e) {
      throw new AssertionError(e);
    }
  }

  /** The main classes directory (target/classes), found from a public class in it. */
  private static Path classesRoot() throws URISyntaxException, IOException {
    Path jarOrDir = Path.of(io.github.grpcconsul.consul.ConsulConfig.class.getProtectionDomain().getCodeSource()
        .getLocation().toURI());
    assertThat(Files.isDirectory(jarOrDir)).as("classes directory %s", jarOrDir).isTrue();
    return jarOrDir;
  }
}
