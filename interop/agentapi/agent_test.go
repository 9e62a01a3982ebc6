package agentapi

import (
	"net"
	"net/http"
	"net/http/httptest"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/consul/api"
	"google.golang.org/grpc"
	"google.golang.org/grpc/health"
	healthpb "google.golang.org/grpc/health/grpc_health_v1"
)

// TestServiceRegisterEveryCheckType registers one service with a TTL, a gRPC, an HTTP and a TCP check, tags, meta
// and weights, and reads it back through Agent().Services(), Service() and Checks().
func TestServiceRegisterEveryCheckType(t *testing.T) {
	c := shared(t)
	grpcAddr := grpcHealthServer(t)
	web := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		_, _ = w.Write([]byte("fine"))
	}))
	t.Cleanup(web.Close)
	tcp, err := net.Listen("tcp", "127.0.0.1:0")
	must(t, err)
	t.Cleanup(func() { _ = tcp.Close() })
	go acceptAndClose(tcp)

	reg := &api.AgentServiceRegistration{
		ID: "every-check-1", Name: "every-check", Address: "127.0.0.1", Port: 7001,
		Tags:    []string{"v1", "blue"},
		Meta:    map[string]string{"version": "1.4.2", "zone": "a"},
		Weights: &api.AgentWeights{Passing: 7, Warning: 2},
		Checks: api.AgentServiceChecks{
			{CheckID: "every-ttl", Name: "ttl", TTL: "30s", DeregisterCriticalServiceAfter: "10m"},
			{CheckID: "every-grpc", Name: "grpc", GRPC: grpcAddr, Interval: "1s", Timeout: "2s"},
			{CheckID: "every-http", Name: "http", HTTP: web.URL + "/health", Interval: "1s", Timeout: "2s"},
			{CheckID: "every-tcp", Name: "tcp", TCP: tcp.Addr().String(), Interval: "1s", Timeout: "2s"},
		},
	}
	must(t, c.Agent().ServiceRegister(reg))
	t.Cleanup(func() { _ = c.Agent().ServiceDeregister("every-check-1") })

	services, err := c.Agent().Services()
	must(t, err)
	s, ok := services["every-check-1"]
	if !ok {
		t.Fatalf("Agent().Services() has no every-check-1: %v", keys(services))
	}
	checkService(t, "Agent().Services()", s)

	one, meta, err := c.Agent().Service("every-check-1", nil)
	must(t, err)
	checkService(t, "Agent().Service()", one)
	if one.ContentHash == "" || meta.LastContentHash != one.ContentHash {
		t.Errorf("Agent().Service(): ContentHash %q, QueryMeta.LastContentHash %q: expected the same non-empty hash",
			one.ContentHash, meta.LastContentHash)
	}

	// The agent runs the gRPC, HTTP and TCP checks; the TTL check starts critical until a beat.
	want := map[string]string{"every-grpc": "grpc", "every-http": "http", "every-tcp": "tcp", "every-ttl": "ttl"}
	eventually(t, 20*time.Second, "the gRPC, HTTP and TCP checks pass", func() bool {
		checks, err := c.Agent().Checks()
		must(t, err)
		for id := range want {
			if id != "every-ttl" && (checks[id] == nil || checks[id].Status != api.HealthPassing) {
				return false
			}
		}
		return true
	})
	checks, err := c.Agent().Checks()
	must(t, err)
	for id, typ := range want {
		ch := checks[id]
		if ch == nil {
			t.Errorf("Agent().Checks() has no %s", id)
			continue
		}
		if ch.Type != typ || ch.ServiceID != "every-check-1" || ch.ServiceName != "every-check" || ch.Node == "" {
			t.Errorf("Agent().Checks()[%s]: Type %q ServiceID %q ServiceName %q Node %q; expected type %q of "+
				"every-check-1", id, ch.Type, ch.ServiceID, ch.ServiceName, ch.Node, typ)
		}
	}
	if checks["every-ttl"].Status != api.HealthCritical {
		t.Errorf("a TTL check without Status starts critical in Consul; got %q", checks["every-ttl"].Status)
	}
	if !strings.Contains(checks["every-http"].Output, "200") {
		t.Errorf("HTTP check output %q does not name the 200 status", checks["every-http"].Output)
	}
}

func checkService(t *testing.T, via string, s *api.AgentService) {
	t.Helper()
	if s.ID != "every-check-1" || s.Service != "every-check" || s.Address != "127.0.0.1" || s.Port != 7001 {
		t.Errorf("%s: ID %q Service %q Address %q Port %d", via, s.ID, s.Service, s.Address, s.Port)
	}
	if !slices.Equal(s.Tags, []string{"v1", "blue"}) {
		t.Errorf("%s: Tags %v", via, s.Tags)
	}
	if s.Meta["version"] != "1.4.2" || s.Meta["zone"] != "a" || len(s.Meta) != 2 {
		t.Errorf("%s: Meta %v", via, s.Meta)
	}
	if s.Weights.Passing != 7 || s.Weights.Warning != 2 {
		t.Errorf("%s: Weights %+v", via, s.Weights)
	}
	if s.Datacenter != "dc1" {
		t.Errorf("%s: Datacenter %q", via, s.Datacenter)
	}
}

func TestTTLUpdates(t *testing.T) {
	c := shared(t)
	must(t, c.Agent().ServiceRegister(&api.AgentServiceRegistration{
		ID: "ttl-1", Name: "ttl", Port: 7002,
		Check: &api.AgentServiceCheck{CheckID: "ttl-check", TTL: "30s"},
	}))
	t.Cleanup(func() { _ = c.Agent().ServiceDeregister("ttl-1") })
	status := func() *api.AgentCheck {
		checks, err := c.Agent().Checks()
		must(t, err)
		if checks["ttl-check"] == nil {
			t.Fatalf("no ttl-check in %v", keys(checks))
		}
		return checks["ttl-check"]
	}
	steps := []struct {
		name   string
		do     func() error
		status string
		output string
	}{
		{"PassTTL", func() error { return c.Agent().PassTTL("ttl-check", "pass note") }, api.HealthPassing, "pass note"},
		{"WarnTTL", func() error { return c.Agent().WarnTTL("ttl-check", "warn note") }, api.HealthWarning, "warn note"},
		{"FailTTL", func() error { return c.Agent().FailTTL("ttl-check", "fail note") }, api.HealthCritical, "fail note"},
		{"UpdateTTL passing", func() error { return c.Agent().UpdateTTL("ttl-check", "upd", api.HealthPassing) },
			api.HealthPassing, "upd"},
		// consul/api maps "pass"/"warn"/"fail" to the passing/warning/critical of PUT /v1/agent/check/update.
		{"UpdateTTL warn", func() error { return c.Agent().UpdateTTL("ttl-check", "w", "warn") }, api.HealthWarning, "w"},
	}
	for _, s := range steps {
		must(t, s.do())
		if got := status(); got.Status != s.status || got.Output != s.output {
			t.Errorf("%s: status %q output %q; expected %q %q", s.name, got.Status, got.Output, s.status, s.output)
		}
	}
	err := c.Agent().UpdateTTL("no-such-check", "x", api.HealthPassing)
	if err == nil || !strings.Contains(err.Error(), "404") {
		t.Errorf("UpdateTTL of an unknown check: %v; expected a 404 error", err)
	}
}

func TestServiceMaintenance(t *testing.T) {
	c := shared(t)
	must(t, c.Agent().ServiceRegister(&api.AgentServiceRegistration{
		ID: "maint-1", Name: "maint", Port: 7003,
		Check: &api.AgentServiceCheck{TTL: "30s", Status: api.HealthPassing},
	}))
	t.Cleanup(func() { _ = c.Agent().ServiceDeregister("maint-1") })
	must(t, c.Agent().EnableServiceMaintenance("maint-1", "upgrading"))
	checks, err := c.Agent().Checks()
	must(t, err)
	m := checks["_service_maintenance:maint-1"]
	if m == nil {
		t.Fatalf("no _service_maintenance:maint-1 check: %v", keys(checks))
	}
	// Consul's agent gives the maintenance check the status critical; "maintenance" exists only in consul/api's
	// aggregated statuses (HealthChecks.AggregatedStatus), derived from the check ID.
	if m.Status != api.HealthCritical || m.Notes != "upgrading" || m.ServiceID != "maint-1" {
		t.Errorf("maintenance check: Status %q Notes %q ServiceID %q", m.Status, m.Notes, m.ServiceID)
	}
	passing, _, err := c.Health().Service("maint", "", true, nil)
	must(t, err)
	if len(passing) != 0 {
		t.Errorf("a service in maintenance is still passing: %d entries", len(passing))
	}
	must(t, c.Agent().DisableServiceMaintenance("maint-1"))
	passing, _, err = c.Health().Service("maint", "", true, nil)
	must(t, err)
	if len(passing) != 1 {
		t.Errorf("after DisableServiceMaintenance: %d passing entries, expected 1", len(passing))
	}
	if err := c.Agent().EnableServiceMaintenance("no-such-service", "x"); err == nil ||
		!strings.Contains(err.Error(), "404") {
		t.Errorf("maintenance of an unknown service: %v; expected a 404 error", err)
	}
}

func TestStatusLeader(t *testing.T) {
	c := shared(t)
	leader, err := c.Status().Leader()
	must(t, err)
	if host, port, err := net.SplitHostPort(leader); err != nil || host == "" || port == "" {
		t.Errorf("Status().Leader() = %q, expected host:port", leader)
	}
	peers, err := c.Status().Peers()
	must(t, err)
	if !slices.Equal(peers, []string{leader}) {
		t.Errorf("Status().Peers() = %v, expected the leader %q alone", peers, leader)
	}
	self, err := c.Agent().Self()
	must(t, err)
	if self["Config"]["Datacenter"] != "dc1" {
		t.Errorf("Agent().Self() Config.Datacenter = %v", self["Config"]["Datacenter"])
	}
	name, err := c.Agent().NodeName()
	must(t, err)
	if name == "" {
		t.Error("Agent().NodeName() is empty")
	}
}

func grpcHealthServer(t *testing.T) string {
	t.Helper()
	lis, err := net.Listen("tcp", "127.0.0.1:0")
	must(t, err)
	s := grpc.NewServer()
	healthpb.RegisterHealthServer(s, health.NewServer()) // "" is SERVING
	go func() { _ = s.Serve(lis) }()
	t.Cleanup(s.Stop)
	return "127.0.0.1:" + strconv.Itoa(lis.Addr().(*net.TCPAddr).Port)
}

func acceptAndClose(l net.Listener) {
	for {
		conn, err := l.Accept()
		if err != nil {
			return
		}
		_ = conn.Close()
	}
}

func keys[V any](m map[string]V) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	slices.Sort(out)
	return out
}
