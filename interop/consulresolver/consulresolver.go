// Package consulresolver is a grpc-go name resolver for consul:// targets: it watches a service's passing instances
// with Consul blocking queries on /v1/health/service and hands their addresses to the channel.
//
// Target syntax (the same as the Java library's):
//
//	consul://[agent-host[:port]]/service-name[?tag=t&dc=d&near=n&filter=f&wait=5m]
//
// An empty authority (consul:///helloserver) uses the agent and settings of Consul's environment variables
// (CONSUL_HTTP_ADDR, CONSUL_HTTP_TOKEN, CONSUL_CACERT, ... through consul/api's DefaultConfig); an authority
// replaces only the address. The resolver never chooses a load-balancing policy: dial with
// grpc.WithDefaultServiceConfig(`{"loadBalancingConfig":[{"round_robin":{}}]}`) to spread calls.
//
// The watch follows Consul's documented rules for blocking queries: the first request has index 0; the index is
// reset to 0 when it goes backwards and never used below 1; requests go through a token bucket (burst 2, one
// every 200 ms) so a churning service cannot make the client hammer Consul; errors back off exponentially with
// jitter (100 ms doubling to 5 s) and keep the last list in place: a Consul outage is not the callers' trouble.
package consulresolver

import (
	"context"
	"fmt"
	"math/rand/v2"
	"net"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/hashicorp/consul/api"
	"google.golang.org/grpc/attributes"
	"google.golang.org/grpc/grpclog"
	"google.golang.org/grpc/resolver"
)

// Scheme is the target scheme this package resolves.
const Scheme = "consul"

var logger = grpclog.Component("consulresolver")

// Timing of the watch loop; variables so that the package's tests can shorten them.
var (
	bucketBurst     = 2
	bucketRefill    = 200 * time.Millisecond
	backoffInitial  = 100 * time.Millisecond
	backoffMax      = 5 * time.Second
	defaultWaitTime = 5 * time.Minute
)

// ServiceIDKey is the key of the Consul service ID in each endpoint's attributes.
type ServiceIDKey struct{}

// NewBuilder returns a resolver builder for the consul scheme. Pass it to grpc.NewClient with
// grpc.WithResolvers, or register it globally with resolver.Register.
func NewBuilder() resolver.Builder {
	return builder{}
}

type builder struct{}

func (builder) Scheme() string { return Scheme }

func (builder) Build(t resolver.Target, cc resolver.ClientConn, _ resolver.BuildOptions) (resolver.Resolver, error) {
	q, cfg, err := parseTarget(t.URL)
	if err != nil {
		return nil, err
	}
	client, err := api.NewClient(cfg)
	if err != nil {
		return nil, fmt.Errorf("consul target %q: %w", t.URL.String(), err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	r := &consulResolver{
		target: t.URL.String(),
		query:  q,
		agent:  cfg.Address,
		health: client.Health(),
		cc:     cc,
		ctx:    ctx,
		cancel: cancel,
		done:   make(chan struct{}),
	}
	go r.watch()
	return r, nil
}

// query is what a target asks Consul.
type query struct {
	service string
	tags    []string
	dc      string
	near    string
	filter  string
	wait    time.Duration
}

func parseTarget(u url.URL) (query, *api.Config, error) {
	bad := func(format string, a ...any) error {
		return fmt.Errorf("consul target %q: %s", u.String(), fmt.Sprintf(format, a...))
	}
	cfg := api.DefaultConfig() // Consul's environment variables: address, token, TLS
	if u.Host != "" {
		host, port, err := net.SplitHostPort(u.Host)
		if err != nil {
			host, port = strings.Trim(u.Host, "[]"), "8500"
		}
		if n, err := strconv.Atoi(port); err != nil || n < 1 || n > 65535 {
			return query{}, nil, bad("port %q is not a number from 1 to 65535", port)
		}
		cfg.Address = net.JoinHostPort(host, port)
	}
	q := query{service: strings.TrimPrefix(u.Path, "/"), wait: defaultWaitTime}
	if q.service == "" || strings.Contains(q.service, "/") {
		return query{}, nil, bad("the path must be one service name, e.g. consul:///helloserver")
	}
	for key, values := range u.Query() {
		last := values[len(values)-1]
		switch key {
		case "tag":
			q.tags = append(q.tags, values...)
		case "dc":
			q.dc = last
		case "near":
			q.near = last
		case "filter":
			q.filter = last
		case "wait":
			d, err := time.ParseDuration(last)
			if err != nil || d < time.Second || d > 10*time.Minute {
				return query{}, nil, bad("wait %q is not a Go duration from 1s to 10m, e.g. wait=30s", last)
			}
			q.wait = d
		default:
			return query{}, nil, bad("unknown parameter %q; use tag, dc, near, filter or wait", key)
		}
	}
	slices.Sort(q.tags)
	return q, cfg, nil
}

type consulResolver struct {
	target string
	query  query
	agent  string
	health *api.Health
	cc     resolver.ClientConn
	ctx    context.Context
	cancel context.CancelFunc
	done   chan struct{}
	once   sync.Once
}

// ResolveNow does nothing: the blocking query already reports every change as it happens.
func (r *consulResolver) ResolveNow(resolver.ResolveNowOptions) {}

// Close stops the watch, aborting the request in flight, and returns once its goroutine has ended.
func (r *consulResolver) Close() {
	r.once.Do(func() {
		r.cancel()
		<-r.done
	})
}

func (r *consulResolver) watch() {
	defer close(r.done)
	bucket := newTokenBucket(bucketBurst, bucketRefill)
	var index uint64
	var last []string // sorted host:port of the last list handed to the channel
	haveList := false
	failures := 0
	for {
		if !bucket.take(r.ctx) {
			return
		}
		opts := (&api.QueryOptions{
			Datacenter: r.query.dc, Near: r.query.near, Filter: r.query.filter,
			WaitIndex: index, WaitTime: r.query.wait,
		}).WithContext(r.ctx)
		entries, meta, err := r.health.ServiceMultipleTags(r.query.service, r.query.tags, true, opts)
		if r.ctx.Err() != nil {
			return
		}
		if err != nil {
			failures++
			if failures == 1 {
				logger.Warningf("consul target %q: agent %s failed, keeping the last list: %v", r.target, r.agent, err)
			}
			if !haveList {
				r.cc.ReportError(fmt.Errorf("consul target %q: agent %s: %w", r.target, r.agent, err))
			}
			index = 0 // the retry is answered at once, so a restarted agent is seen immediately
			if !sleep(r.ctx, backoff(failures)) {
				return
			}
			continue
		}
		if failures > 0 {
			logger.Infof("consul target %q: agent %s answers again", r.target, r.agent)
			failures = 0
		}
		changed := meta.LastIndex != index
		index = nextIndex(index, meta.LastIndex)
		if !changed && haveList {
			continue // the wait ran out with nothing new
		}
		addrs := addresses(entries)
		if haveList && slices.Equal(addrs.keys, last) {
			continue
		}
		if len(addrs.keys) == 0 {
			haveList = false
			last = nil
			dc := r.query.dc
			if dc == "" {
				dc = "of the agent"
			}
			r.cc.ReportError(fmt.Errorf("no passing instance of service %q in datacenter %s (agent %s)",
				r.query.service, dc, r.agent))
			continue
		}
		if err := r.cc.UpdateState(resolver.State{Endpoints: addrs.endpoints}); err != nil {
			logger.Infof("consul target %q: the channel did not take the new list: %v", r.target, err)
		}
		haveList = true
		last = addrs.keys
	}
}

// nextIndex applies Consul's rules: reset to 0 when the index goes backwards, never below 1 otherwise.
func nextIndex(prev, got uint64) uint64 {
	if got < prev {
		return 0
	}
	return max(got, 1)
}

type addressList struct {
	keys      []string
	endpoints []resolver.Endpoint
}

func addresses(entries []*api.ServiceEntry) addressList {
	byKey := make(map[string]resolver.Endpoint, len(entries))
	for _, e := range entries {
		host := e.Service.Address
		if host == "" {
			host = e.Node.Address
		}
		addr := net.JoinHostPort(host, strconv.Itoa(e.Service.Port))
		byKey[addr] = resolver.Endpoint{
			Addresses:  []resolver.Address{{Addr: addr}},
			Attributes: attributes.New(ServiceIDKey{}, e.Service.ID),
		}
	}
	var list addressList
	for k := range byKey {
		list.keys = append(list.keys, k)
	}
	slices.Sort(list.keys)
	for _, k := range list.keys {
		list.endpoints = append(list.endpoints, byKey[k])
	}
	return list
}

// backoff is the delay after the n-th consecutive failure: 100 ms doubling to 5 s, ±20 % jitter.
func backoff(n int) time.Duration {
	d := backoffInitial
	for i := 1; i < n && d < backoffMax; i++ {
		d *= 2
	}
	d = min(d, backoffMax)
	return time.Duration(float64(d) * (0.8 + 0.4*rand.Float64()))
}

func sleep(ctx context.Context, d time.Duration) bool {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return true
	case <-ctx.Done():
		return false
	}
}

// tokenBucket lets burst requests through at once, then one per refill period.
type tokenBucket struct {
	burst  float64
	refill time.Duration
	tokens float64
	at     time.Time
}

func newTokenBucket(burst int, refill time.Duration) *tokenBucket {
	return &tokenBucket{burst: float64(burst), refill: refill, tokens: float64(burst), at: time.Now()}
}

// take waits for a token; false when the context ended first.
func (b *tokenBucket) take(ctx context.Context) bool {
	now := time.Now()
	b.tokens = min(b.burst, b.tokens+float64(now.Sub(b.at))/float64(b.refill))
	b.at = now
	if b.tokens < 1 {
		if !sleep(ctx, time.Duration((1-b.tokens)*float64(b.refill))) {
			return false
		}
		b.tokens = 1
		b.at = time.Now()
	}
	b.tokens--
	return true
}
