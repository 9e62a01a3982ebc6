// Package probe is the Go side of the scenario benchmark's probe: the one RPC the Java contenders call
// (grpcconsul.bench.Probe/Who, an empty request answered with the serving instance's id as UTF-8 bytes) and the
// call loop of io.github.grpcconsul.benchmarks.probe.ProbeClient, with the same stdin/stdout protocol.
//
// The Java side defines the method with a bytes marshaller, not from a .proto file, so there is no protobuf code to
// generate here either: the call goes through a codec that passes the message bytes through unchanged.
package probe

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"os"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"golang.org/x/sys/unix"
	"google.golang.org/grpc"
)

// Method is the full method name of Probe.Who, as in io.github.grpcconsul.benchmarks.probe.Probe.
const Method = "/grpcconsul.bench.Probe/Who"

// Reply prefixes every protocol line the client writes (ProbeClient.REPLY).
const Reply = "@@ "

// Pace is the gap between two calls (ProbeClient.PACE_NANOS): about 500 calls per second.
const Pace = 2 * time.Millisecond

// Deadline is each call's deadline (ProbeClient.DEADLINE_MILLIS).
const Deadline = time.Second

// RawCodec sends and receives message bytes as they are. It keeps the name "proto" so that the content type is the
// usual application/grpc+proto; the Java server's bytes marshaller accepts any bytes.
type RawCodec struct{}

// Marshal returns the bytes of a *[]byte or []byte message.
func (RawCodec) Marshal(v any) ([]byte, error) {
	switch m := v.(type) {
	case []byte:
		return m, nil
	case *[]byte:
		return *m, nil
	default:
		return nil, fmt.Errorf("probe codec: cannot marshal %T, only []byte", v)
	}
}

// Unmarshal copies data into a *[]byte message.
func (RawCodec) Unmarshal(data []byte, v any) error {
	m, ok := v.(*[]byte)
	if !ok {
		return fmt.Errorf("probe codec: cannot unmarshal into %T, only *[]byte", v)
	}
	*m = append((*m)[:0], data...)
	return nil
}

// Name is the codec's content subtype.
func (RawCodec) Name() string { return "proto" }

// NanoTime is CLOCK_MONOTONIC in nanoseconds, the clock behind Java's System.nanoTime() on Linux, so that the harness
// can compare the READY time with its own clock.
func NanoTime() int64 {
	var ts unix.Timespec
	if err := unix.ClockGettime(unix.CLOCK_MONOTONIC, &ts); err != nil {
		panic(fmt.Sprintf("clock_gettime(CLOCK_MONOTONIC): %v", err))
	}
	return ts.Nano()
}

// Client calls Probe.Who through one connection and answers the harness's commands.
type Client struct {
	conn      *grpc.ClientConn
	out       io.Writer
	outMu     sync.Mutex
	succeeded atomic.Int64
	failed    atomic.Int64
	running   atomic.Bool
}

// Run calls through conn until the harness sends QUIT (or closes stdin), then closes conn and replies BYE.
func Run(conn *grpc.ClientConn, in io.Reader, out io.Writer) error {
	c := &Client{conn: conn, out: out}
	c.running.Store(true)
	done := make(chan struct{})
	go func() {
		defer close(done)
		c.callLoop()
	}()
	err := c.serveCommands(bufio.NewScanner(in))
	c.running.Store(false)
	select {
	case <-done:
	case <-time.After(5 * time.Second):
	}
	closeErr := conn.Close()
	c.reply("BYE")
	if err != nil {
		return err
	}
	return closeErr
}

func (c *Client) callLoop() {
	ready := false
	next := time.Now()
	request := []byte{}
	for c.running.Load() {
		ctx, cancel := context.WithTimeout(context.Background(), Deadline)
		var response []byte
		err := c.conn.Invoke(ctx, Method, &request, &response, grpc.ForceCodec(RawCodec{}))
		cancel()
		if err == nil {
			c.succeeded.Add(1)
			if !ready {
				ready = true
				c.reply("READY " + strconv.FormatInt(NanoTime(), 10))
			}
		} else {
			c.failed.Add(1)
		}
		next = next.Add(Pace)
		if wait := time.Until(next); wait > 0 {
			time.Sleep(wait)
		} else {
			next = time.Now() // a slow call does not make the loop burst to catch up
		}
	}
}

func (c *Client) serveCommands(in *bufio.Scanner) error {
	for in.Scan() {
		switch line := strings.TrimSpace(in.Text()); line {
		case "STATS":
			c.reply(fmt.Sprintf("STATS %d %d", c.succeeded.Load(), c.failed.Load()))
		case "FOOTPRINT":
			c.reply(fmt.Sprintf("FOOTPRINT %d %d", HeapAfterGC(), Threads()))
		case "QUIT":
			return nil
		default:
			c.reply("ERROR unknown command '" + line + "'; known: STATS, FOOTPRINT, QUIT")
		}
	}
	return in.Err()
}

func (c *Client) reply(text string) {
	c.outMu.Lock()
	defer c.outMu.Unlock()
	fmt.Fprintln(c.out, Reply+text)
}

// HeapAfterGC is the live heap after two full collections (runtime.MemStats.HeapAlloc), the counterpart of the Java
// probe's used heap after two System.gc().
func HeapAfterGC() uint64 {
	runtime.GC()
	runtime.GC()
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	return m.HeapAlloc
}

// Threads is the process's OS thread count (the Threads line of /proc/self/status), the counterpart of the Java
// probe's live thread count; goroutines are not threads and are not counted.
func Threads() int {
	status, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return -1
	}
	for _, line := range strings.Split(string(status), "\n") {
		if rest, ok := strings.CutPrefix(line, "Threads:"); ok {
			n, err := strconv.Atoi(strings.TrimSpace(rest))
			if err == nil {
				return n
			}
		}
	}
	return -1
}
