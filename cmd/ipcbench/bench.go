package main

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"sync"
	"time"
)

// config is one invocation's settings.
type config struct {
	mechs    []*mechanism
	sizes    []int
	bytes    int64 // bytes per throughput run
	rtt      int   // recorded round trips per latency run (0: none)
	cpuMode  string
	prodCPU  int // -1: not pinned
	consCPU  int
	spin     time.Duration
	mqChunk  bool
	exe      string
	timeout  time.Duration
	progress func(string) // optional, called before each run
}

// Result is one run: a mechanism at one message size in one mode.
type Result struct {
	Mech     string `json:"mechanism"`
	Mode     string `json:"mode"` // "throughput" or "latency"
	Size     int    `json:"message_bytes"`
	Messages int    `json:"messages"`
	Bytes    int64  `json:"bytes"`
	Buffer   int    `json:"channel_buffer_bytes"`
	CPU      string `json:"cpu"`

	Seconds float64 `json:"seconds,omitempty"`
	GBps    float64 `json:"gb_per_s,omitempty"` // 10^9 bytes per second

	MedianUs float64 `json:"rtt_median_us,omitempty"`
	P99Us    float64 `json:"rtt_p99_us,omitempty"`

	// Per MiB moved (throughput) or per round trip (latency).
	IOSyscalls   float64 `json:"io_syscalls_per_unit"`   // syscr+syscw of both processes
	AllSyscalls  float64 `json:"data_syscalls_per_unit"` // every data-path call the code made
	VolSwitches  float64 `json:"voluntary_switches_per_unit"`
	InvSwitches  float64 `json:"involuntary_switches_per_unit"`
	IOPerMessage float64 `json:"io_syscalls_per_message"`
	Unit         string  `json:"unit"` // "MiB" or "round trip"

	KernelCopies int `json:"kernel_copies"`
	UserCopies   int `json:"user_copies"`

	Checksum string    `json:"crc32"`
	Verified bool      `json:"verified"`
	Producer sideStats `json:"producer"`
	Consumer sideStats `json:"consumer"`
	Err      string    `json:"error,omitempty"`
	Limit    bool      `json:"needs_limit,omitempty"` // Err asks for a raised limit
}

// runCell runs one producer/consumer pair and returns what it measured.
// A failed run is reported in Result.Err, never by panicking or exiting.
func runCell(c *config, m *mechanism, mode string, size int) Result {
	r := Result{Mech: m.name, Mode: mode, Size: size, CPU: c.cpuMode,
		KernelCopies: m.kernelCopies, UserCopies: m.userCopies}
	spec := childSpec{Mech: m.name, Mode: mode, Size: size, SpinNs: c.spin.Nanoseconds()}
	if mode == "throughput" {
		spec.Count = int(max(1, c.bytes/int64(size)))
		r.Unit = "MiB"
	} else {
		spec.Warm = min(1000, c.rtt/10)
		spec.Count = c.rtt + spec.Warm
		r.Unit = "round trip"
	}
	r.Messages = spec.Count - spec.Warm
	r.Bytes = int64(spec.Count) * int64(size)

	fwd, err := m.open(c, size)
	if err != nil {
		return r.fail(err)
	}
	defer fwd.close()
	defer fwd.closeFiles()
	spec.Fwd = fwd.info
	r.Buffer = fwd.buffer
	var rev *channel
	if mode == "latency" {
		if rev, err = m.open(c, size); err != nil {
			return r.fail(err)
		}
		defer rev.close()
		defer rev.closeFiles()
		spec.Rev = rev.info
	}
	side := func(tx bool) []*os.File {
		if rev == nil {
			return []*os.File{pick(fwd, tx)}
		}
		return []*os.File{pick(fwd, tx), pick(rev, !tx)}
	}

	ps, cs := spec, spec
	ps.Role, ps.CPU = "producer", c.prodCPU
	cs.Role, cs.CPU = "consumer", c.consCPU
	var kids []*child
	defer func() {
		for _, k := range kids {
			k.kill()
			k.wait()
		}
	}()
	for _, s := range []struct {
		spec  childSpec
		files []*os.File
	}{{cs, side(false)}, {ps, side(true)}} {
		k, err := startChild(c.exe, s.spec, s.files)
		if err != nil {
			return r.fail(err)
		}
		kids = append(kids, k)
	}
	// Both children hold their descriptors now; drop ours so that a
	// child's death shows as end-of-file or EPIPE on the other side.
	fwd.closeFiles()
	rev.closeFiles()
	cons, prod := kids[0], kids[1]

	watchdog := time.AfterFunc(c.timeout, func() {
		for _, k := range kids {
			k.kill()
		}
	})
	defer watchdog.Stop()

	// Phase 1: both attached. Phase 2: go. Phase 3: both report.
	if err := allKids(kids, (*child).ready); err != nil {
		return r.fail(err)
	}
	for _, k := range kids {
		if _, err := k.ctl.Write([]byte{'G'}); err != nil {
			return r.fail(fmt.Errorf("ipcbench: %s: start child: %w", m.name, err))
		}
	}
	if err := allKids(kids, (*child).report); err != nil {
		return r.fail(err)
	}
	r.Producer, r.Consumer = prod.stats, cons.stats
	for _, k := range kids {
		if err := k.wait(); err != nil {
			return r.fail(fmt.Errorf("ipcbench: %s: %s: %w%s", m.name, k.spec.Role, err, k.stderrSuffix()))
		}
	}
	kids = nil
	return r.finish(mode)
}

// pick returns the channel's descriptor for the sending or receiving side.
func pick(ch *channel, tx bool) *os.File {
	if tx {
		return ch.tx
	}
	return ch.rx
}

func (r Result) fail(err error) Result {
	r.Err = err.Error()
	r.Limit = errors.Is(err, errLimit)
	return r
}

// finish derives the reported figures from the two sides' stats.
func (r Result) finish(mode string) Result {
	p, q := r.Producer, r.Consumer
	r.Checksum = fmt.Sprintf("%08x", p.Expect)
	r.Verified = p.Expect == q.Sum && (mode == "throughput" || p.Sum == p.Expect)
	if !r.Verified {
		r.Err = fmt.Sprintf("ipcbench: %s: checksum mismatch: sent %08x, consumer got %08x, producer got back %08x",
			r.Mech, p.Expect, q.Sum, p.Sum)
	}
	io := float64(p.Syscr + p.Syscw + q.Syscr + q.Syscw)
	all := float64(p.Calls + q.Calls)
	vol := float64(p.Nvcsw + q.Nvcsw)
	inv := float64(p.Nivcsw + q.Nivcsw)
	units := float64(r.Messages)
	if mode == "throughput" {
		r.Seconds = float64(q.End-p.Start) / 1e9
		if r.Seconds > 0 {
			r.GBps = float64(r.Bytes) / r.Seconds / 1e9
		}
		units = float64(r.Bytes) / (1 << 20)
	} else {
		r.MedianUs = float64(p.MedianNs) / 1e3
		r.P99Us = float64(p.P99Ns) / 1e3
		units = float64(r.Messages + min(1000, r.Messages/10)) // warm-up included in the counters
	}
	r.IOSyscalls, r.AllSyscalls = io/units, all/units
	r.VolSwitches, r.InvSwitches = vol/units, inv/units
	total := float64(r.Messages)
	if mode == "latency" {
		total = units
	}
	r.IOPerMessage = io / total
	return r
}

// child is one running producer or consumer.
type child struct {
	spec   childSpec
	cmd    *exec.Cmd
	ctl    *os.File
	rd     *bufio.Reader
	stderr bytes.Buffer
	stats  sideStats
	once   sync.Once
	err    error
}

// startChild re-executes exe in the given role with files as descriptors
// 4 and up and a control socket as descriptor 3.
func startChild(exe string, spec childSpec, files []*os.File) (*child, error) {
	js, err := json.Marshal(spec)
	if err != nil {
		return nil, err
	}
	parentCtl, childCtl, err := socketPair()
	if err != nil {
		return nil, fmt.Errorf("ipcbench: control socket: %w", err)
	}
	defer childCtl.Close()
	k := &child{spec: spec, ctl: parentCtl, rd: bufio.NewReader(parentCtl)}
	k.cmd = exec.Command(exe)
	// A race-enabled binary (go test -race) otherwise sleeps 1 s at exit.
	k.cmd.Env = append(os.Environ(), childEnv+"="+string(js), "GORACE="+os.Getenv("GORACE")+" atexit_sleep_ms=0")
	k.cmd.ExtraFiles = append([]*os.File{childCtl}, files...)
	k.cmd.Stderr = &k.stderr
	if err := k.cmd.Start(); err != nil {
		parentCtl.Close()
		return nil, fmt.Errorf("ipcbench: start %s: %w", spec.Role, err)
	}
	return k, nil
}

// ready waits for the child's 'R'.
func (k *child) ready() error {
	b, err := k.rd.ReadByte()
	if err != nil || b != 'R' {
		return k.broken("attach", err)
	}
	return nil
}

// report reads the child's JSON sideStats line.
func (k *child) report() error {
	line, err := k.rd.ReadBytes('\n')
	if err != nil {
		return k.broken("report", err)
	}
	if err := json.Unmarshal(line, &k.stats); err != nil {
		return fmt.Errorf("ipcbench: %s: bad report: %w", k.spec.Role, err)
	}
	if k.stats.Err != "" {
		return errors.New(k.stats.Err)
	}
	return nil
}

// broken explains a control-socket failure, preferring the child's own
// error report or stderr.
func (k *child) broken(step string, err error) error {
	if line, e := k.rd.ReadBytes('\n'); e == nil && json.Unmarshal(line, &k.stats) == nil && k.stats.Err != "" {
		return errors.New(k.stats.Err)
	}
	k.wait()
	if err == nil {
		err = errors.New("protocol error")
	}
	return fmt.Errorf("ipcbench: %s %s: %v (%v)%s", k.spec.Mech, k.spec.Role, step, err, k.stderrSuffix())
}

func (k *child) stderrSuffix() string {
	if s := bytes.TrimSpace(k.stderr.Bytes()); len(s) > 0 {
		return ": " + string(s)
	}
	return ""
}

func (k *child) kill() { k.cmd.Process.Kill() }

// wait reaps the child once and closes the control socket.
func (k *child) wait() error {
	k.once.Do(func() {
		k.err = k.cmd.Wait()
		k.ctl.Close()
	})
	return k.err
}

// allKids runs step on every child concurrently; on the first failure it
// kills them all so that nobody waits forever on a dead peer.
func allKids(kids []*child, step func(*child) error) error {
	errs := make([]error, len(kids))
	var wg sync.WaitGroup
	var kill sync.Once
	for i, k := range kids {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if errs[i] = step(k); errs[i] != nil {
				kill.Do(func() {
					for _, o := range kids {
						o.kill()
					}
				})
			}
		}()
	}
	wg.Wait()
	// Report the first child that failed on its own, not one we killed.
	for _, e := range errs {
		if e != nil && !bytes.Contains([]byte(e.Error()), []byte("signal: killed")) {
			return e
		}
	}
	return errors.Join(errs...)
}
