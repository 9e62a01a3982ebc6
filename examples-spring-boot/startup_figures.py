#!/usr/bin/env python3
"""Start-up and heap figures of the Spring Boot hello server/client against the plain grpc-java ones.

Run from the project root after `./mvnw -B -q -DskipTests package`:

    python3 examples-spring-boot/startup_figures.py [runs]

For each run and each flavour it launches a fresh JVM and measures
  server: launch -> the instance is registered and passing in Consul (polled every 20 ms over the HTTP API)
  client: launch -> first successful call answered (its reply line in the output)
then forces a full GC in the still-running JVM (jcmd GC.run) and reads the heap in use (jcmd GC.heap_info).
All against one consul-devagent on an OS-chosen port. Prints a Markdown table of medians (and min-max).
"""
import json
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
AGENT_JAR = os.path.join(ROOT, "consul-devagent/target/consul-devagent.jar")
SPRING_JAR = os.path.join(ROOT, "examples-spring-boot/target/hello-spring-boot.jar")
PLAIN_JAR = os.path.join(ROOT, "examples/target/hello-demo.jar")
TIMEOUT = 180.0


def start_agent():
    p = subprocess.Popen(["java", "-jar", AGENT_JAR, "-http-port", "0"], stdout=subprocess.PIPE,
                         stderr=subprocess.STDOUT, text=True)
    for line in p.stdout:
        m = re.search(r"CONSUL_HTTP_ADDR=(\S+)", line)
        if m:
            return p, m.group(1)
    raise RuntimeError("dev agent did not start")


def passing(addr, service):
    with urllib.request.urlopen(f"http://{addr}/v1/health/service/{service}?passing", timeout=5) as r:
        return len(json.load(r)) > 0


def heap_after_gc_mib(pid):
    subprocess.run(["jcmd", str(pid), "GC.run"], capture_output=True, check=True)
    out = subprocess.run(["jcmd", str(pid), "GC.heap_info"], capture_output=True, text=True, check=True).stdout
    m = re.search(r"used (\d+)K", out)
    return int(m.group(1)) / 1024.0


def launch(cmd, env, log):
    return subprocess.Popen(cmd, env=env, stdout=log, stderr=subprocess.STDOUT)


def stop(p):
    p.terminate()
    try:
        p.wait(timeout=60)
    except subprocess.TimeoutExpired:
        p.kill()
        p.wait()


def measure_server(cmd, env, addr, service):
    with tempfile.TemporaryFile() as log:
        t0 = time.monotonic()
        p = launch(cmd, env, log)
        while not passing(addr, service):
            if p.poll() is not None or time.monotonic() - t0 > TIMEOUT:
                raise RuntimeError(f"server {cmd} did not turn passing")
            time.sleep(0.02)
        took = time.monotonic() - t0
        heap = heap_after_gc_mib(p.pid)
        return p, took, heap


def measure_client(cmd, env):
    with tempfile.NamedTemporaryFile() as log:
        t0 = time.monotonic()
        p = launch(cmd, env, log)
        while True:
            with open(log.name, "rb") as f:
                if re.search(rb"\] hi 1\b", f.read()):
                    break
            if p.poll() is not None or time.monotonic() - t0 > TIMEOUT:
                raise RuntimeError(f"client {cmd} made no call")
            time.sleep(0.02)
        took = time.monotonic() - t0
        heap = heap_after_gc_mib(p.pid)
        stop(p)
        return took, heap


def main():
    runs = int(sys.argv[1]) if len(sys.argv) > 1 else 3
    agent, addr = start_agent()
    env = dict(os.environ, CONSUL_HTTP_ADDR=addr)
    results = {k: [] for k in ("spring server", "plain server", "spring client", "plain client")}
    try:
        for i in range(runs):
            s, took, heap = measure_server(["java", "-jar", SPRING_JAR, "server",
                                            "--spring.application.name=hellospring"], env, addr, "hellospring")
            results["spring server"].append((took, heap))
            c = measure_client(["java", "-jar", SPRING_JAR, "client", "--hello.count=0",
                                "--spring.grpc.client.channel.hello.target=consul:///hellospring"], env)
            results["spring client"].append(c)
            stop(s)
            s, took, heap = measure_server(["java", "-cp", PLAIN_JAR,
                                            "io.github.grpcconsul.examples.hello.HelloServerMain",
                                            "--name", "helloplain"], env, addr, "helloplain")
            results["plain server"].append((took, heap))
            c = measure_client(["java", "-cp", PLAIN_JAR, "io.github.grpcconsul.examples.hello.HelloClientMain",
                                "--target", "consul:///helloplain", "--count", "0", "--text", "hi"], env)
            results["plain client"].append(c)
            stop(s)
            # Wait until both deregistered so the next run starts from an empty catalog.
            while passing(addr, "hellospring") or passing(addr, "helloplain"):
                time.sleep(0.1)
            print(f"run {i + 1}/{runs} done", file=sys.stderr)
    finally:
        stop(agent)
    print("| application | start-up, median (min–max) | heap after GC, median (min–max) |")
    print("|---|---|---|")
    for name, values in results.items():
        t = [v[0] for v in values]
        h = [v[1] for v in values]
        what = "launch → registered and passing" if "server" in name else "launch → first call answered"
        print(f"| {name} ({what}) | {statistics.median(t):.2f} s ({min(t):.2f}–{max(t):.2f}) "
              f"| {statistics.median(h):.1f} MiB ({min(h):.1f}–{max(h):.1f}) |")


if __name__ == "__main__":
    main()
