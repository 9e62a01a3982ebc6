// Command probe-client is the Go contender of the scenario benchmark: one connection to consul://host:port/service
// through the chosen resolver, round_robin, and the same call loop and stdin/stdout protocol as the Java contenders'
// ProbeClient. Every resolver keeps its defaults.
//
//	probe-client -resolver mbobakov|simplesurance|catalog consul://127.0.0.1:8500/bench
package main

import (
	"flag"
	"fmt"
	"os"

	_ "github.com/mbobakov/grpc-consul-resolver" // registers its "consul" scheme globally, as its README shows
	simplesurance "github.com/simplesurance/grpcconsulresolver/consul"
	"google.golang.org/grpc"
	"google.golang.org/grpc/credentials/insecure"
	"google.golang.org/grpc/resolver"

	"github.com/grpcconsul/grpc-consul/benchmarks-go/internal/catalogwatch"
	"github.com/grpcconsul/grpc-consul/benchmarks-go/internal/probe"
)

const roundRobin = `{"loadBalancingConfig": [{"round_robin": {}}]}`

func main() {
	name := flag.String("resolver", "", "mbobakov, simplesurance or catalog")
	flag.Parse()
	if flag.NArg() != 1 {
		fail("usage: probe-client -resolver mbobakov|simplesurance|catalog consul://host:port/service")
	}
	target := flag.Arg(0)
	options := []grpc.DialOption{
		grpc.WithTransportCredentials(insecure.NewCredentials()),
		grpc.WithDefaultServiceConfig(roundRobin),
	}
	switch *name {
	case "mbobakov":
		// Its init() registered the global "consul" builder; nothing to add.
	case "simplesurance":
		// Its README registers it globally with resolver.Register(consul.NewBuilder()); per connection is the same
		// builder and keeps it from shadowing mbobakov's global one.
		options = append(options, grpc.WithResolvers(simplesurance.NewBuilder()))
	case "catalog":
		options = append(options, grpc.WithResolvers(resolver.Builder(catalogwatch.Builder{})))
	default:
		fail(fmt.Sprintf("unknown -resolver %q; use mbobakov, simplesurance or catalog", *name))
	}
	conn, err := grpc.NewClient(target, options...)
	if err != nil {
		fail(fmt.Sprintf("grpc.NewClient(%q): %v", target, err))
	}
	if err := probe.Run(conn, os.Stdin, os.Stdout); err != nil {
		fail(err.Error())
	}
}

func fail(message string) {
	fmt.Fprintln(os.Stderr, "probe-client: "+message)
	os.Exit(2)
}
