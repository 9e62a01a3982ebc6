package io.github.grpcconsul.examples;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The examples show what a user can write: they use grpc-consul's public API only, never its {@code internal}
 * packages (the benchmarks may, to measure them). Checks this module's and examples-spring-boot's main sources.
 */
class PublicApiOnlyTest {

  @Test
  void examplesImportNoInternalPackage() throws IOException {
    List<String> offenders = new ArrayList<>();
    for (Path root : List.of(Path.of("src/main/java"), Path.of("../examples-spring-boot/src/main/java"))) {
      assertThat(root).isDirectory();
      try (Stream<Path> files = Files.walk(root)) {
        for (Path file : files.filter(p -> p.toString().endsWith(".java")).toList()) {
          List<String> lines = Files.readAllLines(file);
          for (int i = 0; i < lines.size(); i++) {
            if (lines.get(i).contains("io.github.grpcconsul.internal")) {
              offenders.add(file + ":" + (i + 1) + ": " + lines.get(i).strip());
            }
          }
        }
      }
    }
    assertThat(offenders).as("uses of grpc-consul internals in the examples").isEmpty();
  }
}
