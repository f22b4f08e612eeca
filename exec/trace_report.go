package exec

import (
	"fmt"
	"time"
)

// TraceSchema identifies the JSON form of a Trace; trace.schema.json in
// this package describes it.
const TraceSchema = "gosh-trace/1"

// A Trace is the record of one traced pipeline, built by Tracer.Finish.
// Times are seconds from Start; byte counts are exact where TRACING.md
// says so. Its JSON encoding is validated against trace.schema.json.
type Trace struct {
	Schema   string       `json:"schema"`
	Command  string       `json:"command"`
	Start    time.Time    `json:"start"`
	Wall     float64      `json:"wall_seconds"`
	Interval float64      `json:"sample_interval_seconds"`
	Samples  int          `json:"samples"`
	Stages   []TraceStage `json:"stages"`
	Pipes    []TracePipe  `json:"pipes"`
	// Bottleneck is the index of the limiting stage, or -1.
	Bottleneck int    `json:"bottleneck"`
	Verdict    string `json:"verdict"`
}

// A TraceStage is one element of a traced pipeline.
type TraceStage struct {
	Index int    `json:"index"`
	Text  string `json:"text"`
	// Kind is "process" (a child of the shell), "in_process" (a builtin,
	// function or compound command on a goroutine of the shell) or
	// "not_started" (it failed before it could run).
	Kind   string   `json:"kind"`
	Pid    int      `json:"pid"`
	Argv   []string `json:"argv"`
	Status int      `json:"status"`
	Signal string   `json:"signal"`
	Start  float64  `json:"start_seconds"`
	End    float64  `json:"end_seconds"`

	UserCPU       float64 `json:"user_seconds"`
	SysCPU        float64 `json:"sys_seconds"`
	MaxRSS        int64   `json:"max_rss_bytes"`
	VolSwitches   int64   `json:"voluntary_switches"`
	InvolSwitches int64   `json:"involuntary_switches"`

	// PipeRead and PipeWritten are the bytes this stage took from its
	// input pipe and put into its output pipe; nil without such a pipe.
	PipeRead    *int64 `json:"pipe_read_bytes"`
	PipeWritten *int64 `json:"pipe_written_bytes"`
	// IO is the kernel's /proc/PID/io at exit (rchar, wchar, syscr,
	// syscw, read_bytes, write_bytes, cancelled_write_bytes); nil for
	// stages that are not processes.
	IO map[string]int64 `json:"io"`

	Time     StateTimes `json:"time"`
	Spans    []Span     `json:"spans"`
	Limiting float64    `json:"bottleneck_seconds"`
}

// StateTimes splits a stage's life by what it was doing, in seconds.
type StateTimes struct {
	Running      float64 `json:"running"`
	BlockedRead  float64 `json:"blocked_read"`
	BlockedWrite float64 `json:"blocked_write"`
	Other        float64 `json:"other"`
}

// A Span is an interval during which a stage stayed in one state.
type Span struct {
	State string  `json:"state"`
	Start float64 `json:"start"`
	End   float64 `json:"end"`
}

// A TracePipe is the pipe between stage From and stage To = From+1.
type TracePipe struct {
	Index int `json:"index"`
	From  int `json:"from"`
	To    int `json:"to"`
	// Counted is false when the pipe was not relayed (trace -n, or the
	// relay could not be set up): then Written is the writer's wchar and
	// Read the reader's rchar from /proc/PID/io (every write and read of
	// those processes, not only this pipe's; 0 for in-process stages),
	// and the fill figures are zero.
	Counted bool `json:"counted"`
	// Written is what the writer put in, Read what the reader took out,
	// Relayed what moved between the relay's two pipes.
	Written int64 `json:"written_bytes"`
	Read    int64 `json:"read_bytes"`
	Relayed int64 `json:"relayed_bytes"`
	// ReaderLeft is true when the reader closed the pipe before the
	// writer was done (the writer then got SIGPIPE or EPIPE).
	ReaderLeft bool    `json:"reader_left_early"`
	Capacity   int     `json:"capacity_bytes"`
	MaxFill    int     `json:"max_fill_bytes"`
	Full       float64 `json:"full_seconds"`
	Empty      float64 `json:"empty_seconds"`
	// Fill is the sampled fill level: [seconds, bytes] pairs.
	Fill [][2]float64 `json:"fill"`
}

type span struct {
	state      TraceState
	start, end time.Time
}

type fillPoint struct {
	at    time.Time
	bytes int
}

// build assembles the Trace; t.mu is held.
func (t *Tracer) build(now time.Time, statuses []int) *Trace {
	sec := func(at time.Time) float64 {
		if at.IsZero() {
			return 0
		}
		return at.Sub(t.start).Seconds()
	}
	tr := &Trace{Schema: TraceSchema, Command: t.command, Start: t.start,
		Wall: now.Sub(t.start).Seconds(), Interval: t.interval.Seconds(),
		Samples: t.ticks, Bottleneck: -1, Stages: []TraceStage{}, Pipes: []TracePipe{}}
	for i, p := range t.pipes {
		tp := TracePipe{Index: i, From: i, To: i + 1, Fill: [][2]float64{}}
		if p != nil {
			p.mu.Lock()
			tp.Counted = true
			tp.Relayed = p.moved
			tp.Written = p.moved + p.leftA
			tp.Read = p.moved - p.leftB
			tp.ReaderLeft = p.broken
			tp.Capacity = p.capA + p.capB
			tp.MaxFill = p.maxFill
			tp.Full, tp.Empty = p.full.Seconds(), p.empty.Seconds()
			for _, f := range p.fill {
				tp.Fill = append(tp.Fill, [2]float64{sec(f.at), float64(f.bytes)})
			}
			p.mu.Unlock()
		}
		tr.Pipes = append(tr.Pipes, tp)
	}
	for i := range tr.Pipes {
		if p := &tr.Pipes[i]; !p.Counted {
			p.Written = t.stages[i].io["wchar"]
			p.Read = t.stages[i+1].io["rchar"]
		}
	}
	best, holder := -1, -1
	for i, s := range t.stages {
		ts := TraceStage{Index: i, Text: s.text, Kind: "not_started", Argv: []string{},
			Spans: []Span{}, Limiting: s.limiting.Seconds()}
		if i < len(statuses) {
			ts.Status = statuses[i]
		}
		if s.began {
			ts.Kind = "in_process"
			end := s.end
			if end.IsZero() {
				end = now
			}
			ts.Start, ts.End = sec(s.start), sec(end)
		}
		if p := s.proc; p != nil {
			ts.Kind, ts.Pid = "process", p.Pid
			ts.Argv = append(ts.Argv, p.Args...)
			if ws := p.Status(); ws.Signaled() {
				ts.Signal = signalName(ws.Signal())
			}
			ru := p.Rusage()
			ts.UserCPU = time.Duration(ru.Utime.Nano()).Seconds()
			ts.SysCPU = time.Duration(ru.Stime.Nano()).Seconds()
			ts.MaxRSS = ru.Maxrss * 1024
			ts.VolSwitches, ts.InvolSwitches = ru.Nvcsw, ru.Nivcsw
			ts.IO = s.io
		}
		if i > 0 && tr.Pipes[i-1].Counted {
			n := tr.Pipes[i-1].Read
			ts.PipeRead = &n
		}
		if i < len(tr.Pipes) && tr.Pipes[i].Counted {
			n := tr.Pipes[i].Written
			ts.PipeWritten = &n
		}
		ts.Time = StateTimes{Running: s.times[TraceRunning].Seconds(),
			BlockedRead: s.times[TraceReading].Seconds(), BlockedWrite: s.times[TraceWriting].Seconds(),
			Other: s.times[TraceOther].Seconds()}
		for _, sp := range s.spans {
			ts.Spans = append(ts.Spans, Span{State: sp.state.String(), Start: sec(sp.start), End: sec(sp.end)})
		}
		if best < 0 || s.limiting > t.stages[best].limiting {
			best = i
		}
		if holder < 0 || s.holding > t.stages[holder].holding {
			holder = i
		}
		tr.Stages = append(tr.Stages, ts)
	}
	held := 0.0
	if holder >= 0 {
		held = t.stages[holder].holding.Seconds()
	}
	tr.Verdict = verdict(tr, best, holder, held)
	return tr
}

// verdict names the bottleneck in plain words. A stage is the bottleneck
// when it was running while its neighbours waited on it for at least a
// quarter of the pipeline's time and for more than two samples. Failing
// that, a stage that kept its neighbours waiting as long while it waited
// on something else (a sleep, a child, the disk) is named.
func verdict(tr *Trace, best, holder int, held float64) string {
	if len(tr.Stages) < 2 {
		return "a single command: no pipe to be limited by"
	}
	if best >= 0 {
		s := tr.Stages[best]
		if s.Limiting >= tr.Wall/4 && s.Limiting > 2*tr.Interval {
			tr.Bottleneck = best
			return fmt.Sprintf("stage %d (%s) is the bottleneck: it ran while its neighbours waited on it for %.0f%% of the time",
				best+1, s.Text, 100*s.Limiting/tr.Wall)
		}
	}
	if holder >= 0 && held >= tr.Wall/4 && held > 2*tr.Interval {
		return fmt.Sprintf("no bottleneck by CPU: stage %d (%s) kept its neighbours waiting on it for %.0f%% of the time while it waited on something other than its pipes",
			holder+1, tr.Stages[holder].Text, 100*held/tr.Wall)
	}
	// No stage held the others up: say what the time went to.
	var run, wait float64
	for _, s := range tr.Stages {
		run += s.Time.Running
		wait += s.Time.Other
	}
	if wait > run {
		return "no bottleneck: the stages mostly waited on something other than each other's pipes"
	}
	return "no single bottleneck: no stage kept its neighbours waiting for a quarter of the time"
}
