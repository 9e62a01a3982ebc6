// Command helloserver is the Go hello server of the original design, on today's grpc-go: it serves Hello.Say,
// registers itself in Consul through the official client (consul/api) with a TTL check that it beats at most every
// TTL/3, and leaves gracefully on SIGTERM or Ctrl-C: not serving, TTL check critical, deregistered, a drain time
// for clients to hear of it, then GracefulStop.
//
// The agent comes from Consul's environment variables (CONSUL_HTTP_ADDR, default 127.0.0.1:8500,
// CONSUL_HTTP_TOKEN, CONSUL_CACERT, ...).
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"math/rand/v2"
	"net"
	"os"
	"os/signal"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/grpcconsul/interop/hellopb"
	"github.com/hashicorp/consul/api"
	"google.golang.org/grpc"
	"google.golang.org/grpc/health"
	healthpb "google.golang.org/grpc/health/grpc_health_v1"
)

type helloService struct {
	hellopb.UnimplementedHelloServer
	id string
}

// Say answers "[<instance id>] <text>", like the Java hello server.
func (s *helloService) Say(_ context.Context, req *hellopb.HelloReq) (*hellopb.HelloResp, error) {
	return &hellopb.HelloResp{Text: "[" + s.id + "] " + req.GetText()}, nil
}

type options struct {
	host, name, id              string
	port                        int
	ttl, drain, deregisterAfter time.Duration
}

func main() {
	var o options
	flag.StringVar(&o.host, "host", "127.0.0.1", "address to listen on and register in Consul")
	flag.IntVar(&o.port, "port", 0, "port to listen on (0: chosen by the OS)")
	flag.StringVar(&o.name, "name", "helloserver", "Consul service name")
	flag.StringVar(&o.id, "id", "", "instance id (default NAME-HOST-PORT)")
	flag.DurationVar(&o.ttl, "ttl", 10*time.Second, "TTL of the Consul check; beaten every TTL/4 to TTL/3")
	flag.DurationVar(&o.drain, "drain", 2*time.Second, "how long to keep serving after deregistering, on shutdown")
	flag.DurationVar(&o.deregisterAfter, "deregister-critical-after", time.Minute,
		"how long critical before Consul removes the instance (Consul's floor is 1m)")
	flag.Parse()
	if o.ttl < time.Second {
		fail(2, "-ttl %s: give a duration of at least 1s, e.g. -ttl 10s", o.ttl)
	}
	if err := run(o); err != nil {
		fail(1, "%v", err)
	}
}

func fail(code int, format string, a ...any) {
	fmt.Fprintf(os.Stderr, "helloserver: "+format+"\n", a...)
	os.Exit(code)
}

func run(o options) error {
	lis, err := net.Listen("tcp", net.JoinHostPort(o.host, strconv.Itoa(o.port)))
	if err != nil {
		return err
	}
	port := lis.Addr().(*net.TCPAddr).Port
	if o.id == "" {
		o.id = fmt.Sprintf("%s-%s-%d", o.name, o.host, port)
	}
	client, err := api.NewClient(api.DefaultConfig())
	if err != nil {
		return err
	}
	server := grpc.NewServer()
	hellopb.RegisterHelloServer(server, &helloService{id: o.id})
	healthServer := health.NewServer()
	healthpb.RegisterHealthServer(server, healthServer)
	serveErr := make(chan error, 1)
	go func() { serveErr <- server.Serve(lis) }()

	reg := &registration{agent: client.Agent(), o: o, port: port, checkID: "service:" + o.id}
	ctx, stopBeating := context.WithCancel(context.Background())
	defer stopBeating()
	signals := make(chan os.Signal, 1)
	signal.Notify(signals, syscall.SIGTERM, os.Interrupt)
	if !reg.registerUntilDone(ctx, signals) {
		server.Stop()
		return nil
	}
	fmt.Printf("serving %s as %s on %s:%d, registered in Consul (TTL %s); Ctrl-C to leave gracefully\n",
		o.name, o.id, o.host, port, o.ttl)
	beaten := make(chan struct{})
	go func() {
		defer close(beaten)
		reg.beat(ctx)
	}()

	select {
	case err := <-serveErr:
		stopBeating()
		<-beaten
		reg.leave()
		return err
	case <-signals:
	}
	fmt.Println("leaving: not serving, check critical, deregistering, draining")
	healthServer.Shutdown() // every service NOT_SERVING
	stopBeating()
	<-beaten
	reg.leave()
	time.Sleep(o.drain) // calls are still served while clients learn of the change through Consul
	stopped := make(chan struct{})
	go func() {
		server.GracefulStop()
		close(stopped)
	}()
	select {
	case <-stopped:
	case <-time.After(10 * time.Second):
		server.Stop()
	}
	fmt.Println("left")
	return nil
}

type registration struct {
	agent   *api.Agent
	o       options
	port    int
	checkID string
}

func (r *registration) register() error {
	return r.agent.ServiceRegister(&api.AgentServiceRegistration{
		ID:      r.o.id,
		Name:    r.o.name,
		Address: r.o.host,
		Port:    r.port,
		Check: &api.AgentServiceCheck{
			CheckID: r.checkID,
			Name:    "hello TTL",
			TTL:     r.o.ttl.String(),
			// Start passing: the instance serves already, and beats long before the TTL runs out.
			Status:                         api.HealthPassing,
			DeregisterCriticalServiceAfter: r.o.deregisterAfter.String(),
		},
	})
}

// registerUntilDone retries with backoff until registered; false when a signal came first.
func (r *registration) registerUntilDone(ctx context.Context, signals <-chan os.Signal) bool {
	delay := 100 * time.Millisecond
	for {
		err := r.register()
		if err == nil {
			return true
		}
		fmt.Fprintf(os.Stderr, "helloserver: registering %s in Consul failed, retrying in %s: %v\n", r.o.id, delay, err)
		select {
		case <-time.After(delay):
		case <-signals:
			return false
		case <-ctx.Done():
			return false
		}
		delay = min(2*delay, 5*time.Second)
	}
}

// beat updates the TTL check every TTL/4 to TTL/3 (jittered), and registers again when the agent has forgotten
// the check (an agent restart loses its state).
func (r *registration) beat(ctx context.Context) {
	ttl := r.o.ttl
	for {
		next := ttl/4 + time.Duration(rand.Int64N(int64(ttl/3-ttl/4)+1))
		select {
		case <-ctx.Done():
			return
		case <-time.After(next):
		}
		err := r.agent.UpdateTTL(r.checkID, "serving", api.HealthPassing)
		if err == nil {
			continue
		}
		if forgotten(err) {
			fmt.Fprintf(os.Stderr, "helloserver: the agent forgot %s (%v); registering again\n", r.o.id, err)
			if err := r.register(); err != nil {
				fmt.Fprintf(os.Stderr, "helloserver: registering again failed: %v\n", err)
			}
			continue
		}
		fmt.Fprintf(os.Stderr, "helloserver: heartbeat of %s failed: %v\n", r.checkID, err)
	}
}

func forgotten(err error) bool {
	var se api.StatusError
	if errors.As(err, &se) && se.Code == 404 {
		return true
	}
	msg := err.Error()
	return strings.Contains(msg, "does not have associated TTL") || strings.Contains(msg, "Unknown check")
}

// leave takes the instance out of rotation: check critical first (a watcher sees it at once even if the
// deregistration fails), then deregistered.
func (r *registration) leave() {
	if err := r.agent.UpdateTTL(r.checkID, "leaving", api.HealthCritical); err != nil {
		fmt.Fprintf(os.Stderr, "helloserver: marking %s critical failed: %v\n", r.checkID, err)
	}
	if err := r.agent.ServiceDeregister(r.o.id); err != nil {
		fmt.Fprintf(os.Stderr, "helloserver: deregistering %s failed: %v\n", r.o.id, err)
	}
}
