package shell

import (
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"
	"sync/atomic"
	"time"

	"gosh/exec"

	"golang.org/x/sys/unix"
	"mvdan.cc/sh/v3/syntax"
)

func init() {
	builtins["trace"] = builtinTrace
}

// traceUsage is printed for a bad trace command line.
const traceUsage = "usage: trace [-q] [-L] [-n] [-o table-file] [-j json-file] [-c chrome-file] [-s svg-file] [-i interval] command [| command ...]"

// traceConfig says where a traced pipeline's outputs go. File names may
// contain %n, replaced by a number counting the shell's traced pipelines.
type traceConfig struct {
	table    string // file for the summary table; "" means stderr
	quiet    bool   // no summary table
	noLive   bool   // no live view even on a terminal
	json     string
	chrome   string
	svg      string
	interval time.Duration
	noRelay  bool // sample only: no byte counts through a relay
}

// traceSeq numbers traced pipelines for %n in output file names.
var traceSeq atomic.Int64

// baseTraceConfig reads the defaults from GOSH_TRACE_TABLE (a file, or
// "none"), GOSH_TRACE_JSON, GOSH_TRACE_CHROME, GOSH_TRACE_SVG and
// GOSH_TRACE_INTERVAL (a Go duration such as 5ms) and GOSH_TRACE_RELAY
// (off: sample only, see TRACING.md).
func (r *Runner) baseTraceConfig() *traceConfig {
	c := &traceConfig{table: r.Var("GOSH_TRACE_TABLE"), json: r.Var("GOSH_TRACE_JSON"),
		chrome: r.Var("GOSH_TRACE_CHROME"), svg: r.Var("GOSH_TRACE_SVG")}
	if c.table == "none" {
		c.table, c.quiet = "", true
	}
	c.noRelay = r.Var("GOSH_TRACE_RELAY") == "off"
	if d, err := time.ParseDuration(r.Var("GOSH_TRACE_INTERVAL")); err == nil && d > 0 {
		c.interval = d
	}
	return c
}

// parseTraceOptions reads trace's options from args (after the word
// trace) and returns how many words they took.
func (c *traceConfig) parse(args []string) (int, error) {
	i := 0
	for i < len(args) {
		a := args[i]
		if a == "--" {
			return i + 1, nil
		}
		if len(a) < 2 || a[0] != '-' {
			break
		}
		switch a {
		case "-q":
			c.quiet = true
		case "-L":
			c.noLive = true
		case "-n":
			c.noRelay = true
		case "-o", "-j", "-c", "-s", "-i":
			if i+1 >= len(args) {
				return 0, fmt.Errorf("%s: option requires an argument", a)
			}
			i++
			v := args[i]
			switch a {
			case "-o":
				c.table, c.quiet = v, false
			case "-j":
				c.json = v
			case "-c":
				c.chrome = v
			case "-s":
				c.svg = v
			case "-i":
				d, err := time.ParseDuration(v)
				if err != nil || d <= 0 {
					return 0, fmt.Errorf("%s: invalid interval", v)
				}
				c.interval = d
			}
		default:
			return 0, fmt.Errorf("%s: invalid option", a)
		}
		i++
	}
	return i, nil
}

// traceRequest looks at a pipeline's stages: if the first one is the
// trace keyword (`trace a | b` parses as `(trace a) | b`), it strips it
// and returns the options; under set -o trace every pipeline is traced
// with the defaults. It returns nil when the pipeline is not traced, and
// a status > 0 for a bad trace command line.
func (r *Runner) traceRequest(stmts []*syntax.Stmt) ([]*syntax.Stmt, *traceConfig, int) {
	ce, ok := stmts[0].Cmd.(*syntax.CallExpr)
	if !ok || len(ce.Args) == 0 || ce.Args[0].Lit() != "trace" || r.funcs["trace"] != nil {
		if r.opts.Trace {
			return stmts, r.baseTraceConfig(), 0
		}
		return stmts, nil, 0
	}
	// Options are the leading words that expand to one word starting
	// with '-'; the command starts at the first other word.
	var words []string
	k := 1
	for ; k < len(ce.Args); k++ {
		w := ce.Args[k].Lit()
		if !strings.HasPrefix(w, "-") {
			break
		}
		words = append(words, w)
		if w == "--" {
			k++
			break
		}
		if traceTakesValue(w) && k+1 < len(ce.Args) {
			// An option's value may be any word: expand it.
			k++
			v, err := r.literal(ce.Args[k])
			if err != nil {
				return nil, nil, r.expandError(err)
			}
			words = append(words, v)
		}
	}
	c := r.baseTraceConfig()
	if _, err := c.parse(words); err != nil {
		r.errf("trace: %v\n%s", err, traceUsage)
		return nil, nil, 2
	}
	if k >= len(ce.Args) {
		r.errf("trace: missing command\n%s", traceUsage)
		return nil, nil, 2
	}
	first := *stmts[0]
	call := *ce
	call.Args = ce.Args[k:]
	first.Cmd = &call
	out := append([]*syntax.Stmt{&first}, stmts[1:]...)
	return out, c, 0
}

// traceTakesValue reports whether option word o takes the next word.
func traceTakesValue(o string) bool {
	switch o {
	case "-o", "-j", "-c", "-s", "-i":
		return true
	}
	return false
}

// builtinTrace runs `trace [options] command [args]` outside a pipeline:
// the command is traced as a one-stage pipeline.
func builtinTrace(r *Runner, args []string) int {
	c := r.baseTraceConfig()
	n, err := c.parse(args[1:])
	if err != nil {
		r.errf("trace: %v\n%s", err, traceUsage)
		return 2
	}
	rest := args[1+n:]
	if len(rest) == 0 {
		r.errf("trace: missing command\n%s", traceUsage)
		return 2
	}
	call := &syntax.CallExpr{}
	for _, a := range rest {
		call.Args = append(call.Args, &syntax.Word{Parts: []syntax.WordPart{&syntax.SglQuoted{Value: a}}})
	}
	st := &syntax.Stmt{Cmd: call}
	return r.tracePipeline(c, []*syntax.Stmt{st}, []bool{false}, quoteArgs(rest))
}

// tracePipeline runs stmts as a foreground pipeline under a Tracer and
// writes the trace where c says.
func (r *Runner) tracePipeline(c *traceConfig, stmts []*syntax.Stmt, errToo []bool, text string) int {
	texts := make([]string, len(stmts))
	for i, st := range stmts {
		texts[i] = nodeText(st)
	}
	if text == "" {
		text = stmtsText(stmts)
	}
	tr := exec.NewTracer(text, texts, exec.TraceOptions{Interval: c.interval, NoRelay: c.noRelay})
	r.tracer = tr
	stages, job := r.startPipeline(stmts, errToo, false)
	r.tracer = nil
	stopLive := r.traceLive(c, tr, stages)
	status := r.finishPipeline(stages, job)
	stopLive()
	var statuses []int
	if stages != nil {
		statuses = r.pipeStatus
	}
	r.writeTrace(c, tr.Finish(statuses))
	return status
}

// traceLive starts the live view on a terminal on stderr, unless the
// pipeline's output goes to a terminal too (the view would mix with it).
// It returns the function that erases the view.
func (r *Runner) traceLive(c *traceConfig, tr *exec.Tracer, stages []*stage) func() {
	f := r.fds.get(2)
	if f == nil || c.noLive || c.quiet || c.table != "" || len(stages) == 0 || !isTerminal(f) {
		return func() {}
	}
	// Where the last stage writes: a process's fd 1 (looked at with
	// stat, never opened), else the shell's.
	last := stages[len(stages)-1]
	if last.proc != nil {
		tty, err1 := f.Stat()
		out, err2 := os.Stat("/proc/" + strconv.Itoa(last.proc.Pid) + "/fd/1")
		if err1 == nil && err2 == nil && os.SameFile(tty, out) {
			return func() {}
		}
	} else if out := r.fds.get(1); out == nil || isTerminal(out) {
		return func() {}
	}
	width := 0
	if ws, err := unix.IoctlGetWinsize(int(f.Fd()), unix.TIOCGWINSZ); err == nil {
		width = int(ws.Col)
	}
	return tr.Live(f, width, time.Second, 250*time.Millisecond)
}

// writeTrace writes the table and the requested files.
func (r *Runner) writeTrace(c *traceConfig, t *exec.Trace) {
	seq := strconv.FormatInt(traceSeq.Add(1), 10)
	name := func(s string) string { return strings.ReplaceAll(s, "%n", seq) }
	if !c.quiet {
		if c.table == "" {
			r.sh.stderrMu.Lock()
			t.WriteTable(r.fds.writer(2))
			r.sh.stderrMu.Unlock()
		} else {
			r.writeTraceFile(name(c.table), t.WriteTable)
		}
	}
	for _, out := range []struct {
		file  string
		write func(io.Writer) error
	}{{c.json, t.WriteJSON}, {c.chrome, t.WriteChrome}, {c.svg, t.WriteSVG}} {
		if out.file != "" {
			r.writeTraceFile(name(out.file), out.write)
		}
	}
}

// writeTraceFile writes one output to name (relative to the shell's
// directory). A new file gets mode 0600, as a history file does: a trace
// holds command lines.
func (r *Runner) writeTraceFile(name string, write func(io.Writer) error) {
	f, err := os.OpenFile(r.path(name), os.O_WRONLY|os.O_CREATE|os.O_TRUNC, 0o600)
	if err == nil {
		err = write(f)
		if cerr := f.Close(); err == nil {
			err = cerr
		}
	}
	if err != nil {
		r.errf("trace: %s: %v", name, unwrapSyscall(err))
	}
}
