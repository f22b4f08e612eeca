package shell

import (
	"bytes"
	"encoding/json"
	"encoding/xml"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	gexec "gosh/exec"

	"github.com/creack/pty"
	"github.com/santhosh-tekuri/jsonschema/v6"
)

// runScript runs src in a new Runner in dir with stdin from /dev/null
// and returns its status, stdout and stderr.
func runScript(t *testing.T, dir, src string, env ...string) (int, string, string) {
	t.Helper()
	in, err := os.Open(os.DevNull)
	if err != nil {
		t.Fatal(err)
	}
	defer in.Close()
	out, err := os.Create(filepath.Join(dir, "stdout"))
	if err != nil {
		t.Fatal(err)
	}
	defer out.Close()
	errf, err := os.Create(filepath.Join(dir, "stderr"))
	if err != nil {
		t.Fatal(err)
	}
	defer errf.Close()
	r := New(WithStdio(in, out, errf), WithEnv(append(os.Environ(), env...)), WithDir(dir))
	done := make(chan int, 1)
	go func() { done <- r.RunCommand(src) }()
	var status int
	select {
	case status = <-done:
	case <-time.After(2 * time.Minute):
		t.Fatalf("%q did not finish", src)
	}
	o, _ := os.ReadFile(out.Name())
	e, _ := os.ReadFile(errf.Name())
	return status, string(o), string(e)
}

// traceSchema compiles exec/trace.schema.json once per test.
func traceSchema(t *testing.T) *jsonschema.Schema {
	t.Helper()
	c := jsonschema.NewCompiler()
	s, err := c.Compile(filepath.Join("..", "exec", "trace.schema.json"))
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// readTrace reads a JSON trace, validates it against the schema and
// decodes it.
func readTrace(t *testing.T, path string) *gexec.Trace {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	doc, err := jsonschema.UnmarshalJSON(bytes.NewReader(data))
	if err != nil {
		t.Fatal(err)
	}
	if err := traceSchema(t).Validate(doc); err != nil {
		t.Fatalf("trace does not match its schema: %v\n%s", err, data)
	}
	var tr gexec.Trace
	if err := json.Unmarshal(data, &tr); err != nil {
		t.Fatal(err)
	}
	return &tr
}

// traced runs src with every pipeline traced into trace.json and returns
// the stdout and the trace.
func traced(t *testing.T, src string) (string, *gexec.Trace) {
	t.Helper()
	dir := t.TempDir()
	status, out, errs := runScript(t, dir, src, "GOSH_TRACE_TABLE=none", "GOSH_TRACE_JSON=trace.json")
	if status != 0 {
		t.Fatalf("%q: status %d, stderr %q", src, status, errs)
	}
	return out, readTrace(t, filepath.Join(dir, "trace.json"))
}

// defaultPipeSize is the capacity of a new pipe on this machine.
func defaultPipeSize(t *testing.T) int {
	r, w, err := gexec.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	defer w.Close()
	n, err := gexec.PipeSize(w)
	if err != nil {
		t.Fatal(err)
	}
	return n
}

func TestTraceBytesExact(t *testing.T) {
	t.Parallel()
	out, tr := traced(t, "set -o trace; head -c 10000000 /dev/zero | cat | wc -c")
	if strings.TrimSpace(out) != "10000000" {
		t.Fatalf("stdout %q", out)
	}
	if len(tr.Pipes) != 2 {
		t.Fatalf("%d pipes", len(tr.Pipes))
	}
	for _, p := range tr.Pipes {
		if !p.Counted || p.Written != 10000000 || p.Read != 10000000 || p.ReaderLeft {
			t.Errorf("pipe %d: %+v", p.Index, p)
		}
		if p.Capacity != defaultPipeSize(t) {
			t.Errorf("pipe %d: total buffering %d, want the pipe capacity %d", p.Index, p.Capacity, defaultPipeSize(t))
		}
	}
	if w := tr.Stages[0].PipeWritten; w == nil || *w != 10000000 {
		t.Errorf("head wrote %v", w)
	}
	if r := tr.Stages[2].PipeRead; r == nil || *r != 10000000 {
		t.Errorf("wc read %v", r)
	}
	// The kernel's own counter agrees for head, which writes only there.
	if io := tr.Stages[0].IO; io["wchar"] != 10000000 {
		t.Errorf("head io %v", io)
	}
}

func TestTraceSigpipe(t *testing.T) {
	t.Parallel()
	out, tr := traced(t, "set -o trace; yes | head -c 1000000 | wc -c; echo ${PIPESTATUS[@]}")
	if out != "1000000\n141 0 0\n" {
		t.Fatalf("stdout %q", out)
	}
	yes, head := tr.Stages[0], tr.Stages[1]
	if yes.Signal != "SIGPIPE" || yes.Status != 141 {
		t.Errorf("yes: status %d signal %q", yes.Status, yes.Signal)
	}
	p := tr.Pipes[0]
	if p.Read != 1000000 || !p.ReaderLeft || p.Written < p.Read {
		t.Errorf("pipe: %+v", p)
	}
	// yes dies as soon as head is gone, not when it next happens to
	// write (the bound leaves room for a loaded machine's scheduling).
	if gap := yes.End - head.End; gap > 2 {
		t.Errorf("yes ended %.3fs after head", gap)
	}
}

// TestTraceBuffering: a reader that never reads lets the writer fill the
// traced pipe exactly as far as an untraced one.
func TestTraceBuffering(t *testing.T) {
	t.Parallel()
	_, tr := traced(t, "set -o trace; yes | sleep 2")
	p := tr.Pipes[0]
	if want := defaultPipeSize(t); p.Written != int64(want) || p.Capacity != want {
		t.Errorf("writer could buffer %d bytes (capacity %d), want %d", p.Written, p.Capacity, want)
	}
	if tr.Stages[0].Signal != "SIGPIPE" {
		t.Errorf("yes: %+v", tr.Stages[0])
	}
}

func near(got, want float64) bool { return got >= want*0.9 && got <= want*1.1 }

func TestTraceBlockedWrite(t *testing.T) {
	if raceEnabled {
		t.Skip("timing accuracy is checked in the run without -race (.ci/run runs both)")
	}
	t.Parallel()
	_, tr := traced(t, "set -o trace; head -c 1000000 /dev/zero | (sleep 2; cat) > /dev/null")
	// head fills the pipe at once and then waits for cat: its whole
	// life but for a few milliseconds, at least the 2 s of the sleep
	// (more on a loaded machine, where starting sleep and cat is slow).
	head := tr.Stages[0]
	if w := head.Time.BlockedWrite; w < 2*0.9 || !near(w, head.End-head.Start) {
		t.Errorf("head blocked writing %.3fs, want 2s (within 10%%) or its lifetime %.3fs; %+v", w, head.End-head.Start, head)
	}
	if p := tr.Pipes[0]; p.Read != 1000000 || p.Written != 1000000 || !near(p.Full, head.Time.BlockedWrite) {
		t.Errorf("pipe: %+v", p)
	}
}

func TestTraceBlockedRead(t *testing.T) {
	if raceEnabled {
		t.Skip("timing accuracy is checked in the run without -race (.ci/run runs both)")
	}
	t.Parallel()
	out, tr := traced(t, "set -o trace; (sleep 2; echo hi) | cat")
	if out != "hi\n" {
		t.Fatalf("stdout %q", out)
	}
	// cat waits from its start until the subshell echoes, just before
	// it ends: 2 s of sleep, plus the time to start sleep when loaded.
	cat, want := tr.Stages[1], max(2, tr.Stages[0].End-tr.Stages[1].Start)
	if r := cat.Time.BlockedRead; r < 2*0.9 || !near(r, want) {
		t.Errorf("cat blocked reading %.3fs, want %.3fs within 10%%; %+v", r, want, cat)
	}
	if tr.Stages[0].Kind != "in_process" || tr.Pipes[0].Read != 3 {
		t.Errorf("subshell stage %+v, pipe %+v", tr.Stages[0], tr.Pipes[0])
	}
	// The subshell's state is its child's: sleep is neither running nor
	// on a pipe.
	if o := tr.Stages[0].Time.Other; o < 2*0.9 {
		t.Errorf("subshell waited on sleep %.3fs, want 2s", o)
	}
}

func TestTraceBottleneck(t *testing.T) {
	if _, err := exec.LookPath("gzip"); err != nil {
		t.Skip("no gzip")
	}
	t.Parallel()
	_, tr := traced(t, "set -o trace; head -c 200000000 /dev/urandom | gzip -1 | wc -c")
	if tr.Bottleneck != 1 || !strings.Contains(tr.Verdict, "gzip") {
		t.Errorf("bottleneck %d, verdict %q", tr.Bottleneck, tr.Verdict)
	}
}

// TestTraceNoRelay: trace -n leaves the pipes alone and estimates bytes
// from the kernel's per-process counters.
func TestTraceNoRelay(t *testing.T) {
	t.Parallel()
	out, tr := traced(t, "GOSH_TRACE_RELAY=off; set -o trace; head -c 1000000 /dev/zero | cat | wc -c; echo ${PIPESTATUS[@]}")
	if out != "1000000\n0 0 0\n" {
		t.Fatalf("stdout %q", out)
	}
	for _, p := range tr.Pipes {
		if p.Counted || p.Written != 1000000 || p.Read < 1000000 || p.Capacity != 0 {
			t.Errorf("pipe %+v", p)
		}
	}
}

// TestTraceUnchanged: tracing changes neither output nor statuses.
func TestTraceUnchanged(t *testing.T) {
	t.Parallel()
	for _, src := range []string{
		"printf 'b\\na\\nc\\n' | sort | while read x; do echo \"<$x>\"; done | cat; echo ${PIPESTATUS[@]}",
		"false | true; echo $? ${PIPESTATUS[@]}",
		"set -o pipefail; true | (exit 3) | true; echo $? ${PIPESTATUS[@]}",
		"yes | head -n 3; echo ${PIPESTATUS[@]}",
		"f() { echo in f; cat; }; echo x | f | tr a-z A-Z; echo ${PIPESTATUS[@]}",
		"seq 1 20000 | grep 7 | wc -l; echo ${PIPESTATUS[@]}",
		"nosuchcommand-gosh 2>/dev/null | echo after; echo ${PIPESTATUS[@]}",
		"echo a | { read x; echo got $x; } | cat -n",
	} {
		dir := t.TempDir()
		st0, out0, _ := runScript(t, dir, src)
		for _, relay := range []string{"on", "off"} {
			st1, out1, _ := runScript(t, dir, "set -o trace; "+src, "GOSH_TRACE_TABLE=none", "GOSH_TRACE_RELAY="+relay)
			if st0 != st1 || out0 != out1 {
				t.Errorf("%q: untraced %d %q, traced (relay %s) %d %q", src, st0, out0, relay, st1, out1)
			}
		}
	}
}

// TestTraceKeyword: `trace a | b` traces the whole pipeline and the table
// goes to stderr; a bad option is a usage error.
func TestTraceKeyword(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	status, out, errs := runScript(t, dir, "trace -j k.json printf 'x\\ny\\n' | sort -r | cat")
	if status != 0 || out != "y\nx\n" {
		t.Fatalf("status %d stdout %q stderr %q", status, out, errs)
	}
	if !strings.Contains(errs, "trace: printf 'x\\ny\\n' | sort -r | cat") || !strings.Contains(errs, "verdict: ") {
		t.Errorf("table: %q", errs)
	}
	if tr := readTrace(t, filepath.Join(dir, "k.json")); len(tr.Stages) != 3 || tr.Pipes[1].Written != 4 {
		t.Errorf("trace %+v", tr)
	}
	status, _, errs = runScript(t, dir, "trace -z x | cat")
	if status != 2 || !strings.Contains(errs, "trace: -z: invalid option") {
		t.Errorf("bad option: status %d, stderr %q", status, errs)
	}
	// A lone command: one stage, no pipes.
	status, out, _ = runScript(t, dir, "trace -q -j one.json echo hi")
	if tr := readTrace(t, filepath.Join(dir, "one.json")); status != 0 || out != "hi\n" || len(tr.Stages) != 1 || tr.Stages[0].Kind != "in_process" {
		t.Errorf("lone command: %d %q %+v", status, out, tr)
	}
}

func TestTraceChromeAndSVG(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	status, _, errs := runScript(t, dir, "trace -q -c c.json -s s.svg head -c 3000000 /dev/zero | cat | wc -c")
	if status != 0 {
		t.Fatalf("status %d: %s", status, errs)
	}
	data, err := os.ReadFile(filepath.Join(dir, "c.json"))
	if err != nil {
		t.Fatal(err)
	}
	checkChromeTrace(t, data, 3)

	svg, err := os.ReadFile(filepath.Join(dir, "s.svg"))
	if err != nil {
		t.Fatal(err)
	}
	spans, curves := 0, 0
	d := xml.NewDecoder(bytes.NewReader(svg))
	for {
		tok, err := d.Token()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatalf("svg does not parse: %v", err)
		}
		if se, ok := tok.(xml.StartElement); ok {
			for _, a := range se.Attr {
				if a.Name.Local == "class" && a.Value == "span" {
					spans++
				}
				if a.Name.Local == "class" && a.Value == "fill" {
					curves++
				}
			}
		}
	}
	if spans < 3 || curves != 2 {
		t.Errorf("svg has %d state spans and %d fill curves", spans, curves)
	}
}

// checkChromeTrace checks data against the Trace Event Format: an object
// with a traceEvents array whose events carry a phase, name, pid and tid,
// numeric timestamps, durations on complete events, names on metadata
// events and numeric values on counters.
func checkChromeTrace(t *testing.T, data []byte, threads int) {
	t.Helper()
	var doc struct {
		TraceEvents []map[string]any `json:"traceEvents"`
	}
	if err := json.Unmarshal(data, &doc); err != nil {
		t.Fatal(err)
	}
	names, complete := map[float64]bool{}, 0
	for _, ev := range doc.TraceEvents {
		ph, _ := ev["ph"].(string)
		_, hasName := ev["name"].(string)
		_, hasPid := ev["pid"].(float64)
		_, hasTid := ev["tid"].(float64)
		ts, hasTs := ev["ts"].(float64)
		if !hasName || !hasPid || !hasTid || !hasTs || ts < 0 {
			t.Fatalf("bad event %v", ev)
		}
		args, _ := ev["args"].(map[string]any)
		switch ph {
		case "X":
			if d, ok := ev["dur"].(float64); !ok || d < 0 {
				t.Fatalf("complete event without duration: %v", ev)
			}
			complete++
		case "M":
			if ev["name"] == "thread_name" {
				if _, ok := args["name"].(string); !ok {
					t.Fatalf("metadata without name: %v", ev)
				}
				names[ev["tid"].(float64)] = true
			}
		case "C":
			if len(args) == 0 {
				t.Fatalf("counter without values: %v", ev)
			}
			for _, v := range args {
				if _, ok := v.(float64); !ok {
					t.Fatalf("counter value not a number: %v", ev)
				}
			}
		case "i":
			if s, _ := ev["s"].(string); s != "t" && s != "p" && s != "g" {
				t.Fatalf("instant event scope: %v", ev)
			}
		default:
			t.Fatalf("unexpected phase in %v", ev)
		}
	}
	if len(names) != threads || complete < threads {
		t.Errorf("%d named threads, %d complete events", len(names), complete)
	}
}

// TestTraceLive: on a terminal, a pipeline running over a second whose
// output does not go to the terminal gets a one-line live view that is
// erased before the table is printed, and never moves the cursor up.
func TestTraceLive(t *testing.T) {
	t.Parallel()
	ptm, tty, err := pty.Open()
	if err != nil {
		t.Skip("no pty:", err)
	}
	defer ptm.Close()
	var buf bytes.Buffer
	read := make(chan struct{})
	go func() {
		io.Copy(&buf, ptm)
		close(read)
	}()
	in, _ := os.Open(os.DevNull)
	defer in.Close()
	out, _ := os.Create(filepath.Join(t.TempDir(), "out"))
	defer out.Close()
	r := New(WithStdio(in, out, tty), WithDir(t.TempDir()))
	status := r.RunCommand("trace sleep 1.6 | cat")
	tty.Close()
	ptm.SetReadDeadline(time.Now().Add(2 * time.Second))
	<-read
	s := buf.String()
	view := strings.Index(s, "\r\x1b[Ktrace ")
	erase := strings.LastIndex(s, "\r\x1b[K")
	table := strings.Index(s, "trace: sleep 1.6 | cat")
	if status != 0 || view < 0 || erase <= view || table != erase+len("\r\x1b[K") || strings.Contains(s, "\x1b[A") {
		t.Errorf("status %d, terminal output %q", status, s)
	}
}
