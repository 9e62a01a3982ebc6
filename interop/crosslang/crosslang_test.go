// Package crosslang runs Go and Java hello servers and clients against one dev agent (started from its jar) and
// checks that each language finds the other's instances, spreads calls over them, and loses none when an instance
// leaves gracefully.
package crosslang

import (
	"os"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/grpcconsul/interop/internal/harness"
	"github.com/hashicorp/consul/api"
)

func TestMain(m *testing.M) {
	code := m.Run()
	harness.RemoveBinaries()
	os.Exit(code)
}

const (
	goTTL         = 3 * time.Second // the Go servers' TTL check
	checkInterval = time.Second     // the Java servers' gRPC check
	callInterval  = "10ms"
	startLimit    = 90 * time.Second // JVMs start slowly on a loaded 2-core machine
)

var (
	goServing   = regexp.MustCompile(`^serving \S+ as (\S+) on `)
	javaServing = regexp.MustCompile(`^serving (\S+) on `)
)

type server struct {
	id   string
	proc *harness.Proc
}

func startGoServer(t *testing.T, agent *harness.Agent, n int) server {
	t.Helper()
	p := harness.Start(t, "go server "+string(rune('A'+n)), agent.Env(), harness.GoBinary(t, "helloserver"),
		"-ttl", goTTL.String(), "-drain", "1s")
	return server{id: p.WaitLine(t, goServing, startLimit)[1], proc: p}
}

func startJavaServer(t *testing.T, agent *harness.Agent, n int) server {
	t.Helper()
	p := harness.Start(t, "java server "+string(rune('A'+n)), agent.Env(), harness.JavaCommand(t,
		"io.github.grpcconsul.interop.InteropServerMain", "--check-interval", checkInterval.String(),
		"--drain", "2s")...)
	return server{id: p.WaitLine(t, javaServing, startLimit)[1], proc: p}
}

// client is a hello client: one call at a time, a line per call.
type client struct {
	name string
	proc *harness.Proc
}

func (c client) calls() []harness.Call { return harness.Calls(c.proc.Lines()) }

func startJavaClient(t *testing.T, agent *harness.Agent) client {
	t.Helper()
	name := "Java client (consul:///, round_robin)"
	return client{name, harness.Start(t, name, agent.Env(), harness.JavaCommand(t,
		"io.github.grpcconsul.interop.InteropClientMain", "--interval", callInterval)...)}
}

func startOurGoClient(t *testing.T, agent *harness.Agent) client {
	t.Helper()
	name := "Go client (our resolver)"
	return client{name, harness.Start(t, name, agent.Env(), harness.GoBinary(t, "helloclient"),
		"-target", "consul:///helloserver", "-interval", callInterval)}
}

func startIndependentGoClient(t *testing.T, agent *harness.Agent) client {
	t.Helper()
	name := "Go client (mbobakov/grpc-consul-resolver)"
	return client{name, harness.Start(t, name, nil, harness.GoBinary(t, "helloclient"),
		"-resolver", "mbobakov", "-target", "consul://"+agent.Addr+"/helloserver?healthy=true&wait=30s",
		"-interval", callInterval)}
}

// awaitSpread waits until every instance has answered each client at least 10 times since from.
func awaitSpread(t *testing.T, from time.Time, servers []server, clients ...client) {
	t.Helper()
	for _, c := range clients {
		took := harness.Eventually(t, startLimit, c.name+" reaches every instance at least 10 times", func() bool {
			counts := harness.ByInstance(harness.Since(c.calls(), from))
			for _, s := range servers {
				if counts[s.id] < 10 {
					return false
				}
			}
			return true
		})
		counts := harness.ByInstance(harness.Since(c.calls(), from))
		t.Logf("%s: calls per instance %v (after %s)", c.name, sorted(counts), took.Round(time.Millisecond))
	}
}

// awaitCallsAfter waits until c has made n more calls after t.
func awaitCallsAfter(t *testing.T, c client, at time.Time, n int) {
	t.Helper()
	harness.Eventually(t, 60*time.Second, c.name+" makes more calls", func() bool {
		return len(harness.Since(c.calls(), at)) >= n
	})
}

func requireNoFailures(t *testing.T, c client, from time.Time, what string) {
	t.Helper()
	calls := harness.Since(c.calls(), from)
	if failed := harness.Failures(calls); len(failed) > 0 {
		t.Errorf("%s: %d of %d calls failed %s, first: %s", c.name, len(failed), len(calls), what, failed[0].Failure)
		return
	}
	t.Logf("%s: %d calls, 0 failed %s", c.name, len(calls), what)
}

func passingIDs(t *testing.T, agent *harness.Agent) []string {
	t.Helper()
	cfg := api.DefaultConfig()
	cfg.Address = agent.Addr
	c, err := api.NewClient(cfg)
	if err != nil {
		t.Fatal(err)
	}
	entries, _, err := c.Health().Service("helloserver", "", true, nil)
	if err != nil {
		t.Fatal(err)
	}
	var ids []string
	for _, e := range entries {
		ids = append(ids, e.Service.ID)
	}
	return ids
}

func sorted(m map[string]int) []string {
	var out []string
	for k, v := range m {
		out = append(out, k+"="+strconv.Itoa(v))
	}
	sort.Strings(out)
	return out
}

func TestGoServersJavaClient(t *testing.T) {
	agent := harness.StartAgent(t)
	var servers []server
	for i := range 3 {
		servers = append(servers, startGoServer(t, agent, i))
	}
	java := startJavaClient(t, agent)
	awaitSpread(t, time.Time{}, servers, java)

	// SIGTERM: check critical, deregistered, drained, GracefulStop: the client must not see it go.
	leaving := servers[0]
	mark := time.Now()
	leaving.proc.Signal(t, syscall.SIGTERM)
	if err := leaving.proc.WaitExit(t, 30*time.Second); err != nil {
		t.Fatalf("%s exited with %v after SIGTERM", leaving.proc.Name, err)
	}
	exited := time.Now()
	awaitCallsAfter(t, java, exited, 100)
	requireNoFailures(t, java, mark, "while a Go server left on SIGTERM")
	if n := harness.ByInstance(harness.Since(java.calls(), exited))[leaving.id]; n > 0 {
		t.Errorf("%d calls reached %s after it exited", n, leaving.id)
	}

	// SIGKILL: nobody deregisters; the TTL check expires and Consul stops listing the instance.
	killed := servers[1]
	mark = time.Now()
	killed.proc.Signal(t, syscall.SIGKILL)
	_ = killed.proc.WaitExit(t, 10*time.Second)
	dropped := harness.Eventually(t, goTTL+10*time.Second, killed.id+" is no longer passing in Consul", func() bool {
		return !slices.Contains(passingIDs(t, agent), killed.id)
	})
	t.Logf("%s dropped from the passing instances %s after SIGKILL (TTL %s)", killed.id,
		dropped.Round(time.Millisecond), goTTL)
	// The last beat came at most TTL/3 before the kill, so the TTL runs out between 2/3 TTL and TTL after it.
	if earliest := goTTL*2/3 - 250*time.Millisecond; dropped < earliest {
		t.Errorf("%s dropped %s after the kill, before its TTL of %s could have expired (earliest %s)",
			killed.id, dropped, goTTL, earliest)
	}
	afterDrop := time.Now()
	awaitCallsAfter(t, java, afterDrop, 100)
	calls := harness.Since(java.calls(), mark)
	failed := harness.Failures(calls)
	// The connection to a killed process is reset at once, so round_robin stops picking it right away: only a call
	// in flight at the kill (or picked in the instant before the client saw the reset) can fail.
	t.Logf("%s: %d calls since the SIGKILL, %d failed (calls in flight on the killed connection)", java.name,
		len(calls), len(failed))
	for _, f := range failed {
		t.Logf("  failed %s after the kill: %s", f.At.Sub(mark).Round(time.Millisecond), f.Failure)
	}
	if len(failed) > 3 {
		t.Errorf("%d calls failed after the SIGKILL; expected at most the few in flight on the killed connection",
			len(failed))
	}
	for _, f := range failed {
		if f.At.Sub(mark) > 2*time.Second {
			t.Errorf("a call failed %s after the kill, long after the connection was reset: %s",
				f.At.Sub(mark), f.Failure)
		}
	}
	if harness.ByInstance(harness.Since(java.calls(), afterDrop))[servers[2].id] == 0 {
		t.Errorf("the remaining server %s got no call", servers[2].id)
	}
}

func TestJavaServersGoClients(t *testing.T) {
	agent := harness.StartAgent(t)
	var servers []server
	for i := range 3 {
		servers = append(servers, startJavaServer(t, agent, i))
	}
	ours := startOurGoClient(t, agent)
	indie := startIndependentGoClient(t, agent)
	clients := []client{ours, indie}
	awaitSpread(t, time.Time{}, servers, clients...)

	// shutdownGracefully (the SIGTERM hook): NOT_SERVING, critical, drain, deregister, stop.
	leaving := servers[0]
	mark := time.Now()
	leaving.proc.Signal(t, syscall.SIGTERM)
	if err := leaving.proc.WaitExit(t, 60*time.Second); err != nil {
		t.Logf("%s: %v after SIGTERM (a JVM ended by a signal exits 143)", leaving.proc.Name, err)
	}
	exited := time.Now()
	t.Logf("%s left gracefully in %s", leaving.id, exited.Sub(mark).Round(time.Millisecond))
	for _, c := range clients {
		awaitCallsAfter(t, c, exited, 100)
		requireNoFailures(t, c, mark, "while a Java server left through shutdownGracefully()")
	}

	// NOT_SERVING: Consul's next gRPC probe marks it critical; both clients must stop calling it.
	flipped := servers[1]
	flipped.proc.Send(t, "not-serving")
	flipped.proc.WaitLine(t, regexp.MustCompile(`^not serving$`), 30*time.Second)
	mark = time.Now()
	for _, c := range clients {
		harness.Eventually(t, 30*time.Second, c.name+" stops calling "+flipped.id, func() bool {
			return harness.OkAfterLastOf(harness.Since(c.calls(), mark), flipped.id) >= 50
		})
		last, ok := harness.LastOf(c.calls(), flipped.id)
		took := time.Duration(0)
		if ok && last.At.After(mark) {
			took = last.At.Sub(mark)
		}
		t.Logf("%s: last call to %s %s after NOT_SERVING (check interval %s)", c.name, flipped.id,
			took.Round(time.Millisecond), checkInterval)
		// Consul probes every interval; what follows (probe, blocking query, client update) takes milliseconds,
		// with two seconds of allowance for a loaded 2-core machine (a late probe, a slow JVM).
		if limit := checkInterval + 2*time.Second; took > limit {
			t.Errorf("%s still called %s %s after NOT_SERVING; expected within the check interval %s (+2s slack)",
				c.name, flipped.id, took, checkInterval)
		}
		requireNoFailures(t, c, mark, "while a Java server was NOT_SERVING")
	}
}

func TestMixedServersEveryClient(t *testing.T) {
	agent := harness.StartAgent(t)
	servers := []server{startGoServer(t, agent, 0), startGoServer(t, agent, 1),
		startJavaServer(t, agent, 2), startJavaServer(t, agent, 3)}
	clients := []client{startJavaClient(t, agent), startOurGoClient(t, agent), startIndependentGoClient(t, agent)}
	awaitSpread(t, time.Time{}, servers, clients...)
	for _, c := range clients {
		if failed := harness.Failures(c.calls()); len(failed) > 0 {
			t.Errorf("%s: %d calls failed, first: %s", c.name, len(failed), failed[0].Failure)
		}
	}
}

// TestGoServerRegistersAgainAfterAgentRestart: a restarted agent has lost every registration; the Go server's next
// heartbeat is refused (unknown check) and it registers again, so the Java client finds it again.
func TestGoServerRegistersAgainAfterAgentRestart(t *testing.T) {
	agent := harness.StartAgent(t)
	s := startGoServer(t, agent, 0)
	agent.Proc.Stop(15 * time.Second)
	_, port, _ := strings.Cut(agent.Addr, ":")
	again := harness.StartAgent(t, "-http-port", port)
	took := harness.Eventually(t, goTTL+20*time.Second, s.id+" is registered and passing in the restarted agent",
		func() bool { return slices.Contains(passingIDs(t, again), s.id) })
	t.Logf("%s registered again %s after the agent restarted (heartbeat every TTL/4..TTL/3 of %s)", s.id,
		took.Round(time.Millisecond), goTTL)
	if !strings.Contains(s.proc.Stderr(), "registering again") {
		t.Errorf("the Go server did not say it registered again; stderr:\n%s", s.proc.Stderr())
	}
	java := startJavaClient(t, again)
	awaitSpread(t, time.Time{}, []server{s}, java)
}
