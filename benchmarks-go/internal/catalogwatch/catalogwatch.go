// Package catalogwatch is the original Go design this project started from, ported to today's grpc-go resolver API:
// a blocking query on /v1/catalog/service/<name> (no health filter, so critical instances stay in the list), the
// difference to the previous list applied as additions and deletions, and no retry: the first error ends the watch
// for good, as the old naming.Watcher's Next() error ended the old balancer's watch.
//
// What changed in the port is only the API shape. The old naming.Watcher returned []*naming.Update (Add/Delete);
// today's resolver.ClientConn takes the whole address list, so the watcher keeps the set it built from those updates
// and hands all of it over after each change. As before, a wake-up that changes nothing reports nothing, the wait
// time is the Consul client's default (none given: the agent's 5 minutes), and ResolveNow does nothing (the old
// watcher had no such hook).
package catalogwatch

import (
	"fmt"
	"net"
	"sort"
	"strconv"
	"sync"

	"github.com/hashicorp/consul/api"
	"google.golang.org/grpc/resolver"
)

// Scheme is the target scheme this builder answers, so targets read consul://host:port/service like the others'.
const Scheme = "consul"

// Builder builds catalog watchers.
type Builder struct{}

// Scheme implements resolver.Builder.
func (Builder) Scheme() string { return Scheme }

// Build starts watching the service named by the target's path on the agent named by its host.
func (Builder) Build(target resolver.Target, cc resolver.ClientConn, _ resolver.BuildOptions) (resolver.Resolver, error) {
	service := target.Endpoint()
	if service == "" {
		return nil, fmt.Errorf("catalogwatch: target %q names no service; use consul://host:port/service", target.URL.String())
	}
	config := api.DefaultConfig()
	if target.URL.Host != "" {
		config.Address = target.URL.Host
	}
	client, err := api.NewClient(config)
	if err != nil {
		return nil, fmt.Errorf("catalogwatch: consul client for %q: %w", config.Address, err)
	}
	w := &watcher{catalog: client.Catalog(), service: service, cc: cc, done: make(chan struct{})}
	go w.run()
	return w, nil
}

type watcher struct {
	catalog   *api.Catalog
	service   string
	cc        resolver.ClientConn
	done      chan struct{}
	closeOnce sync.Once
	lastIndex uint64
	addrs     map[string]bool
}

func (w *watcher) run() {
	for {
		updates, err := w.next()
		if err != nil {
			select {
			case <-w.done:
			default:
				w.cc.ReportError(err)
			}
			return // the original design: an error stops the watch for good
		}
		for _, u := range updates {
			if u.add {
				w.addrs[u.addr] = true
			} else {
				delete(w.addrs, u.addr)
			}
		}
		select {
		case <-w.done:
			return
		default:
		}
		list := make([]string, 0, len(w.addrs))
		for addr := range w.addrs {
			list = append(list, addr)
		}
		sort.Strings(list)
		state := resolver.State{Addresses: make([]resolver.Address, 0, len(list))}
		for _, addr := range list {
			state.Addresses = append(state.Addresses, resolver.Address{Addr: addr})
		}
		_ = w.cc.UpdateState(state) // the old watcher had no way to hear a rejection either
	}
}

type update struct {
	add  bool
	addr string
}

// next blocks until the service's instance set differs from the one last returned, as naming.Watcher.Next did.
func (w *watcher) next() ([]update, error) {
	for {
		services, meta, err := w.catalog.Service(w.service, "", &api.QueryOptions{WaitIndex: w.lastIndex})
		if err != nil {
			return nil, err
		}
		w.lastIndex = meta.LastIndex
		current := make(map[string]bool, len(services))
		for _, s := range services {
			host := s.ServiceAddress
			if host == "" {
				host = s.Address
			}
			current[net.JoinHostPort(host, strconv.Itoa(s.ServicePort))] = true
		}
		var updates []update
		if w.addrs == nil {
			w.addrs = map[string]bool{}
		}
		for addr := range current {
			if !w.addrs[addr] {
				updates = append(updates, update{add: true, addr: addr})
			}
		}
		for addr := range w.addrs {
			if !current[addr] {
				updates = append(updates, update{add: false, addr: addr})
			}
		}
		if len(updates) > 0 {
			return updates, nil
		}
	}
}

// ResolveNow does nothing: the original watcher only learned of changes from its blocking query.
func (w *watcher) ResolveNow(resolver.ResolveNowOptions) {}

// Close stops reporting. An in-flight blocking query is not cancelled (the original had no way to), so its goroutine
// ends when that query returns.
func (w *watcher) Close() {
	w.closeOnce.Do(func() { close(w.done) })
}
