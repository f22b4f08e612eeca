package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime"
	"slices"
	"strings"
	"time"
)

// Subject is the shell whose rows are checked against the targets.
const Subject = "gosh"

// Program is one executable under test: a shell, or a reference program such
// as the empty Go binary.
type Program struct {
	// Name labels the program's rows ("gosh", "dash", "go-empty", ...).
	Name string
	// Path is the executable; empty when the program is unavailable.
	Path string
	// Args go between Path and "-c SCRIPT" (e.g. gosh-traced's --trace).
	Args []string
	// Env is added to the environment of its runs (e.g. gosh-halfpipes's
	// GOSH_PIPESIZE).
	Env []string
	// Shell is false for reference programs that only run the rows naming
	// them in Workload.With.
	Shell bool
	// Broken, if not empty, says why the program could not be made
	// available (e.g. gosh failed to build); its rows FAIL with this text.
	Broken string
}

// Config is everything a benchmark invocation needs; main fills it from the
// flags and tests fill it directly.
type Config struct {
	// Programs are the shells and reference programs, in round-robin order.
	Programs []Program
	// Workloads are the rows to run, in order.
	Workloads []Workload
	// Runs, if > 0, overrides every Workload.Runs.
	Runs int
	// Budget is the default per-workload wall time after which no new
	// round starts (every workload runs at least one round).
	Budget time.Duration
	// Timeout bounds one run; a program that exceeds it FAILs the row.
	Timeout time.Duration
	// Dir holds data files and is HOME of the programs run.
	Dir string
	// RSSOnlyForTargets limits the extra, untimed ptrace run that measures
	// a program's own peak RSS to the rows that have an RSS target.
	RSSOnlyForTargets bool
	// Progress, if not nil, receives a line per finished workload.
	Progress io.Writer
}

func main() {
	if err := mainErr(); err != nil {
		fmt.Fprintln(os.Stderr, "bench:", err)
		os.Exit(2)
	}
}

func mainErr() error {
	var (
		goshPath = flag.String("gosh", "", "use this gosh binary instead of building ./cmd/gosh")
		shells   = flag.String("shells", "", "extra shells, comma-separated name=path or names looked up in $PATH")
		runs     = flag.Int("n", 0, "runs per workload per program (0: each workload's default; the budget still applies)")
		budget   = flag.Duration("budget", 20*time.Second, "wall time per workload after which no new round starts")
		timeout  = flag.Duration("timeout", 20*time.Second, "limit for a single run (a run exceeding it FAILs the row)")
		only     = flag.String("only", "", "run only the workloads whose name matches this regexp")
		quick    = flag.Bool("quick", false, "smoke run: one run per program (five for startup), short budget and timeout")
		jsonOut  = flag.String("json", "", "also write the results as JSON to this file")
		keep     = flag.Bool("keep", false, "keep the temporary directory (binaries, data) and print its path")
	)
	flag.Usage = func() {
		fmt.Fprintf(flag.CommandLine.Output(), "usage: go run ./bench [flags]\n\nTimes gosh, dash, bash and any -shells on the issue-8 workloads; see bench/README.md.\n\n")
		flag.PrintDefaults()
	}
	flag.Parse()
	if flag.NArg() > 0 {
		flag.Usage()
		return errors.New("unexpected arguments")
	}

	ws := Workloads
	if *only != "" {
		re, err := regexp.Compile(*only)
		if err != nil {
			return fmt.Errorf("-only: %w", err)
		}
		ws = nil
		for _, w := range Workloads {
			if re.MatchString(w.Name) {
				ws = append(ws, w)
			}
		}
		if len(ws) == 0 {
			return fmt.Errorf("-only %q matches no workload", *only)
		}
	}

	dir, err := os.MkdirTemp("", "gosh-bench-")
	if err != nil {
		return err
	}
	if *keep {
		fmt.Fprintln(os.Stderr, "bench: temporary directory", dir)
	} else {
		defer os.RemoveAll(dir)
	}

	cfg := Config{
		Workloads: ws,
		Runs:      *runs,
		Budget:    *budget,
		Timeout:   *timeout,
		Dir:       dir,
		Progress:  os.Stderr,
	}
	if *quick {
		cfg = quickConfig(cfg)
	}
	extra, err := parseShells(*shells)
	if err != nil {
		return err
	}
	progs := DefaultPrograms(dir, *goshPath, os.Stderr)
	// Extra shells go after bash, before the reference program go-empty.
	cfg.Programs = slices.Concat(progs[:len(progs)-1], extra, progs[len(progs)-1:])

	start := time.Now()
	rep, err := Run(cfg)
	if err != nil {
		return err
	}
	fmt.Printf("gosh bench, %s, %d CPUs; medians; ratios are to dash in this run; CPU = user+sys of the shell and its children\n\n", rep.Host, runtime.NumCPU())
	rep.WriteTable(os.Stdout)
	fmt.Fprintf(os.Stdout, "\ntotal %v\n", time.Since(start).Round(time.Second))
	if *jsonOut != "" {
		return rep.WriteJSON(*jsonOut)
	}
	return nil
}

// quickConfig returns c changed for a smoke run: one run per program (five
// for startup), no second round, a run timeout of at most 20 s, and own
// peak RSS probed only in rows with an RSS target.
func quickConfig(c Config) Config {
	c.Runs = 0
	c.Budget = 0
	c.RSSOnlyForTargets = true
	if c.Timeout > 20*time.Second {
		c.Timeout = 20 * time.Second
	}
	ws := make([]Workload, len(c.Workloads))
	copy(ws, c.Workloads)
	for i := range ws {
		ws[i].Budget = 0
		ws[i].Runs = 1
		if c.Workloads[i].Runs > 50 {
			ws[i].Runs = 5
		}
	}
	c.Workloads = ws
	return c
}

// parseShells parses the -shells flag: comma-separated "name=path" or
// "name" (looked up in $PATH).
func parseShells(s string) ([]Program, error) {
	var ps []Program
	for _, f := range strings.Split(s, ",") {
		f = strings.TrimSpace(f)
		if f == "" {
			continue
		}
		name, path, ok := strings.Cut(f, "=")
		if !ok {
			p, err := exec.LookPath(name)
			if err != nil {
				return nil, fmt.Errorf("-shells: %w", err)
			}
			path = p
		}
		if name == "" {
			return nil, fmt.Errorf("-shells: empty name in %q", f)
		}
		ps = append(ps, Program{Name: name, Path: path, Shell: true})
	}
	return ps, nil
}

// DefaultPrograms returns gosh (built from the module into dir unless
// goshPath is given), dash and bash from $PATH, and go-empty, an empty Go
// program built with the same go command. A program that cannot be found or
// built is returned with Broken set and a note is written to log; it never
// stops the benchmark.
func DefaultPrograms(dir, goshPath string, log io.Writer) []Program {
	gosh := Program{Name: Subject, Path: goshPath, Shell: true}
	if goshPath == "" {
		gosh.Path = filepath.Join(dir, "gosh")
		if err := buildGosh(gosh.Path); err != nil {
			gosh.Path, gosh.Broken = "", err.Error()
			fmt.Fprintln(log, "bench: gosh:", err)
		}
	} else if p, err := filepath.Abs(goshPath); err == nil {
		gosh.Path = p
	}
	ps := []Program{gosh}
	for _, name := range []string{"dash", "bash"} {
		p := Program{Name: name, Shell: true}
		if path, err := exec.LookPath(name); err == nil {
			p.Path = path
		} else {
			p.Broken = "not found in $PATH"
			fmt.Fprintln(log, "bench:", name, "not found in $PATH")
		}
		ps = append(ps, p)
	}
	empty := Program{Name: "go-empty", Path: filepath.Join(dir, "go-empty")}
	if err := buildEmpty(dir, empty.Path); err != nil {
		empty.Path, empty.Broken = "", err.Error()
		fmt.Fprintln(log, "bench: go-empty:", err)
	}
	// gosh-traced is gosh with every pipeline traced, for the rows that
	// measure the tracer's cost against plain gosh.
	traced := gosh
	traced.Name, traced.Shell, traced.Args = "gosh-traced", false, []string{"--trace"}
	// gosh-halfpipes is plain gosh with pipes of half the kernel's
	// default capacity, the size of each of the two pipes the tracer's
	// relay makes of one: what that halving alone costs.
	half := gosh
	half.Name, half.Shell, half.Env = "gosh-halfpipes", false, []string{"GOSH_PIPESIZE=32768"}
	return append(ps, traced, half, empty)
}

// moduleRoot returns the directory of the main module's go.mod.
func moduleRoot() (string, error) {
	out, err := exec.Command("go", "env", "GOMOD").Output()
	if err != nil {
		return "", fmt.Errorf("go env GOMOD: %w", err)
	}
	mod := strings.TrimSpace(string(out))
	if mod == "" || mod == os.DevNull {
		return "", errors.New("not inside the gosh module")
	}
	return filepath.Dir(mod), nil
}

// buildGosh runs `go build -o out ./cmd/gosh` in the module root.
func buildGosh(out string) error {
	root, err := moduleRoot()
	if err != nil {
		return err
	}
	return goBuild(root, out, "./cmd/gosh")
}

// buildEmpty writes `package main; func main() {}` as its own module under
// dir and builds it to out.
func buildEmpty(dir, out string) error {
	src := filepath.Join(dir, "empty")
	if err := os.MkdirAll(src, 0o755); err != nil {
		return err
	}
	if err := os.WriteFile(filepath.Join(src, "go.mod"), []byte("module empty\n"), 0o644); err != nil {
		return err
	}
	if err := os.WriteFile(filepath.Join(src, "main.go"), []byte("package main\n\nfunc main() {}\n"), 0o644); err != nil {
		return err
	}
	return goBuild(src, out, ".")
}

// goBuild runs `CGO_ENABLED=0 go build -o out pkg` in dir and returns the
// first line of its output as the error if it fails.
//
// gosh is built without cgo, as it is meant to be installed: its parser's
// expand package imports os/user (for ~user), which with cgo makes the
// binary load libc through ld.so and start the cgo runtime, tripling the
// cost of `gosh -c true` (2.5 ms against 0.95 ms of task-clock here); the
// pure-Go os/user reads /etc/passwd instead of asking NSS.
func goBuild(dir, out, pkg string) error {
	cmd := exec.Command("go", "build", "-o", out, pkg)
	cmd.Env = append(os.Environ(), "CGO_ENABLED=0")
	cmd.Dir = dir
	msg, err := cmd.CombinedOutput()
	if err != nil {
		if l := firstLine(msg); l != "" {
			return fmt.Errorf("build failed: %s", l)
		}
		return fmt.Errorf("build failed: %w", err)
	}
	return nil
}

// argv is the command line that runs script with p.
func (p *Program) argv(script string) []string {
	return append(append([]string{p.Path}, p.Args...), "-c", script)
}
