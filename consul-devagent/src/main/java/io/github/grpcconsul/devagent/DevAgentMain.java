package io.github.grpcconsul.devagent;

/** Placeholder entry point; replaced by the dev agent's CLI. */
final class DevAgentMain {
  public static void main(String[] args) {
    System.out.println("consul-devagent");
  }
}
