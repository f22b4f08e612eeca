package shell

import (
	"bytes"
	"flag"
	"fmt"
	"io"
	"os"
	osexec "os/exec"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"mvdan.cc/sh/v3/syntax"
)

// The soak test runs soak.n commands (10,000 by default, as in CI; the
// README's full run uses 100,000):
//
//	go test -run Soak -soak.n=100000 -timeout 60m ./shell
var soakN = flag.Int("soak.n", 10000, "commands run by TestSoak")

// goshBinary builds gosh (without the race detector, whatever this test
// binary was built with) for the background jobs that re-execute it.
func goshBinary(t *testing.T) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "gosh")
	if out, err := osexec.Command("go", "build", "-o", path, "gosh/cmd/gosh").CombinedOutput(); err != nil {
		t.Skipf("cannot build gosh: %v\n%s", err, out)
	}
	return path
}

// usage is what a process holds that a leak would grow.
type usage struct {
	fds, goroutines, children int
	heap                      uint64
}

func (u usage) String() string {
	return fmt.Sprintf("fds %d, goroutines %d, children %d, heap %d KB", u.fds, u.goroutines, u.children, u.heap>>10)
}

func measure(t *testing.T) usage {
	t.Helper()
	runtime.GC()
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	fds, err := os.ReadDir("/proc/self/fd")
	if err != nil {
		t.Fatal(err)
	}
	return usage{fds: len(fds), goroutines: runtime.NumGoroutine(), children: countChildren(t), heap: ms.HeapAlloc}
}

// countChildren counts the processes (zombies included) whose parent is
// this process.
func countChildren(t *testing.T) int {
	t.Helper()
	procs, err := filepath.Glob("/proc/[0-9]*/stat")
	if err != nil {
		t.Fatal(err)
	}
	me := os.Getpid()
	n := 0
	for _, p := range procs {
		b, err := os.ReadFile(p)
		if err != nil {
			continue // gone meanwhile
		}
		// pid (comm) state ppid ...: comm may hold spaces; cut after ')'.
		i := bytes.LastIndexByte(b, ')')
		f := strings.Fields(string(b[i+1:]))
		if len(f) > 1 {
			if ppid, _ := strconv.Atoi(f[1]); ppid == me {
				n++
			}
		}
	}
	return n
}

// soakScript runs n commands: pipelines of programs and of builtins,
// subshells, command substitutions and background jobs (programs started
// directly and compound commands re-executing gosh), waiting every 50
// rounds. Each round is 10 commands.
func soakScript(n int) string {
	return fmt.Sprintf(`
i=0
while [ $i -lt %d ]; do
	echo abc | tr a b | cat >/dev/null
	x=$(echo sub; echo $i)
	( y=$x; echo "$y" ) >/dev/null
	{ echo one; echo two; } | while read -r l; do : "$l"; done
	true &
	{ z=$(echo bg); : "$z"; } &
	echo "$(printf %%s "$x" | wc -c)" >/dev/null
	case $x in sub*) : ;; esac
	i=$((i+1))
	if [ $((i %% 50)) = 0 ]; then wait; fi
done
wait
echo done $i
`, (n+9)/10)
}

// TestSoak runs many commands in one in-process Runner and checks that
// fds, goroutines, children and heap come back to where they started.
func TestSoak(t *testing.T) {
	if testing.Short() {
		t.Skip("soak test skipped in -short mode")
	}
	exe := goshBinary(t)
	dir := t.TempDir()
	outR, outW, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	errR, errW, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	var out, errOut lockedBuffer
	var drained sync.WaitGroup
	for _, p := range []struct {
		r *os.File
		b *lockedBuffer
	}{{outR, &out}, {errR, &errOut}} {
		drained.Go(func() { io.Copy(p.b, p.r); p.r.Close() })
	}
	in, err := os.Open(os.DevNull)
	if err != nil {
		t.Fatal(err)
	}
	// One Runner for the whole test, as in a gosh process: a Runner's
	// signal goroutine lives as long as the Runner.
	r := New(WithStdio(in, outW, errW), WithDir(dir), WithExe(exe))
	defer func() {
		r.fds.release()
		outW.Close()
		errW.Close()
		drained.Wait()
	}()
	run := func(n int) string {
		out.Reset()
		r.RunSource([]byte(soakScript(n)), "soak")
		if r.lastStatus != 0 || errOut.Len() > 0 {
			t.Fatalf("soak script: status %d, stderr:\n%s", r.lastStatus, errOut.String())
		}
		// The last line reaches the pipe before RunSource returns, but
		// the drain goroutine may not have copied it yet.
		for range 200 {
			if s := out.String(); strings.HasPrefix(s, "done") {
				return s
			}
			time.Sleep(10 * time.Millisecond)
		}
		return out.String()
	}
	// Warm up: the reaper and the signal goroutines start with the first
	// child and stay; caches fill.
	run(100)
	// The Runner's signal goroutine starts at the first wait that finds
	// a job still running, which the warm-up may not hit.
	r.sh.sigs.init()
	beforeStacks := make([]byte, 1<<20) // allocated before measuring
	before := measure(t)
	beforeStacks = beforeStacks[:runtime.Stack(beforeStacks, true)]
	start := time.Now()
	if got, want := run(*soakN), fmt.Sprintf("done %d\n", (*soakN+9)/10); got != want {
		t.Fatalf("soak output %q, want %q", got, want)
	}
	elapsed := time.Since(start)
	// Goroutines of finished pipelines end just after their stages do.
	var after usage
	for range 100 {
		if after = measure(t); after.goroutines <= before.goroutines && after.children == 0 {
			break
		}
		time.Sleep(50 * time.Millisecond)
	}
	t.Logf("%d commands in %v; before: %v; after: %v", *soakN, elapsed.Round(time.Millisecond), before, after)
	if after.fds > before.fds || after.goroutines > before.goroutines || after.children > 0 {
		buf := make([]byte, 1<<20)
		t.Fatalf("leak after %d commands: before %v, after %v\ngoroutines before:\n%s\ngoroutines after:\n%s",
			*soakN, before, after, beforeStacks, buf[:runtime.Stack(buf, true)])
	}
	// The heap may hold a little more (caches, the hash table), never
	// an amount that grows with the number of commands.
	if after.heap > before.heap+8<<20 {
		t.Fatalf("heap grew from %d KB to %d KB over %d commands", before.heap>>10, after.heap>>10, *soakN)
	}
}

// lockedBuffer is a bytes.Buffer safe for one writer and one reader.
type lockedBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *lockedBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *lockedBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

func (b *lockedBuffer) Len() int {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Len()
}

func (b *lockedBuffer) Reset() {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.buf.Reset()
}

// TestSandboxStops: the fuzz sandbox bounds time and output, so an
// endless loop, an endless writer and an endless pipeline of builtins end
// when the runner is interrupted at the deadline.
func TestSandboxStops(t *testing.T) {
	defer sandboxBuiltins()()
	for _, src := range []string{
		"while :; do :; done; echo not reached",
		"while :; do echo y; done",
		"while :; do echo y; done | while read -r l; do :; done",
		"f() { while :; do x=$(echo $x); done; }; f",
		"until false; do (:); done",
	} {
		res := runSandboxed(t, t.TempDir(), src, 100*time.Millisecond)
		if strings.Contains(res.stdout, "not reached") {
			t.Errorf("%q: the interrupt did not stop the whole script", src)
		}
		if len(res.stdout) > 64<<10 {
			t.Errorf("%q: output not bounded: %d bytes", src, len(res.stdout))
		}
	}
}

// TestBytesRoundTrip: every byte that is not valid UTF-8, split UTF-8
// sequences, and the private-use runes the parser guard uses to stand
// for such bytes all reach a builtin unchanged, in single quotes, double
// quotes, plain words and here-documents, whether the program is parsed
// whole or a statement at a time.
func TestBytesRoundTrip(t *testing.T) {
	defer sandboxBuiltins()()
	var raw []byte
	for b := 0x80; b <= 0xff; b++ {
		raw = append(raw, byte(b))
	}
	raw = append(raw, "é\xe2\x82\xf4\x8f\xbe\x80\xf4\x8f\xbf\xbf\xf0\x9f"...)
	data := string(raw)
	for _, src := range []string{
		"printf %s '" + data + "'",
		`printf %s "` + data + `"`,
		"printf %s " + data,
		"IFS= read -r l <<EOF\n" + data + "\nEOF\nprintf %s \"$l\"",
		"read -r l m <<EOF\n" + data + "\nEOF\nprintf %s \"$l\"",
	} {
		res := runSandboxed(t, t.TempDir(), src, 10*time.Second)
		if res.stdout != data || res.status != 0 {
			t.Errorf("%q:\ngot  %q (status %d, stderr %q)\nwant %q", src, res.stdout, res.status, res.stderr, data)
		}
		var got strings.Builder
		eachStmt(newParser(false), strings.NewReader(src+"\n"), func(st *syntax.Stmt, err error) bool {
			if err != nil {
				t.Errorf("%q: %v", src, err)
				return false
			}
			syntax.Walk(st, func(n syntax.Node) bool {
				switch n := n.(type) {
				case *syntax.Lit:
					got.WriteString(n.Value)
				case *syntax.SglQuoted:
					got.WriteString(n.Value)
				}
				return true
			})
			return true
		})
		if !strings.Contains(got.String(), data[:16]) {
			t.Errorf("%q: statement parser lost the bytes: %q", src, got.String())
		}
	}
}
