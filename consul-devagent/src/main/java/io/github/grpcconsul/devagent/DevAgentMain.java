package io.github.grpcconsul.devagent;

/** Placeholder until the CLI lands. */
final class DevAgentMain {
  private DevAgentMain() {}

  public static void main(String[] args) {
    System.out.println("consul-devagent");
  }
}
