// Command helloclient is the Go hello client of the original design, on today's grpc-go: it dials
// consul:///helloserver with round_robin and calls Hello.Say at a fixed interval, printing one line per call:
//
//	ok [<instance id>] <text>
//	failed <grpc code> <description>
//
// and "calls: N ok, M failed" at the end. -resolver picks the resolver of the consul scheme: ours (package
// consulresolver, the default) or mbobakov (github.com/mbobakov/grpc-consul-resolver, unchanged, whose targets
// name the agent and ask for passing instances with ?healthy=true).
package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"syscall"
	"time"

	"github.com/grpcconsul/interop/consulresolver"
	"github.com/grpcconsul/interop/hellopb"
	_ "github.com/mbobakov/grpc-consul-resolver" // registers itself as the global consul:// resolver
	"google.golang.org/grpc"
	"google.golang.org/grpc/credentials/insecure"
	"google.golang.org/grpc/status"
)

const roundRobin = `{"loadBalancingConfig":[{"round_robin":{}}]}`

func main() {
	target := flag.String("target", "consul:///helloserver", "where to call")
	which := flag.String("resolver", "ours", "resolver of the consul scheme: ours or mbobakov")
	interval := flag.Duration("interval", time.Second, "time between calls")
	count := flag.Int("count", 0, "number of calls, then exit (0: until SIGTERM or Ctrl-C)")
	text := flag.String("text", "hello", "what to say")
	deadline := flag.Duration("deadline", 2*time.Second, "deadline of each call")
	flag.Parse()

	opts := []grpc.DialOption{
		grpc.WithTransportCredentials(insecure.NewCredentials()),
		grpc.WithDefaultServiceConfig(roundRobin),
	}
	switch *which {
	case "ours":
		// A dial option wins over the global registry, where the mbobakov import put its own builder.
		opts = append(opts, grpc.WithResolvers(consulresolver.NewBuilder()))
	case "mbobakov":
	default:
		fmt.Fprintf(os.Stderr, "helloclient: -resolver %q: use ours or mbobakov\n", *which)
		os.Exit(2)
	}
	conn, err := grpc.NewClient(*target, opts...)
	if err != nil {
		fmt.Fprintf(os.Stderr, "helloclient: -target %s: %v\n", *target, err)
		os.Exit(2)
	}
	defer conn.Close()
	conn.Connect()

	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGTERM, os.Interrupt)
	defer stop()
	hello := hellopb.NewHelloClient(conn)
	var ok, failed int
	next := time.Now()
	for i := 1; *count == 0 || i <= *count; i++ {
		callCtx, cancel := context.WithTimeout(context.Background(), *deadline)
		resp, err := hello.Say(callCtx, &hellopb.HelloReq{Text: fmt.Sprintf("%s %d", *text, i)})
		cancel()
		if err != nil {
			failed++
			s := status.Convert(err)
			fmt.Printf("failed %s %s\n", s.Code(), s.Message())
		} else {
			ok++
			fmt.Printf("ok %s\n", resp.GetText())
		}
		if *count != 0 && i == *count {
			break
		}
		next = next.Add(*interval)
		if now := time.Now(); next.Before(now) {
			next = now // a slow call is not followed by a burst of catch-up calls
		}
		select {
		case <-ctx.Done():
			fmt.Printf("calls: %d ok, %d failed\n", ok, failed)
			return
		case <-time.After(time.Until(next)):
		}
	}
	fmt.Printf("calls: %d ok, %d failed\n", ok, failed)
}
