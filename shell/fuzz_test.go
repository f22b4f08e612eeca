package shell

import (
	"bytes"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"gosh/exec"

	"github.com/rogpeppe/go-internal/txtar"
	"mvdan.cc/sh/v3/syntax"
)

// The fuzz targets run in CI for a few seconds each (see .ci/run); longer
// runs are documented in the README's Reliability section:
//
//	go test -run XXX -fuzz FuzzParse -fuzztime 10m ./shell
//	go test -run XXX -fuzz FuzzRun -fuzztime 10m ./shell
//
// Inputs that crash are written by the fuzzer to testdata/fuzz/FuzzX/ and
// from then on run as regression tests with every `go test ./shell`.

// seedScripts returns shell programs from the end-to-end tests: every
// `gosh -c '...'` argument and every file of testdata/script/*.txtar.
func seedScripts(tb testing.TB) []string {
	paths, err := filepath.Glob(filepath.Join("..", "testdata", "script", "*.txtar"))
	if err != nil {
		tb.Fatal(err)
	}
	dashC := regexp.MustCompile(`gosh\s+(?:-\w+\s+)*-c\s+'([^']*)'`)
	var seeds []string
	for _, p := range paths {
		a, err := txtar.ParseFile(p)
		if err != nil {
			tb.Fatal(err)
		}
		for _, m := range dashC.FindAllStringSubmatch(string(a.Comment), -1) {
			seeds = append(seeds, m[1])
		}
		for _, f := range a.Files {
			seeds = append(seeds, string(f.Data))
		}
	}
	return append(seeds,
		"echo $((1/0))", "f() { f; }; f", "x='eval \"$x\"'; eval \"$x\"",
		"while :; do echo y; done", "echo $(( 9223372036854775807 + 1 ))",
		"cat <<EOF\nunterminated", "echo 'open", "((((((( ", "a=\xff\xfe; echo \"$a\"",
		"{ echo a; echo b; } | while read l; do echo $l; done", "echo ${x:?unset}; echo after",
		"for i in 1 2 3; do (echo $i) & done; wait", "case x in x) echo x;; esac",
		"a=(x y); r='a[1]'; p='\\u\\D{%s}'; echo ${!r@Q} \"-${a[@]@K}-$@\" ${@:0:1} ${!r:-$((i++))} ${p@P} ${x////y}",
	)
}

// FuzzParse: any input either fails to parse with an error or parses to a
// tree the printer can print; nothing panics or overflows the stack.
func FuzzParse(f *testing.F) {
	for _, s := range seedScripts(f) {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, src string) {
		done := make(chan struct{})
		defer close(done)
		go func() {
			select {
			case <-done:
			case <-time.After(5 * time.Second):
				panic(fmt.Sprintf("parse hangs on %q", src))
			}
		}()
		file, err := parseAll([]byte(src), "fuzz")
		if err == nil {
			var b bytes.Buffer
			if err := syntax.NewPrinter().Print(&b, file); err != nil {
				t.Fatalf("print: %v", err)
			}
		}
		// The statement-at-a-time path used for scripts on stdin.
		eachStmt(newParser(false), strings.NewReader(src), func(st *syntax.Stmt, err error) bool {
			return err == nil
		})
	})
}

// FuzzRun runs each input in a sandboxed Runner (builtins only, a
// temporary directory, a deadline, bounded output): it must stop by the
// deadline and never panic.
func FuzzRun(f *testing.F) {
	for _, s := range seedScripts(f) {
		f.Add(s)
	}
	defer sandboxBuiltins()()
	f.Fuzz(func(t *testing.T, src string) {
		if len(src) > 4096 {
			return
		}
		// Not t.TempDir: its cleanup fails the input when a file appears
		// while it removes the directory; what is left is removed later.
		dir, err := os.MkdirTemp("", "gosh-fuzz-")
		if err != nil {
			t.Fatal(err)
		}
		defer os.RemoveAll(dir)
		runSandboxed(t, dir, src, 200*time.Millisecond)
	})
}

// sandboxBuiltins replaces the builtins that act on the test process
// itself (exec replaces it, kill signals it, trap changes its signal
// dispositions, umask its mask) with ones that refuse, and returns the
// function that puts the real ones back.
func sandboxBuiltins() (restore func()) {
	saved := map[string]builtinFunc{}
	refuse := func(r *Runner, args []string) int {
		r.errf("%s: not allowed in the sandbox", args[0])
		return 1
	}
	// trace writes its -j/-c/-s files anywhere.
	for _, name := range []string{"exec", "kill", "umask", "suspend", "ulimit", "trace"} {
		if b, ok := builtins[name]; ok {
			saved[name] = b
			builtins[name] = refuse
		}
	}
	if mkfifo, ok := builtins["mkfifo"]; ok {
		saved["mkfifo"] = mkfifo
		builtins["mkfifo"] = func(r *Runner, args []string) int {
			dir, _ := sandboxDirs.Load(r.sh)
			for _, a := range args[1:] {
				if !strings.HasPrefix(a, "-") && !inside(dir.(string), r.path(a)) {
					return refuse(r, args)
				}
			}
			return mkfifo(r, args)
		}
	}
	if trap, ok := builtins["trap"]; ok {
		saved["trap"] = trap
		builtins["trap"] = func(r *Runner, args []string) int {
			// Only the shell's own pseudo-signals: no process signal
			// disposition changes.
			if len(args) > 2 && !strings.HasPrefix(args[1], "-") {
				for _, s := range args[2:] {
					switch strings.TrimPrefix(strings.ToUpper(s), "SIG") {
					case "EXIT", "0", "ERR", "DEBUG", "RETURN":
					default:
						return refuse(r, args)
					}
				}
			}
			return trap(r, args)
		}
	}
	return func() {
		for name, b := range saved {
			builtins[name] = b
		}
	}
}

// boundedBuffer keeps the first max bytes written to it and counts the
// rest.
type boundedBuffer struct {
	buf     bytes.Buffer
	max     int
	dropped int64
}

func (b *boundedBuffer) Write(p []byte) (int, error) {
	keep := min(len(p), b.max-b.buf.Len())
	if keep > 0 {
		b.buf.Write(p[:keep])
	}
	b.dropped += int64(len(p) - keep)
	return len(p), nil
}

// sandboxResult is what a sandboxed run printed and its status.
type sandboxResult struct {
	stdout, stderr string
	status         int
}

// runSandboxed runs src in a new Runner in dir with an empty PATH: no
// program can start (every start is pointed at a missing file), no
// redirection may open a file outside dir, stdin is /dev/null and output
// is kept up to 64 KB per stream. After limit the runner is interrupted,
// as Ctrl-C would; a run that does not stop soon after that fails.
func runSandboxed(tb testing.TB, dir, src string, limit time.Duration) sandboxResult {
	tb.Helper()
	in, err := os.Open(os.DevNull)
	if err != nil {
		tb.Fatal(err)
	}
	defer in.Close()
	outR, outW, err := os.Pipe()
	if err != nil {
		tb.Fatal(err)
	}
	errR, errW, err := os.Pipe()
	if err != nil {
		tb.Fatal(err)
	}
	stdout := &boundedBuffer{max: 64 << 10}
	stderr := &boundedBuffer{max: 64 << 10}
	drained := make(chan struct{}, 2)
	for _, p := range []struct {
		r *os.File
		b *boundedBuffer
	}{{outR, stdout}, {errR, stderr}} {
		go func() {
			io.Copy(p.b, p.r)
			p.r.Close()
			drained <- struct{}{}
		}()
	}

	r := New(WithStdio(in, outW, errW), WithDir(dir), WithExe("/nonexistent/gosh"),
		WithEnv([]string{"PATH=", "HOME=" + dir, "LC_ALL=C", "TMPDIR=" + dir}))
	// As a subshell the runner never changes the process's directory
	// and a write to a closed pipe ends the run instead of the process.
	r.subshell = 1
	r.sh.hooks.BeforeStart = func(c *exec.Cmd) { c.Path = "/nonexistent/" + filepath.Base(c.Path) }
	sandboxDirs.Store(r.sh, dir)
	defer sandboxDirs.Delete(r.sh)
	r.sh.hooks.Open = func(r *Runner, path string, flags int) (*os.File, error) {
		return sandboxOpen(dir, r.path(path), flags, r.sh.isInterrupted)
	}

	done := make(chan int, 1)
	timer := time.AfterFunc(limit, r.Interrupt)
	defer timer.Stop()
	go func() {
		r.RunSource([]byte(src), "fuzz")
		done <- r.Exit()
	}()
	var status int
	select {
	case status = <-done:
	case <-time.After(limit + 20*time.Second):
		tb.Fatalf("interpreter did not stop after being interrupted; script:\n%q", src)
	}
	r.fds.release()
	outW.Close()
	errW.Close()
	<-drained
	<-drained
	return sandboxResult{stdout.buf.String(), stderr.buf.String(), status}
}

// sandboxDirs maps the shared state of each sandboxed Runner to its
// directory, for the builtins that create files.
var sandboxDirs sync.Map

// inside reports whether path lies inside dir.
func inside(dir, path string) bool {
	path = filepath.Clean(path)
	return path == dir || strings.HasPrefix(path, dir+"/")
}

// sandboxOpen opens path only when it lies inside dir (or is /dev/null),
// as the default open does: a FIFO's open ends when interrupted.
func sandboxOpen(dir, path string, flags int, interrupted func() bool) (*os.File, error) {
	path = filepath.Clean(path)
	if path != os.DevNull && !inside(dir, path) {
		return nil, &os.PathError{Op: "open", Path: path, Err: os.ErrPermission}
	}
	return exec.OpenInterruptible(path, flags, 0o666, interrupted)
}
