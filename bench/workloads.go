package main

import (
	"bufio"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"time"
)

// Metric names a measured quantity of a row.
type Metric string

// The metrics a Target can bound.
const (
	// CPU is the median user+sys time of the program and every descendant
	// it waited for.
	CPU Metric = "cpu"
	// Wall is the median elapsed time from fork to reaping.
	Wall Metric = "wall"
	// RSS is the median peak resident set size in bytes (for an Idle row:
	// the resident set size while idle).
	RSS Metric = "rss"
)

// Target is one limit the subject shell (gosh) must meet for its row to PASS.
type Target struct {
	// Metric is the quantity compared.
	Metric Metric
	// Against names the program whose median of the same Metric, in the same
	// invocation of the runner, is the unit: the subject passes when
	// subject/Against <= Max. An empty Against makes Max an absolute limit,
	// in bytes for RSS and seconds for CPU and Wall.
	Against string
	// Max is the largest passing ratio or absolute value.
	Max float64
}

// String renders t compactly for the table, e.g. "cpu<=1.5x dash" or
// "rss<=8MiB".
func (t Target) String() string {
	if t.Against == "" {
		if t.Metric == RSS {
			return fmt.Sprintf("%s<=%s", t.Metric, fmtBytes(int64(t.Max)))
		}
		return fmt.Sprintf("%s<=%s", t.Metric, fmtDur(time.Duration(t.Max*float64(time.Second))))
	}
	return fmt.Sprintf("%s<=%gx%s", t.Metric, t.Max, t.Against)
}

// Workload is one row group of the benchmark table: a script every selected
// program runs as `PROGRAM -c SCRIPT`, or, for an Idle row, an interactive
// shell left waiting at its prompt.
//
// To add a row, append to Workloads. A row that only some shells support
// (say a gosh-only tracing switch) sets Only to those shells and Baseline to
// the program its ratios should be computed against (which is then run too,
// e.g. gosh with tracing versus a "gosh-untraced" program given by -shells).
type Workload struct {
	// Name identifies the row in the table, in -only and in the JSON output.
	Name string
	// Script is run as `PROGRAM -c SCRIPT`. Every occurrence of "@DIR@" is
	// replaced by the runner's data directory (a path without shell
	// metacharacters). The script must print something that proves the work
	// was done, like a final counter or a byte count: every program's stdout
	// is compared with the reference output (Want, or the baseline's) and a
	// difference makes that program's row FAIL.
	Script string
	// Want, if not empty, is the exact stdout every program must print.
	Want string
	// Runs is the default number of timed runs per program; -n overrides it.
	// Runs stop early once Budget is spent, after at least one round.
	Runs int
	// Budget is the wall time after which no new round of the row starts,
	// when larger than -budget (a row whose one round is long needs more to
	// get several runs). With -budget 0 only one round runs.
	Budget time.Duration
	// Only, if not nil, restricts the row to these shells; nil means every
	// shell the runner was given. The Baseline, the programs in With and
	// those named by Targets run the row as well.
	Only []string
	// With names programs that are not shells but run this row as
	// references, such as "go-empty" (an empty Go program: it ignores its
	// arguments, so it measures the cost of starting any Go binary).
	With []string
	// Baseline names the program the ratio columns divide by; "" means dash.
	Baseline string
	// Targets are the limits the subject (gosh) must meet for PASS.
	Targets []Target
	// Setup, if not nil, creates the row's data files in dir once, before
	// any run. It may be shared by several rows; it must be idempotent.
	Setup func(dir string) error
	// Idle makes the row measure the resident memory of an interactive
	// shell waiting at its prompt on a pseudo-terminal; Script is unused.
	Idle bool
}

// baseline returns the name of w's ratio baseline.
func (w *Workload) baseline() string {
	if w.Baseline == "" {
		return "dash"
	}
	return w.Baseline
}

// script returns w's script with "@DIR@" replaced by dir.
func (w *Workload) script(dir string) string {
	return strings.ReplaceAll(w.Script, "@DIR@", dir)
}

const mib = 1 << 20

// loop returns a script that runs body n times in a POSIX while loop and
// then prints the counter.
func loop(n int, body string) string {
	return fmt.Sprintf("i=0; while [ $i -lt %d ]; do %s; i=$((i+1)); done; echo $i", n, body)
}

// catPipeline returns "echo $i | cat | cat ..." with n cat stages.
func catPipeline(n int) string {
	return "echo $i" + strings.Repeat(" | cat", n)
}

// seqLines returns the lines "0\n1\n...\n(n-1)\n" followed by "n\n", the
// output of a loop whose body echoes its counter.
func seqLines(n int) string {
	var b strings.Builder
	for i := 0; i <= n; i++ {
		fmt.Fprintln(&b, i)
	}
	return b.String()
}

// Workloads is the benchmark table, in the order it is run and printed.
var Workloads = []Workload{
	{
		Name:   "startup -c true",
		Script: "true",
		Want:   "",
		Runs:   101,
		With:   []string{"go-empty"},
		Targets: []Target{
			{Metric: CPU, Against: "bash", Max: 1},
			{Metric: CPU, Against: "go-empty", Max: 1.25},
			{Metric: RSS, Max: 8 * mib},
		},
	},
	{
		Name:    "2000 x /bin/true",
		Script:  loop(2000, "/bin/true"),
		Want:    "2000\n",
		Runs:    7,
		Targets: []Target{{Metric: CPU, Against: "dash", Max: 1.0}},
	},
	{
		Name:    "500 x echo x|cat|cat",
		Script:  loop(500, "echo x | cat | cat"),
		Want:    strings.Repeat("x\n", 500) + "500\n",
		Runs:    7,
		Targets: []Target{{Metric: CPU, Against: "dash", Max: 0.8}},
	},
	{
		Name:    "while loop 200k",
		Script:  "i=0; while [ $i -lt 200000 ]; do i=$((i+1)); done; echo $i",
		Want:    "200000\n",
		Runs:    7,
		Targets: []Target{{Metric: CPU, Against: "dash", Max: 1.5}},
	},
	{
		Name:    "100k function calls",
		Script:  "f() { n=$((n+1)); }; n=0; " + loop(100000, "f") + "; echo $n",
		Want:    "100000\n100000\n",
		Runs:    7,
		Targets: []Target{{Metric: CPU, Against: "dash", Max: 1.5}},
	},
	{
		Name:    "2000 x $(echo hi)",
		Script:  loop(2000, "x=$(echo hi)") + "; echo $x",
		Want:    "2000\nhi\n",
		Runs:    7,
		Targets: []Target{{Metric: CPU, Against: "dash", Max: 0.1}},
	},
	{
		Name:    "20 x 50-stage cat pipeline",
		Script:  loop(20, catPipeline(50)),
		Want:    seqLines(20),
		Runs:    7,
		Targets: []Target{{Metric: CPU, Against: "dash", Max: 1.05}},
	},
	{
		Name:    "50MB grep|sort|uniq -c|sort -rn|head",
		Script:  "grep a @DIR@/words.txt | sort | uniq -c | sort -rn | head",
		Runs:    5,
		Budget:  30 * time.Second,
		Setup:   writeWords,
		Targets: []Target{{Metric: CPU, Against: "dash", Max: 1.02}},
	},
	{
		Name:    "1GiB head|cat|cat|wc -c",
		Script:  "head -c 1G /dev/zero | cat | cat | wc -c",
		Want:    "1073741824\n",
		Runs:    5,
		Budget:  30 * time.Second,
		Targets: []Target{{Metric: CPU, Against: "dash", Max: 1.02}},
	},
	// Pipe capacity (issue 6): the same transfers with the kernel's
	// default pipe buffer and with gosh's GOSH_PIPESIZE=1m, side by side.
	// dash and bash ignore the variable, so in the 1m rows they are the
	// default-capacity reference measured in the same run: gosh's ratio
	// to dash there, divided by its ratio in the default row, is what the
	// larger buffer buys.
	pipeRow("1GiB head|wc -c", "", "head -c 1G /dev/zero | wc -c"),
	pipeRow("1GiB head|wc -c", "1m", "head -c 1G /dev/zero | wc -c"),
	pipeRow("1GiB head|cat|wc -c", "", "head -c 1G /dev/zero | cat | wc -c"),
	pipeRow("1GiB head|cat|wc -c", "1m", "head -c 1G /dev/zero | cat | wc -c"),
	{
		// The tracer's cost: the same 1 GiB pipeline with every pipe
		// relayed and every stage sampled (gosh --trace, the table on
		// stderr) against plain gosh, in the same run. Goal: the
		// gosh-traced row's ratios at most 1.10. gosh-halfpipes is
		// plain gosh with 32 KiB pipes, the halves the relay splits
		// each pipe into: the part of the cost that comes from the
		// stages waking twice as often, not from the relay.
		Name:     "1GiB head|cat|cat|wc -c traced",
		Script:   "head -c 1G /dev/zero | cat | cat | wc -c",
		Want:     "1073741824\n",
		Runs:     5,
		Budget:   30 * time.Second,
		Only:     []string{"gosh"},
		With:     []string{"gosh-traced", "gosh-halfpipes"},
		Baseline: "gosh",
	},
	{
		// The same with the sampling-only tracer (GOSH_TRACE_RELAY=off:
		// wchan and /proc/PID/io, no relay, bytes estimated).
		Name:     "1GiB head|cat|cat|wc -c traced, no relay",
		Script:   "GOSH_TRACE_RELAY=off; head -c 1G /dev/zero | cat | cat | wc -c",
		Want:     "1073741824\n",
		Runs:     5,
		Budget:   30 * time.Second,
		Only:     []string{"gosh"},
		With:     []string{"gosh-traced"},
		Baseline: "gosh",
	},
	{
		Name:    "idle interactive RSS",
		Idle:    true,
		Runs:    3,
		Targets: []Target{{Metric: RSS, Max: 20 * mib}},
	},
}

// pipeRow returns a 1 GiB transfer through pipeline (`-only pipes` selects
// these rows), with gosh's pipes
// at capacity size (GOSH_PIPESIZE; "" is the kernel's default, 64 KiB).
// With the default gosh must cost no more CPU than dash; with a larger
// buffer it must not cost more than dash does with the default.
func pipeRow(name, size, pipeline string) Workload {
	label, script := name+", pipes 64KiB", pipeline
	if size != "" {
		label = name + ", pipes GOSH_PIPESIZE=" + size
		script = "GOSH_PIPESIZE=" + size + "; " + pipeline
	}
	return Workload{
		Name:    label,
		Script:  script,
		Want:    "1073741824\n",
		Runs:    5,
		Budget:  30 * time.Second,
		Targets: []Target{{Metric: CPU, Against: "dash", Max: 1.02}},
	}
}

// wordsSize is the size in bytes of the file writeWords creates.
const wordsSize = 50 * 1000 * 1000

// writeWords creates dir/words.txt: wordsSize bytes of lines of two words
// drawn from a Zipf distribution over a fixed vocabulary, so that grep
// selects a real fraction of the lines, sort has millions of lines to order
// and uniq -c has long runs to count. The content depends only on the
// constants here (math/rand/v2's PCG is specified), never on the machine.
func writeWords(dir string) error {
	path := filepath.Join(dir, "words.txt")
	if fi, err := os.Stat(path); err == nil && fi.Size() >= wordsSize {
		return nil
	}
	syll := []string{"ka", "lo", "mi", "ne", "ru", "sa", "to", "vi", "be", "do", "fu", "gi", "ho", "ju", "pe", "qu", "ry", "wo"}
	r := rand.New(rand.NewPCG(8, 2026))
	vocab := make([]string, 400)
	for i := range vocab {
		n := 1 + r.IntN(4)
		var b strings.Builder
		for range n {
			b.WriteString(syll[r.IntN(len(syll))])
		}
		vocab[i] = b.String()
	}
	z := rand.NewZipf(r, 1.1, 1, uint64(len(vocab)-1))
	f, err := os.Create(path + ".tmp")
	if err != nil {
		return err
	}
	w := bufio.NewWriterSize(f, 1<<20)
	written := 0
	for written < wordsSize {
		line := vocab[z.Uint64()] + " " + vocab[z.Uint64()] + "\n"
		n, _ := w.WriteString(line)
		written += n
	}
	if err := w.Flush(); err != nil {
		f.Close()
		return err
	}
	if err := f.Close(); err != nil {
		return err
	}
	return os.Rename(path+".tmp", path)
}
