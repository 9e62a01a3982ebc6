package consulresolver

import (
	"net/url"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/grpcconsul/interop/internal/harness"
	"github.com/hashicorp/consul/api"
	"google.golang.org/grpc/resolver"
	"google.golang.org/grpc/serviceconfig"
)

// fakeConn records what the resolver hands to the channel.
type fakeConn struct {
	mu      sync.Mutex
	states  [][]string
	errors  []error
	updates int
}

func (f *fakeConn) UpdateState(s resolver.State) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	var addrs []string
	for _, e := range s.Endpoints {
		addrs = append(addrs, e.Addresses[0].Addr)
	}
	f.states = append(f.states, addrs)
	return nil
}

func (f *fakeConn) ReportError(err error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.errors = append(f.errors, err)
}

func (f *fakeConn) NewAddress([]resolver.Address) {}

func (f *fakeConn) ParseServiceConfig(string) *serviceconfig.ParseResult { return nil }

func (f *fakeConn) last() ([]string, int, int) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if len(f.states) == 0 {
		return nil, 0, len(f.errors)
	}
	return f.states[len(f.states)-1], len(f.states), len(f.errors)
}

func build(t *testing.T, target string) *fakeConn {
	t.Helper()
	u, err := url.Parse(target)
	if err != nil {
		t.Fatal(err)
	}
	cc := &fakeConn{}
	r, err := NewBuilder().Build(resolver.Target{URL: *u}, cc, resolver.BuildOptions{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(r.Close)
	return cc
}

func register(t *testing.T, addr, id string, port int, status string) *api.Client {
	t.Helper()
	cfg := api.DefaultConfig()
	cfg.Address = addr
	c, err := api.NewClient(cfg)
	if err != nil {
		t.Fatal(err)
	}
	err = c.Agent().ServiceRegister(&api.AgentServiceRegistration{ID: id, Name: "svc", Address: "127.0.0.1",
		Port: port, Check: &api.AgentServiceCheck{CheckID: "check-" + id, TTL: "60s", Status: status}})
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func awaitList(t *testing.T, cc *fakeConn, want ...string) {
	t.Helper()
	harness.Eventually(t, 20*time.Second, "the channel gets "+strings.Join(want, ","), func() bool {
		got, _, _ := cc.last()
		return slices.Equal(got, want)
	})
}

// TestPassingOnlyAndChanges: only passing instances reach the channel, and a change arrives through the blocking
// query.
func TestPassingOnlyAndChanges(t *testing.T) {
	agent := harness.StartAgent(t)
	c := register(t, agent.Addr, "a", 1001, api.HealthPassing)
	register(t, agent.Addr, "b", 1002, api.HealthCritical)
	cc := build(t, "consul://"+agent.Addr+"/svc")
	awaitList(t, cc, "127.0.0.1:1001")
	if err := c.Agent().PassTTL("check-b", ""); err != nil {
		t.Fatal(err)
	}
	awaitList(t, cc, "127.0.0.1:1001", "127.0.0.1:1002")
	if err := c.Agent().FailTTL("check-a", ""); err != nil {
		t.Fatal(err)
	}
	awaitList(t, cc, "127.0.0.1:1002")
	_, updates, errs := cc.last()
	if updates != 3 || errs != 0 {
		t.Errorf("%d updates and %d errors for 3 changes; expected one update per change and no error", updates, errs)
	}
}

// TestOutageKeepsListAndRestartResetsIndex: while the agent is down the channel keeps its list and gets no error;
// the restarted agent's index starts far below the old one: the resolver must not block behind the old index
// (after an error it asks with index 0, and an index that goes backwards resets the loop).
func TestOutageKeepsListAndRestartResetsIndex(t *testing.T) {
	agent := harness.StartAgent(t)
	c := register(t, agent.Addr, "a", 1001, api.HealthPassing)
	for i := range 30 { // push the first agent's index well above where the second one starts
		if _, err := c.KV().Put(&api.KVPair{Key: "k", Value: []byte{byte(i)}}, nil); err != nil {
			t.Fatal(err)
		}
	}
	cc := build(t, "consul://"+agent.Addr+"/svc")
	awaitList(t, cc, "127.0.0.1:1001")
	agent.Proc.Stop(15 * time.Second)

	_, port, _ := strings.Cut(agent.Addr, ":")
	again := harness.StartAgent(t, "-http-port", port)
	register(t, again.Addr, "z", 1009, api.HealthPassing)
	awaitList(t, cc, "127.0.0.1:1009")
	cc.mu.Lock()
	defer cc.mu.Unlock()
	// The restarted agent may answer before z is registered: "no passing instance" is then the truth. An error for
	// the outage itself is not: a known list must stay in place while Consul is down.
	for _, err := range cc.errors {
		if !strings.Contains(err.Error(), "no passing instance") {
			t.Errorf("the channel got an error during the outage: %v", err)
		}
	}
	for _, s := range cc.states {
		if len(s) == 0 {
			t.Errorf("the channel got an empty list during the outage: %v", cc.states)
		}
	}
}

func TestNoPassingInstanceIsAnError(t *testing.T) {
	agent := harness.StartAgent(t)
	register(t, agent.Addr, "a", 1001, api.HealthCritical)
	cc := build(t, "consul://"+agent.Addr+"/svc")
	harness.Eventually(t, 20*time.Second, "the channel gets an error", func() bool {
		_, _, errs := cc.last()
		return errs > 0
	})
	cc.mu.Lock()
	defer cc.mu.Unlock()
	if msg := cc.errors[0].Error(); !strings.Contains(msg, `no passing instance of service "svc"`) {
		t.Errorf("error %q does not say which service has no passing instance", msg)
	}
}

func TestTargetErrors(t *testing.T) {
	for target, want := range map[string]string{
		"consul://h:99999/svc":       `port "99999" is not a number from 1 to 65535`,
		"consul:///":                 "one service name",
		"consul:///svc?wait=10":      `wait "10" is not a Go duration`,
		"consul:///svc?wait=1h":      `wait "1h" is not a Go duration from 1s to 10m`,
		"consul:///svc?healthy=true": `unknown parameter "healthy"`,
		"consul:///a/b":              "one service name",
	} {
		u, err := url.Parse(target)
		if err != nil {
			t.Fatal(err)
		}
		_, _, err = parseTarget(*u)
		if err == nil || !strings.Contains(err.Error(), want) || !strings.Contains(err.Error(), target) {
			t.Errorf("%s: %v; expected an error naming the target and %q", target, err, want)
		}
	}
}

func TestIndexRulesAndBackoff(t *testing.T) {
	for _, c := range []struct{ prev, got, want uint64 }{{0, 0, 1}, {0, 5, 5}, {5, 5, 5}, {5, 9, 9}, {9, 3, 0}} {
		if n := nextIndex(c.prev, c.got); n != c.want {
			t.Errorf("nextIndex(%d, %d) = %d, expected %d", c.prev, c.got, n, c.want)
		}
	}
	for n, want := range map[int]time.Duration{1: 100 * time.Millisecond, 2: 200 * time.Millisecond,
		4: 800 * time.Millisecond, 10: 5 * time.Second} {
		if d := backoff(n); d < want*8/10 || d > want*12/10 {
			t.Errorf("backoff(%d) = %s, expected %s ±20%%", n, d, want)
		}
	}
}
