package main

import (
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"time"
)

// progState is what Run knows about one program in one workload.
type progState struct {
	prog    Program
	samples []Sample // successful runs only
	err     string   // why the program FAILs this workload; no more runs once set
	checked int      // samples already compared with the reference
	hwm     int64    // own peak RSS from the untimed peakRSS probe; 0 if unknown
	hwmErr  string   // why the probe failed
}

// participants returns the programs that run w, in cfg order: the shells
// selected by w.Only (all shells if nil), w's baseline, the programs in
// w.With and those its targets name. Idle rows only take shells.
func participants(progs []Program, w *Workload) []Program {
	want := func(p Program) bool {
		if p.Shell && (w.Only == nil || slices.Contains(w.Only, p.Name)) {
			return true
		}
		if w.Idle && !p.Shell {
			return false
		}
		if p.Name == w.baseline() || slices.Contains(w.With, p.Name) {
			return true
		}
		for _, t := range w.Targets {
			if t.Against == p.Name {
				return true
			}
		}
		return false
	}
	var out []Program
	for _, p := range progs {
		if want(p) {
			out = append(out, p)
		}
	}
	return out
}

// env returns the environment of every run: the runner's PATH, HOME set to
// an empty directory (no rc files), LC_ALL=C (fast, reproducible sort and
// grep) and TERM=dumb; nothing else, so ENV and BASH_ENV are unset.
func env(dir string) []string {
	return []string{
		"PATH=" + os.Getenv("PATH"),
		"HOME=" + filepath.Join(dir, "home"),
		"LC_ALL=C",
		"TERM=dumb",
	}
}

// Run runs cfg's workloads, alternating between programs within each round
// (round-robin in cfg.Programs order), and returns the report. A program
// that fails a run (exit status, signal, timeout, or stdout different from
// the reference) is not run again in that workload and its row FAILs; Run
// itself only returns an error when the benchmark cannot be set up.
func Run(cfg Config) (*Report, error) {
	if cfg.Timeout <= 0 {
		cfg.Timeout = time.Minute
	}
	if err := os.MkdirAll(filepath.Join(cfg.Dir, "home"), 0o755); err != nil {
		return nil, err
	}
	rep := &Report{Start: time.Now(), Host: hostInfo()}
	for i := range cfg.Workloads {
		w := &cfg.Workloads[i]
		t0 := time.Now()
		states, rounds, err := runWorkload(cfg, w)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", w.Name, err)
		}
		rep.Rows = append(rep.Rows, summarize(w, states)...)
		if cfg.Progress != nil {
			fmt.Fprintf(cfg.Progress, "bench: %-38s %d round(s) in %v\n", w.Name, rounds, time.Since(t0).Round(10*time.Millisecond))
		}
	}
	return rep, nil
}

// runWorkload runs the rounds of w and returns the per-program states in
// round-robin order and the number of rounds run.
func runWorkload(cfg Config, w *Workload) ([]*progState, int, error) {
	if w.Setup != nil {
		if err := w.Setup(cfg.Dir); err != nil {
			return nil, 0, fmt.Errorf("setup: %w", err)
		}
	}
	var states []*progState
	for _, p := range participants(cfg.Programs, w) {
		st := &progState{prog: p}
		switch {
		case p.Broken != "":
			st.err = p.Broken
		case p.Path == "":
			st.err = "no executable"
		}
		states = append(states, st)
	}
	runs := w.Runs
	if cfg.Runs > 0 {
		runs = cfg.Runs
	}
	runs = max(runs, 1)
	budget := cfg.Budget
	if cfg.Budget > 0 {
		budget = max(cfg.Budget, w.Budget)
	}
	script := w.script(cfg.Dir)
	e := env(cfg.Dir)
	start := time.Now()
	round := 0
	for ; round < runs; round++ {
		if round > 0 && time.Since(start) >= budget {
			break
		}
		active := 0
		for _, st := range states {
			if st.err != "" {
				continue
			}
			active++
			var s Sample
			if w.Idle {
				s = idleSample(st.prog.Path, e)
			} else {
				s = runOnce(st.prog.argv(script), slices.Concat(e, st.prog.Env), cfg.Timeout)
			}
			if s.Err != "" {
				st.err = s.Err
				continue
			}
			st.samples = append(st.samples, s)
		}
		if !w.Idle {
			verify(w, states)
		}
		if active == 0 {
			break
		}
	}
	if !w.Idle && (!cfg.RSSOnlyForTargets || hasRSSTarget(w)) {
		for _, st := range states {
			if st.err != "" || len(st.samples) == 0 {
				continue
			}
			hwm, err := peakRSS(st.prog.argv(script), slices.Concat(e, st.prog.Env), cfg.Timeout)
			if err != nil {
				st.hwmErr = "rss probe: " + err.Error()
			}
			st.hwm = hwm
		}
	}
	return states, round, nil
}

// hasRSSTarget reports whether one of w's targets bounds RSS.
func hasRSSTarget(w *Workload) bool {
	return slices.ContainsFunc(w.Targets, func(t Target) bool { return t.Metric == RSS })
}

// idleSample measures one idle interactive shell as a Sample whose MaxRSS is
// VmRSS (and HWM VmHWM).
func idleSample(path string, env []string) Sample {
	rss, hwm, err := idleRSS(path, env, 300*time.Millisecond)
	if err != nil {
		return Sample{Err: err.Error()}
	}
	return Sample{MaxRSS: rss, HWM: hwm}
}

// reference returns the stdout every program must print in w and where it
// comes from: w.Want if set, else the first stdout of the baseline, else of
// the first other non-subject program with a successful run. ok is false
// while no reference is known.
func reference(w *Workload, states []*progState) (ref, from string, ok bool) {
	if w.Want != "" {
		return w.Want, "expected", true
	}
	for _, st := range states {
		if st.prog.Name == w.baseline() && len(st.samples) > 0 {
			return st.samples[0].Stdout, st.prog.Name, true
		}
	}
	for _, st := range states {
		if st.prog.Name != Subject && len(st.samples) > 0 {
			return st.samples[0].Stdout, st.prog.Name, true
		}
	}
	return "", "", false
}

// verify compares every not yet checked sample with the reference and marks
// a program whose stdout differs as failed, dropping the offending sample.
func verify(w *Workload, states []*progState) {
	ref, from, ok := reference(w, states)
	if !ok {
		return
	}
	for _, st := range states {
		for ; st.checked < len(st.samples); st.checked++ {
			if got := st.samples[st.checked].Stdout; got != ref {
				st.err = fmt.Sprintf("stdout differs from %s: got %s, want %s", from, clip(got), clip(ref))
				st.samples = st.samples[:st.checked]
				break
			}
		}
	}
}

// clip quotes s, shortened to about 40 bytes.
func clip(s string) string {
	if len(s) > 40 {
		return strconv.Quote(s[:37]) + "..."
	}
	return strconv.Quote(s)
}

// hostInfo describes the machine for the report.
func hostInfo() string {
	h, _ := os.Hostname()
	b, err := os.ReadFile("/proc/loadavg")
	if err != nil {
		return h
	}
	return fmt.Sprintf("%s, loadavg %s", h, firstLine(b))
}
