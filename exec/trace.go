package exec

import (
	"bytes"
	"os"
	"strconv"
	"sync"
	"syscall"
	"time"

	"golang.org/x/sys/unix"
)

// TraceState is what a traced stage was doing when it was sampled.
type TraceState int

// The states of a traced stage; see TRACING.md for how each is observed.
const (
	TraceRunning TraceState = iota // on a CPU or runnable
	TraceReading                   // blocked reading an empty pipe
	TraceWriting                   // blocked writing a full pipe
	TraceOther                     // waiting on anything else (sleep, disk, a child)
	numTraceStates
)

var traceStateNames = [numTraceStates]string{"running", "blocked_read", "blocked_write", "other"}

func (s TraceState) String() string { return traceStateNames[s] }

// DefaultTraceInterval is the sampling period of a Tracer.
const DefaultTraceInterval = 10 * time.Millisecond

// pageSize is the unit of pipe capacity.
var pageSize = os.Getpagesize()

// A Tracer watches one pipeline: it relays every pipe between two stages
// through a second pipe to count bytes exactly, and samples the stages'
// kernel wait channels and the pipes' fill levels every interval.
//
// A nil *Tracer is valid and does nothing, so callers need no branches.
// Its methods are safe for concurrent use; Finish must be called once,
// after every stage has ended.
type Tracer struct {
	interval time.Duration
	noRelay  bool
	start    time.Time
	command  string

	mu     sync.Mutex
	stages []*traceStage
	pipes  []*tracePipe // pipes[i] joins stage i to stage i+1; nil if not relayed
	relay  *relayLoop   // moves the data of all pipes; nil until the first
	last   time.Time    // time of the previous sample
	ticks  int

	stop    chan struct{}
	stopped chan struct{}
}

// traceStage is one pipeline element as the tracer sees it.
type traceStage struct {
	text      string
	proc      *Process
	wchan     *os.File // /proc/PID/wchan, open while the process lives
	inProcess bool     // runs on a goroutine of the shell
	live      bool     // started and not yet ended
	began     bool
	start     time.Time
	end       time.Time
	io        map[string]int64 // /proc/PID/io at exit
	state     TraceState       // at the last sample
	times     [numTraceStates]time.Duration
	spans     []span
	limiting  time.Duration // time it was the pipeline's bottleneck
	holding   time.Duration // time it held its neighbours up while in TraceOther
	children  []traceChild  // live processes an in-process stage started
}

// traceChild is a process started by an in-process stage.
type traceChild struct {
	proc  *Process
	wchan *os.File
}

// TraceOptions tune a Tracer; the zero value is the default.
type TraceOptions struct {
	// Interval is the sampling period; <= 0 means DefaultTraceInterval.
	Interval time.Duration
	// NoRelay leaves the pipes alone: no exact byte counts or fill
	// levels (bytes are estimated from /proc/PID/io), but no cost per
	// byte either.
	NoRelay bool
}

// NewTracer starts tracing a pipeline of len(texts) stages; texts are the
// stages' source text and command the whole pipeline's.
func NewTracer(command string, texts []string, opts TraceOptions) *Tracer {
	interval := opts.Interval
	if interval <= 0 {
		interval = DefaultTraceInterval
	}
	t := &Tracer{interval: interval, noRelay: opts.NoRelay, start: time.Now(), command: command,
		stop: make(chan struct{}), stopped: make(chan struct{})}
	t.last = t.start
	for _, s := range texts {
		t.stages = append(t.stages, &traceStage{text: s})
	}
	if len(texts) > 1 {
		t.pipes = make([]*tracePipe, len(texts)-1)
	}
	go t.sampler()
	return t
}

// Relay is called with the pipe the shell made between stage i and stage
// i+1 (r its read end, w its write end, both owned by the shell) and
// returns the read end stage i+1 must use instead of r. The tracer takes
// ownership of r and relays everything written to w into the returned
// pipe, halving both pipes' capacities so that together they buffer what
// the one pipe did. If the relay cannot be made, r is returned and that
// pipe is only sampled, not counted.
func (t *Tracer) Relay(i int, r, w *os.File) *os.File {
	if t == nil || t.noRelay || i < 0 || i >= len(t.pipes) {
		return r
	}
	total, err := PipeSize(w)
	if err != nil {
		return r
	}
	loop, err := t.relayLoop()
	if err != nil {
		return r
	}
	half := max(total/2, pageSize)
	rb, wb, err := Pipe()
	if err != nil {
		return r
	}
	// Halve the first pipe; if that fails (pipe-user-pages limits), keep
	// its size and say so through the reported capacity.
	capA := total
	if n, err := SetPipeSize(w, half); err == nil {
		capA = n
	}
	capB, err := SetPipeSize(wb, half)
	if err != nil {
		capB, _ = PipeSize(wb)
	}
	p := &tracePipe{a: r, b: wb, fa: int(r.Fd()), fb: int(wb.Fd()), capA: capA, capB: capB, done: make(chan struct{})}
	p.fill = []fillPoint{{at: time.Now()}} // every curve starts empty
	t.mu.Lock()
	t.pipes[i] = p
	t.mu.Unlock()
	loop.post(p, false)
	return rb
}

// Prepare hooks stage i's Cmd before it starts, so that the tracer reads
// the process's kernel counters after it exits and before it is reaped.
func (t *Tracer) Prepare(i int, c *Cmd) {
	if t == nil || i < 0 || i >= len(t.stages) {
		return
	}
	next := c.BeforeReap
	c.BeforeReap = func(p *Process) {
		t.exited(i, p)
		if next != nil {
			next(p)
		}
	}
}

// Started records that stage i runs as process p.
func (t *Tracer) Started(i int, p *Process) {
	if t == nil || i < 0 || i >= len(t.stages) || p == nil {
		return
	}
	f, _ := os.Open("/proc/" + strconv.Itoa(p.Pid) + "/wchan")
	start, _ := p.Times()
	t.mu.Lock()
	defer t.mu.Unlock()
	s := t.stages[i]
	s.proc, s.start, s.began = p, start, true
	if s.end.IsZero() {
		s.live, s.wchan = true, f
	} else if f != nil {
		f.Close() // it already exited
	}
}

// InProcess records that stage i starts now on a goroutine of the shell.
func (t *Tracer) InProcess(i int) {
	if t == nil || i < 0 || i >= len(t.stages) {
		return
	}
	t.mu.Lock()
	defer t.mu.Unlock()
	s := t.stages[i]
	s.inProcess, s.live, s.began, s.start = true, true, true, time.Now()
}

// Ended records that the in-process stage i has finished.
func (t *Tracer) Ended(i int) {
	if t == nil || i < 0 || i >= len(t.stages) {
		return
	}
	now := time.Now()
	t.mu.Lock()
	defer t.mu.Unlock()
	t.sampleLocked(now)
	s := t.stages[i]
	s.live, s.end = false, now
	for _, c := range s.children {
		c.wchan.Close()
	}
	s.children = nil
}

// exited runs on the reaper's goroutine when stage i's process p has
// exited but is not reaped: /proc/PID/io still describes it.
func (t *Tracer) exited(i int, p *Process) {
	now := time.Now()
	io := readProcIO(p.Pid)
	t.mu.Lock()
	defer t.mu.Unlock()
	t.sampleLocked(now)
	s := t.stages[i]
	s.live, s.end, s.io = false, now, io
	if s.wchan != nil {
		s.wchan.Close()
		s.wchan = nil
	}
}

// readProcIO parses /proc/PID/io ("rchar: 123" lines); nil if unreadable.
func readProcIO(pid int) map[string]int64 {
	data, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/io")
	if err != nil {
		return nil
	}
	m := make(map[string]int64)
	for _, line := range bytes.Split(data, []byte("\n")) {
		k, v, ok := bytes.Cut(line, []byte(": "))
		if !ok {
			continue
		}
		if n, err := strconv.ParseInt(string(v), 10, 64); err == nil {
			m[string(k)] = n
		}
	}
	return m
}

// sampler takes a sample every interval until Finish.
func (t *Tracer) sampler() {
	defer close(t.stopped)
	tick := time.NewTicker(t.interval)
	defer tick.Stop()
	for {
		select {
		case <-t.stop:
			return
		case now := <-tick.C:
			t.mu.Lock()
			t.sampleLocked(now)
			t.mu.Unlock()
		}
	}
}

// sampleLocked observes every live stage and pipe and charges the time
// since the previous sample to what it sees now.
func (t *Tracer) sampleLocked(now time.Time) {
	if !now.After(t.last) {
		return
	}
	prev := t.last
	t.last = now
	t.ticks++
	fillA := make([]int, len(t.pipes))
	fillB := make([]int, len(t.pipes))
	for i, p := range t.pipes {
		if p != nil {
			fillA[i], fillB[i] = p.sample(now, now.Sub(prev))
		}
	}
	n := len(t.stages)
	states := make([]TraceState, n)
	alive := make([]bool, n)
	for i, s := range t.stages {
		if !s.live {
			continue
		}
		alive[i] = true
		switch {
		case s.wchan != nil:
			states[i] = readWchan(s.wchan)
		case s.inProcess:
			var ok bool
			if states[i], ok = s.childState(); !ok {
				states[i] = t.inferState(i, fillA, fillB)
			}
		default:
			states[i] = TraceOther
		}
		from := prev
		if s.start.After(from) {
			from = s.start
		}
		if !now.After(from) {
			continue
		}
		d := now.Sub(from)
		s.times[states[i]] += d
		s.state = states[i]
		if k := len(s.spans) - 1; k >= 0 && s.spans[k].state == states[i] && !s.spans[k].end.Before(from) {
			s.spans[k].end = now
		} else {
			s.spans = append(s.spans, span{state: states[i], start: from, end: now})
		}
	}
	// The bottleneck: running while whoever is upstream is blocked
	// writing to it and whoever is downstream is blocked reading from it.
	if n < 2 {
		return
	}
	for i, s := range t.stages {
		if !alive[i] || (states[i] != TraceRunning && states[i] != TraceOther) {
			continue
		}
		upOK := i == 0 || !alive[i-1] || states[i-1] == TraceWriting
		downOK := i == n-1 || !alive[i+1] || states[i+1] == TraceReading
		if upOK && downOK && (i > 0 && alive[i-1] || i < n-1 && alive[i+1]) {
			if states[i] == TraceRunning {
				s.limiting += now.Sub(prev)
			} else {
				s.holding += now.Sub(prev)
			}
		}
	}
}

// ChildHook returns a function to call with every process in-process
// stage i (or a subshell of it) starts, so that the stage's state is that
// of its children while it waits for them; nil on a nil Tracer.
func (t *Tracer) ChildHook(i int) func(*Process) {
	if t == nil || i < 0 || i >= len(t.stages) {
		return nil
	}
	return func(p *Process) {
		f, err := os.Open("/proc/" + strconv.Itoa(p.Pid) + "/wchan")
		if err != nil {
			return
		}
		t.mu.Lock()
		defer t.mu.Unlock()
		if s := t.stages[i]; s.live {
			s.children = append(s.children, traceChild{p, f})
		} else {
			f.Close()
		}
	}
}

// childState is the state of an in-process stage's live children: running
// if any runs, else blocked writing, else blocked reading, else other; ok
// is false when it has none. Children that have exited are dropped.
func (s *traceStage) childState() (st TraceState, ok bool) {
	rank := [numTraceStates]int{TraceRunning: 3, TraceWriting: 2, TraceReading: 1, TraceOther: 0}
	live := s.children[:0]
	for _, c := range s.children {
		select {
		case <-c.proc.Done():
			c.wchan.Close()
			continue
		default:
		}
		live = append(live, c)
		cs := readWchan(c.wchan)
		if !ok || rank[cs] > rank[st] {
			st, ok = cs, true
		}
	}
	clear(s.children[len(live):])
	s.children = live
	return st, ok
}

// inferState guesses what an in-process stage is doing from its pipes:
// blocked writing when its output pipe is full to within a page, blocked
// reading when its input pipe is empty, running otherwise.
func (t *Tracer) inferState(i int, fillA, fillB []int) TraceState {
	if i < len(t.pipes) && t.pipes[i] != nil && fillA[i] >= t.pipes[i].capA-pageSize {
		return TraceWriting
	}
	if i > 0 && t.pipes[i-1] != nil && fillB[i-1] == 0 && !t.pipes[i-1].isClosed() {
		return TraceReading
	}
	return TraceRunning
}

// readWchan classifies the kernel function a process sleeps in.
func readWchan(f *os.File) TraceState {
	var buf [64]byte
	n, err := f.ReadAt(buf[:], 0)
	if n == 0 && err != nil {
		return TraceOther
	}
	w := buf[:n]
	switch {
	case len(w) == 0 || string(w) == "0":
		return TraceRunning
	case bytes.HasSuffix(w, []byte("pipe_read")):
		return TraceReading
	case bytes.HasSuffix(w, []byte("pipe_write")):
		return TraceWriting
	}
	return TraceOther
}

// Finish stops sampling and returns the trace of the pipeline; statuses
// are the stages' shell statuses (as in PIPESTATUS). It waits briefly for
// relays whose pipes are still open (a grandchild may hold one).
func (t *Tracer) Finish(statuses []int) *Trace {
	if t == nil {
		return nil
	}
	now := time.Now()
	// A closed channel, unlike a timer's, stays ready for every pipe.
	expired := make(chan struct{})
	deadline := time.AfterFunc(200*time.Millisecond, func() { close(expired) })
	defer deadline.Stop()
	t.mu.Lock()
	pipes := append([]*tracePipe(nil), t.pipes...)
	relay := t.relay
	t.mu.Unlock()
	for _, p := range pipes {
		if p == nil {
			continue
		}
		select {
		case <-p.done:
		case <-expired:
		}
	}
	if relay != nil {
		relay.post(nil, true) // it ends when its last pipe has
		select {
		case <-relay.done:
		case <-expired:
		}
	}
	close(t.stop)
	<-t.stopped
	t.mu.Lock()
	defer t.mu.Unlock()
	t.sampleLocked(now)
	return t.build(now, statuses)
}

// tracePipe is one relayed pipe: the writer's pipe A (read end a, owned
// here) and the reader's pipe B (write end b, owned here).
type tracePipe struct {
	a, b       *os.File
	capA, capB int
	fa, fb     int           // their descriptors, for the relay loop
	done       chan struct{} // closed when the relay has ended
	out        bool          // the relay waits for room in B, not data in A

	mu     sync.Mutex
	closed bool
	moved  int64 // bytes spliced from A to B
	leftA  int64 // bytes in A when it was closed early
	leftB  int64 // bytes in B when its reader was found gone
	broken bool  // the reader went away before the writer finished
	ended  time.Time

	maxFill      int
	full, empty  time.Duration
	fill         []fillPoint
	fillInterval time.Duration // time between stored fill points
	lastFill     time.Time
}

// maxFillPoints bounds the fill curve kept per pipe; older points are
// thinned (keeping each pair's maximum) when it is reached.
const maxFillPoints = 4096

// finish closes both relayed ends. broken means B's reader left first:
// what is still in A was written but never relayed, what is in B was
// relayed but never read.
func (p *tracePipe) finish(broken bool) {
	p.mu.Lock()
	defer p.mu.Unlock()
	left := fionread(int(p.b.Fd()))
	if broken {
		p.broken = true
		p.leftA = int64(fionread(int(p.a.Fd())))
		p.leftB = int64(left)
		left += int(p.leftA)
	}
	p.a.Close()
	p.b.Close()
	p.closed = true
	close(p.done)
	p.ended = time.Now()
	// The curve's last point: what the reader still had to read.
	p.fill = append(p.fill, fillPoint{at: p.ended, bytes: left})
}

func (p *tracePipe) isClosed() bool {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.closed
}

// sample reads both pipes' fill levels and charges d to full or empty.
func (p *tracePipe) sample(now time.Time, d time.Duration) (fa, fb int) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.closed {
		return 0, 0
	}
	fa, fb = fionread(int(p.a.Fd())), fionread(int(p.b.Fd()))
	f := fa + fb
	p.maxFill = max(p.maxFill, f)
	switch {
	case f == 0:
		p.empty += d
	case f >= p.capA+p.capB-pageSize:
		p.full += d
	}
	if p.fillInterval == 0 || now.Sub(p.lastFill) >= p.fillInterval {
		p.fill = append(p.fill, fillPoint{at: now, bytes: f})
		p.lastFill = now
		if len(p.fill) >= maxFillPoints {
			p.fill = thin(p.fill)
			p.fillInterval = max(2*p.fillInterval, 2*d)
		}
	}
	return fa, fb
}

// thin halves a fill curve, keeping the fuller point of each pair.
func thin(pts []fillPoint) []fillPoint {
	out := pts[:0]
	for i := 0; i+1 < len(pts); i += 2 {
		pt := pts[i]
		if pts[i+1].bytes > pt.bytes {
			pt.bytes = pts[i+1].bytes
		}
		out = append(out, pt)
	}
	return out
}

// fionread returns the bytes queued in the pipe behind fd (either end).
func fionread(fd int) int {
	n, err := unix.IoctlGetInt(fd, unix.TIOCINQ) // TIOCINQ is FIONREAD
	if err != nil {
		return 0
	}
	return n
}

// signalName names a signal the way kill -l does, with the SIG prefix.
func signalName(sig syscall.Signal) string {
	if name := unix.SignalName(sig); name != "" {
		return name
	}
	return "SIG" + strconv.Itoa(int(sig))
}

// Hook returns a function that Prepares stage i's Cmd, or nil on a nil
// Tracer.
func (t *Tracer) Hook(i int) func(*Cmd) {
	if t == nil {
		return nil
	}
	return func(c *Cmd) { t.Prepare(i, c) }
}
