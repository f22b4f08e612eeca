package main

import (
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"runtime"
	"strconv"
	"strings"
	"time"

	"golang.org/x/sys/unix"
)

func main() {
	if spec := os.Getenv(childEnv); spec != "" {
		os.Exit(childMain(spec))
	}
	os.Exit(run(os.Args[1:], os.Stdout, os.Stderr))
}

// run is the command: parse flags, run every selected mechanism, print.
// It returns 0 when every run that could start verified its data, 1 on a
// failed run and 2 on a usage error. Runs skipped because a system limit
// is too low are reported but do not fail the command.
func run(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("ipcbench", flag.ContinueOnError)
	fs.SetOutput(stderr)
	mechList := fs.String("mech", "all", "comma-separated mechanisms: "+mechNames()+" (or all)")
	sizeList := fs.String("sizes", "4K,64K,1M", "comma-separated message sizes for throughput runs (suffixes K, M)")
	total := fs.String("bytes", "1G", "bytes moved per throughput run")
	rtt := fs.Int("rtt", 50000, "64-byte round trips per latency run (0 skips latency)")
	cpu := fs.String("cpu", "same", "pinning: same (both on one CPU), split (different CPUs) or none")
	spin := fs.Duration("spin", -1, "shared memory: how long to poll before sleeping on a futex (default 0 for -cpu same, else 100µs)")
	jsonOut := fs.Bool("json", false, "print JSON instead of the table")
	svgFile := fs.String("svg", "", "also write an SVG bar chart of throughput to `file`")
	mqChunk := fs.Bool("mq-chunk", false, "mqueue: split messages above fs.mqueue.msgsize_max into msgsize_max pieces")
	raise := fs.Bool("raise-limits", false, "as root: raise fs.mqueue.msgsize_max and RLIMIT_MSGQUEUE for the run (announced, restored on exit)")
	timeout := fs.Duration("timeout", 2*time.Minute, "kill a run that takes longer")
	fs.Usage = func() {
		fmt.Fprintf(stderr, "usage: ipcbench [flags]\n\nMoves the same data between a producer and a consumer process over each IPC mechanism.\n\n")
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		return 2
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(stderr, "ipcbench: unexpected argument %q\n", fs.Arg(0))
		return 2
	}
	c := &config{rtt: *rtt, cpuMode: *cpu, spin: *spin, mqChunk: *mqChunk, timeout: *timeout}
	var err error
	if c.mechs, err = parseMechs(*mechList); err == nil {
		if c.sizes, err = parseSizes(*sizeList); err == nil {
			var b []int
			if b, err = parseSizes(*total); err == nil {
				c.bytes = int64(b[0])
				err = c.setCPUs()
			}
		}
	}
	if err == nil && c.rtt < 0 {
		err = errors.New("ipcbench: -rtt must not be negative")
	}
	if err != nil {
		fmt.Fprintln(stderr, err)
		return 2
	}
	if c.exe, err = os.Executable(); err != nil {
		fmt.Fprintf(stderr, "ipcbench: find own executable: %v\n", err)
		return 1
	}
	if *raise {
		// raiseLimits undoes its own changes when it fails.
		restore, err := raiseLimits(c, stderr)
		if err != nil {
			fmt.Fprintln(stderr, err)
			return 1
		}
		defer restore()
	}
	if f, ok := stderr.(*os.File); ok && !*jsonOut && isTerminal(f) {
		c.progress = func(s string) { fmt.Fprintf(stderr, "\r\033[K%s", s) }
	}

	results := runAll(c)
	if c.progress != nil {
		fmt.Fprint(stderr, "\r\033[K")
	}
	status := 0
	for _, r := range results {
		if r.Err == "" {
			continue
		}
		// The table carries errors as notes; JSON readers get them here.
		if *jsonOut || !r.Limit {
			fmt.Fprintln(stderr, r.Err)
		}
		if !r.Limit {
			status = 1
		}
	}
	if *jsonOut {
		enc := json.NewEncoder(stdout)
		enc.SetIndent("", "  ")
		if err := enc.Encode(report{Header: header(c), Results: results}); err != nil {
			fmt.Fprintf(stderr, "ipcbench: write json: %v\n", err)
			return 1
		}
	} else {
		writeTable(stdout, c, results)
	}
	if *svgFile != "" {
		if err := os.WriteFile(*svgFile, svgChart(c, results), 0o644); err != nil {
			fmt.Fprintf(stderr, "ipcbench: write svg: %v\n", err)
			return 1
		}
	}
	return status
}

// runAll runs the throughput runs (mechanism × size) and then one latency
// run per mechanism.
func runAll(c *config) []Result {
	var out []Result
	for _, m := range c.mechs {
		for _, s := range c.sizes {
			if c.progress != nil {
				c.progress(fmt.Sprintf("ipcbench: %s %s", m.name, sizeName(s)))
			}
			out = append(out, runCell(c, m, "throughput", s))
		}
	}
	if c.rtt > 0 {
		for _, m := range c.mechs {
			if c.progress != nil {
				c.progress(fmt.Sprintf("ipcbench: %s latency", m.name))
			}
			out = append(out, runCell(c, m, "latency", 64))
		}
	}
	return out
}

func mechNames() string {
	var n []string
	for _, m := range mechanisms {
		n = append(n, m.name)
	}
	return strings.Join(n, ",")
}

func parseMechs(list string) ([]*mechanism, error) {
	if list == "all" || list == "" {
		return mechanisms, nil
	}
	var out []*mechanism
	for _, name := range strings.Split(list, ",") {
		m := findMechanism(strings.TrimSpace(name))
		if m == nil {
			return nil, fmt.Errorf("ipcbench: -mech: unknown mechanism %q (have %s)", name, mechNames())
		}
		out = append(out, m)
	}
	return out, nil
}

// parseSizes parses "4K,64K,1M" (binary units; a trailing B or iB is
// allowed).
func parseSizes(list string) ([]int, error) {
	var out []int
	for _, f := range strings.Split(list, ",") {
		s := strings.ToUpper(strings.TrimSpace(f))
		s = strings.TrimSuffix(strings.TrimSuffix(s, "IB"), "B")
		mul := 1
		switch {
		case strings.HasSuffix(s, "K"):
			mul, s = 1<<10, s[:len(s)-1]
		case strings.HasSuffix(s, "M"):
			mul, s = 1<<20, s[:len(s)-1]
		case strings.HasSuffix(s, "G"):
			mul, s = 1<<30, s[:len(s)-1]
		}
		n, err := strconv.Atoi(s)
		if err != nil || n <= 0 || n > (1<<34)/mul {
			return nil, fmt.Errorf("ipcbench: bad size %q (want e.g. 64, 4K, 1M)", f)
		}
		out = append(out, n*mul)
	}
	return out, nil
}

// sizeName prints a size the way -sizes accepts it.
func sizeName(n int) string {
	switch {
	case n >= 1<<30 && n%(1<<30) == 0:
		return fmt.Sprintf("%d GiB", n>>30)
	case n >= 1<<20 && n%(1<<20) == 0:
		return fmt.Sprintf("%d MiB", n>>20)
	case n >= 1<<10 && n%(1<<10) == 0:
		return fmt.Sprintf("%d KiB", n>>10)
	}
	return fmt.Sprintf("%d B", n)
}

// setCPUs turns -cpu into CPU numbers from the allowed set: "same" uses
// the highest allowed CPU (the lowest usually takes more interrupts),
// "split" the two highest.
func (c *config) setCPUs() error {
	c.prodCPU, c.consCPU = -1, -1
	var set unix.CPUSet
	if err := unix.SchedGetaffinity(0, &set); err != nil {
		return fmt.Errorf("ipcbench: sched_getaffinity: %w", err)
	}
	var cpus []int
	for i := 0; i < len(set)*64; i++ {
		if set.IsSet(i) {
			cpus = append(cpus, i)
		}
	}
	n := len(cpus)
	switch c.cpuMode {
	case "none":
	case "same":
		c.prodCPU, c.consCPU = cpus[n-1], cpus[n-1]
	case "split":
		if n < 2 {
			return fmt.Errorf("ipcbench: -cpu split needs two CPUs, this process may use only %v", cpus)
		}
		c.prodCPU, c.consCPU = cpus[n-2], cpus[n-1]
	default:
		return fmt.Errorf("ipcbench: -cpu %q: want same, split or none", c.cpuMode)
	}
	if c.spin < 0 {
		// Polling a CPU you share with the peer only delays the peer. On
		// different CPUs the poll must outlast a cross-CPU wake-up (tens
		// of µs in a VM), or both sides fall into sleeping every time.
		c.spin = 100 * time.Microsecond
		if c.cpuMode == "same" {
			c.spin = 0
		}
	}
	return nil
}

// raiseLimits raises fs.mqueue.msgsize_max to the largest selected size
// and RLIMIT_MSGQUEUE to fit two such queues, announcing each change on
// stderr. The returned function restores the sysctl.
func raiseLimits(c *config, stderr io.Writer) (func(), error) {
	need := 64
	for _, s := range c.sizes {
		need = max(need, s)
	}
	restore := func() {}
	old, err := readProcInt(mqMsgsizeMax)
	if err != nil {
		return restore, fmt.Errorf("ipcbench: -raise-limits: read %s: %w", mqMsgsizeMax, err)
	}
	if need > old {
		if err := os.WriteFile(mqMsgsizeMax, []byte(strconv.Itoa(need)), 0); err != nil {
			return restore, fmt.Errorf("ipcbench: -raise-limits: write %s: %w", mqMsgsizeMax, err)
		}
		fmt.Fprintf(stderr, "ipcbench: raised %s from %d to %d until exit\n", mqMsgsizeMax, old, need)
		restore = func() {
			if err := os.WriteFile(mqMsgsizeMax, []byte(strconv.Itoa(old)), 0); err != nil {
				fmt.Fprintf(stderr, "ipcbench: restore %s to %d: %v\n", mqMsgsizeMax, old, err)
				return
			}
			fmt.Fprintf(stderr, "ipcbench: restored %s to %d\n", mqMsgsizeMax, old)
		}
	}
	var rl unix.Rlimit
	if err := unix.Getrlimit(unix.RLIMIT_MSGQUEUE, &rl); err != nil {
		restore()
		return func() {}, fmt.Errorf("ipcbench: -raise-limits: getrlimit: %w", err)
	}
	// Two queues (latency runs) of 10 messages plus kernel overhead.
	want := uint64(2*10*(need+256) + 1<<16)
	if rl.Cur < want {
		old := rl.Cur
		rl.Cur, rl.Max = want, max(rl.Max, want)
		if err := unix.Setrlimit(unix.RLIMIT_MSGQUEUE, &rl); err != nil {
			// Not fatal: queues that fit the current limit still run;
			// the others fail with an error naming RLIMIT_MSGQUEUE.
			fmt.Fprintf(stderr, "ipcbench: -raise-limits: cannot raise RLIMIT_MSGQUEUE from %d to %d: %v\n", old, want, err)
		} else {
			fmt.Fprintf(stderr, "ipcbench: raised RLIMIT_MSGQUEUE of this process from %d to %d\n", old, want)
		}
	}
	return restore, nil
}

// isTerminal reports whether f is a terminal (for the progress line).
func isTerminal(f *os.File) bool {
	_, err := unix.IoctlGetTermios(int(f.Fd()), unix.TCGETS)
	return err == nil
}

// header describes the machine and settings of a run.
func header(c *config) map[string]any {
	host, _ := os.Hostname()
	return map[string]any{
		"go": runtime.Version(), "goos": runtime.GOOS, "goarch": runtime.GOARCH,
		"host": host, "cpus": runtime.NumCPU(), "cpu_mode": c.cpuMode,
		"producer_cpu": c.prodCPU, "consumer_cpu": c.consCPU,
		"spin_ns": c.spin.Nanoseconds(), "bytes_per_run": c.bytes, "round_trips": c.rtt, "mq_chunk": c.mqChunk,
	}
}
