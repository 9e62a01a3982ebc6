package catalogwatch

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"google.golang.org/grpc/resolver"
)

// recordingConn is the channel side of a resolver: it keeps every state and error it is given.
type recordingConn struct {
	resolver.ClientConn // methods the watcher never calls
	mu                  sync.Mutex
	states              []resolver.State
	errs                []error
}

func (c *recordingConn) UpdateState(s resolver.State) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.states = append(c.states, s)
	return nil
}

func (c *recordingConn) ReportError(err error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.errs = append(c.errs, err)
}

func (c *recordingConn) snapshot() ([]resolver.State, []error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	return append([]resolver.State(nil), c.states...), append([]error(nil), c.errs...)
}

func addrs(s resolver.State) string {
	var out []string
	for _, a := range s.Addresses {
		out = append(out, a.Addr)
	}
	return strings.Join(out, ",")
}

func eventually(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

const node = `{"Node":"n1","Address":"10.0.0.1","ServiceID":"%s","ServiceName":"bench","ServiceAddress":"%s","ServicePort":%d}`

// A fake agent: answer 1 has two instances (one without a service address), answer 2 (the blocking query) drops one
// and adds one, answer 3 is the same list again at a new index, answer 4 is a 500.
func fakeAgent(t *testing.T, requests chan<- url.Values) *httptest.Server {
	var mu sync.Mutex
	n := 0
	return httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/v1/catalog/service/bench" {
			t.Errorf("unexpected request %s", r.URL)
			http.NotFound(w, r)
			return
		}
		requests <- r.URL.Query()
		mu.Lock()
		n++
		call := n
		mu.Unlock()
		switch call {
		case 1:
			w.Header().Set("X-Consul-Index", "7")
			fmt.Fprintf(w, "["+node+","+node+"]", "a", "127.0.0.1", 1001, "b", "", 1002)
		case 2, 3:
			w.Header().Set("X-Consul-Index", fmt.Sprint(7+call))
			fmt.Fprintf(w, "["+node+","+node+"]", "b", "", 1002, "c", "127.0.0.1", 1003)
		default:
			http.Error(w, "boom", http.StatusInternalServerError)
		}
	}))
}

func TestWatchesCatalogAndStopsForGoodOnError(t *testing.T) {
	requests := make(chan url.Values, 10)
	agent := fakeAgent(t, requests)
	defer agent.Close()
	conn := &recordingConn{}
	target := resolver.Target{URL: url.URL{Scheme: Scheme, Host: strings.TrimPrefix(agent.URL, "http://"), Path: "/bench"}}

	r, err := Builder{}.Build(target, conn, resolver.BuildOptions{})
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()

	eventually(t, "the error after four answers", func() bool { _, errs := conn.snapshot(); return len(errs) == 1 })
	states, _ := conn.snapshot()
	if len(states) != 2 {
		t.Fatalf("want 2 states (answer 3 changed nothing), got %d: %v", len(states), states)
	}
	if got := addrs(states[0]); got != "10.0.0.1:1002,127.0.0.1:1001" {
		t.Errorf("first state %s", got)
	}
	if got := addrs(states[1]); got != "10.0.0.1:1002,127.0.0.1:1003" {
		t.Errorf("second state %s", got)
	}
	var indexes []string
	for i := 0; i < 4; i++ {
		q := <-requests
		if q.Has("passing") {
			t.Errorf("request %d filters on health: %v", i+1, q)
		}
		indexes = append(indexes, q.Get("index"))
	}
	if got := strings.Join(indexes, " "); got != " 7 9 10" {
		t.Errorf("blocking indexes %q, want \" 7 9 10\"", got)
	}
	select {
	case q := <-requests:
		t.Fatalf("watcher asked again after the error: %v", q)
	case <-time.After(300 * time.Millisecond):
	}
}

func TestTargetWithoutService(t *testing.T) {
	_, err := Builder{}.Build(resolver.Target{URL: url.URL{Scheme: Scheme, Host: "127.0.0.1:1"}}, &recordingConn{},
		resolver.BuildOptions{})
	if err == nil || !strings.Contains(err.Error(), "consul://host:port/service") {
		t.Fatalf("want an error naming the target form, got %v", err)
	}
}
