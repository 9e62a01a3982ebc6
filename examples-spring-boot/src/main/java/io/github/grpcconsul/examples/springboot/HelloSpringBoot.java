package io.github.grpcconsul.examples.springboot;

import io.github.grpcconsul.examples.springboot.client.HelloClientApplication;
import io.github.grpcconsul.examples.springboot.server.HelloServerApplication;
import java.util.Arrays;

/**
 * {@code java -jar hello-spring-boot.jar server|client [--spring.property=value ...]}: starts one of the two
 * applications.
 */
public final class HelloSpringBoot {
  private HelloSpringBoot() {}

  public static void main(String[] args) {
    String which = args.length > 0 ? args[0] : "";
    String[] rest = args.length > 0 ? Arrays.copyOfRange(args, 1, args.length) : args;
    switch (which) {
      case "server" -> HelloServerApplication.main(rest);
      case "client" -> HelloClientApplication.main(rest);
      default -> {
        System.err.println("usage: java -jar hello-spring-boot.jar server|client [--property=value ...]");
        System.exit(2);
      }
    }
  }
}
