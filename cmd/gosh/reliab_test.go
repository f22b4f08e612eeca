package main

import (
	"bufio"
	"crypto/sha256"
	"flag"
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
)

// Reliability tests that move much data or change resource limits. They
// run gosh built without the race detector (go build), since -race
// multiplies the memory of a 100 MB here-document by three and its time
// by twenty. Longer runs (see the README's Reliability section):
//
//	go test -run Pipeline -reliab.gib=8 -timeout 60m ./cmd/gosh
var pipelineGiB = flag.Float64("reliab.gib", 1, "GiB pushed through TestPipelineByteExact")

// helperEnv makes the test binary act as a small helper program instead
// of running tests (see init): gen, sum, limit.
const helperEnv = "GOSH_RELIAB_HELPER"

func init() {
	args := strings.Fields(os.Getenv(helperEnv))
	if len(args) == 0 {
		return
	}
	os.Exit(helper(args, os.Args[1:]))
}

// helper runs one helper program:
//
//	gen N                writes N bytes of the test stream to stdout
//	sum                  prints "bytes sha256" of stdin
//	limit RES N [UID]    sets resource RES (nofile, nproc) to N, soft and
//	                     hard, switches to UID if given, and executes argv
func helper(args, argv []string) int {
	switch args[0] {
	case "gen":
		n, _ := strconv.ParseInt(args[1], 10, 64)
		w := bufio.NewWriterSize(os.Stdout, 1<<16)
		if _, err := io.CopyN(w, testStream(), n); err != nil {
			fmt.Fprintln(os.Stderr, "gen:", err)
			return 1
		}
		if err := w.Flush(); err != nil {
			fmt.Fprintln(os.Stderr, "gen:", err)
			return 1
		}
		return 0
	case "sum":
		h := sha256.New()
		n, err := io.Copy(h, os.Stdin)
		if err != nil {
			fmt.Fprintln(os.Stderr, "sum:", err)
			return 1
		}
		fmt.Printf("%d %x\n", n, h.Sum(nil))
		return 0
	case "limit":
		res := map[string]int{"nofile": syscall.RLIMIT_NOFILE, "nproc": 6 /* RLIMIT_NPROC */}[args[1]]
		n, _ := strconv.ParseUint(args[2], 10, 64)
		if err := syscall.Setrlimit(res, &syscall.Rlimit{Cur: n, Max: n}); err != nil {
			fmt.Fprintln(os.Stderr, "limit:", err)
			return 1
		}
		if len(args) > 3 {
			uid, _ := strconv.Atoi(args[3])
			if err := syscall.Setgroups(nil); err != nil {
				fmt.Fprintln(os.Stderr, "limit:", err)
				return 1
			}
			if err := syscall.Setgid(uid); err != nil {
				fmt.Fprintln(os.Stderr, "limit:", err)
				return 1
			}
			if err := syscall.Setuid(uid); err != nil {
				fmt.Fprintln(os.Stderr, "limit:", err)
				return 1
			}
		}
		env := []string{}
		for _, kv := range os.Environ() {
			if !strings.HasPrefix(kv, helperEnv+"=") {
				env = append(env, kv)
			}
		}
		err := syscall.Exec(argv[0], argv, env)
		fmt.Fprintln(os.Stderr, "limit: exec:", err)
		return 1
	}
	fmt.Fprintln(os.Stderr, "unknown helper", args[0])
	return 2
}

// testStream is the endless deterministic byte stream that gen writes.
func testStream() io.Reader { return rand.NewChaCha8([32]byte{'g', 'o', 's', 'h'}) }

// goshBin returns gosh built without the race detector (go build, mostly
// a link from the build cache) in the test's temporary directory, which
// every user can read: the process-limit test runs it as nobody.
func goshBin(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	for _, d := range []string{filepath.Dir(dir), dir} {
		if err := os.Chmod(d, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	path := filepath.Join(dir, "gosh")
	if out, err := exec.Command("go", "build", "-o", path, ".").CombinedOutput(); err != nil {
		t.Skipf("cannot build gosh: %v\n%s", err, out)
	}
	return path
}

// self is the path of this test binary, for helper commands in scripts.
func self(t *testing.T) string {
	t.Helper()
	p, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// goshRun runs gosh with args in dir and returns stdout, stderr and the
// exit status; a death by signal fails the test.
func goshRun(t *testing.T, dir string, prefix []string, args ...string) (string, string, int) {
	t.Helper()
	argv := append(append(prefix[:len(prefix):len(prefix)], goshBin(t)), args...)
	cmd := exec.Command(argv[0], argv[1:]...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "LC_ALL=C", "H="+self(t))
	var out, errOut strings.Builder
	cmd.Stdout, cmd.Stderr = &out, &errOut
	err := cmd.Run()
	status := 0
	if ee, ok := err.(*exec.ExitError); ok {
		ws := ee.Sys().(syscall.WaitStatus)
		if ws.Signaled() {
			t.Fatalf("gosh died by %v; stderr:\n%s", ws.Signal(), tail(errOut.String()))
		}
		status = ws.ExitStatus()
	} else if err != nil {
		t.Fatal(err)
	}
	return out.String(), errOut.String(), status
}

func tail(s string) string {
	if len(s) > 4000 {
		return "..." + s[len(s)-4000:]
	}
	return s
}

// expectedSum is what sum prints for the first n bytes of testStream.
func expectedSum(t *testing.T, n int64) string {
	t.Helper()
	h := sha256.New()
	if _, err := io.CopyN(h, testStream(), n); err != nil {
		t.Fatal(err)
	}
	return fmt.Sprintf("%d %x\n", n, h.Sum(nil))
}

// TestPipelineByteExact pushes reliab.gib GiB through a pipeline of
// programs, a brace group and a subshell that gosh joins with its own
// pipes, and compares checksums: not a byte may be lost or changed.
func TestPipelineByteExact(t *testing.T) {
	if testing.Short() {
		t.Skip("moves a GiB")
	}
	n := int64(*pipelineGiB * (1 << 30))
	script := fmt.Sprintf(`H=$H; export GOSH_RELIAB_HELPER; GOSH_RELIAB_HELPER="gen %d" "$H" | cat | { cat; } | (cat) | tr -d '' | GOSH_RELIAB_HELPER=sum "$H"; echo "${PIPESTATUS[*]}"`, n)
	out, errOut, status := goshRun(t, t.TempDir(), nil, "-c", script)
	want := expectedSum(t, n) + "0 0 0 0 0 0\n"
	if out != want || status != 0 || errOut != "" {
		t.Fatalf("got %q (status %d, stderr %q), want %q", out, status, errOut, want)
	}
}

// TestHugeHeredoc runs a script holding a 100 MB here-document.
func TestHugeHeredoc(t *testing.T) {
	if testing.Short() {
		t.Skip("writes 100 MB")
	}
	dir := t.TempDir()
	script := filepath.Join(dir, "big.sh")
	f, err := os.Create(script)
	if err != nil {
		t.Fatal(err)
	}
	w := bufio.NewWriter(f)
	fmt.Fprintln(w, `cat <<EOF | GOSH_RELIAB_HELPER=sum "$H"`)
	line := strings.Repeat("0123456789", 10)[:99] + "\n"
	h := sha256.New()
	const lines = 1010101 // 101 MB
	for range lines {
		w.WriteString(line)
		io.WriteString(h, line)
	}
	fmt.Fprintln(w, "EOF")
	fmt.Fprintln(w, "echo after")
	if err := w.Flush(); err != nil {
		t.Fatal(err)
	}
	f.Close()
	want := fmt.Sprintf("%d %x\nafter\n", lines*len(line), h.Sum(nil))
	out, errOut, status := goshRun(t, dir, nil, script)
	if out != want || status != 0 || errOut != "" {
		t.Fatalf("got %q (status %d, stderr %q), want %q", out, status, tail(errOut), want)
	}
}

// pipeline20 is a 20-stage pipeline of programs.
var pipeline20 = "echo hi" + strings.Repeat(" | cat", 19)

// TestFdLimit: with 16 fds a 20-stage pipeline cannot get its pipes. gosh
// says so once, the command fails with status 1, no fd is left open, and
// the shell goes on (a 3-stage pipeline still works). bash, which keeps
// only two pipes open at a time, runs this pipeline; gosh makes all the
// pipes before starting the first stage.
func TestFdLimit(t *testing.T) {
	// Count the shell's pipes: the Go runtime opens and closes cgroup
	// files of its own, which make a plain count of fds vary, not pipes.
	// The count uses builtins only (a glob of /proc/$$/fd and test -p):
	// a program started to list them would race with the pipe that
	// gosh's fork holds until the program has exec'd.
	script := `fds() {
	c=0
	for f in /proc/$$/fd/*; do
		if [ -p "$f" ]; then c=$((c+1)); fi
	done
	echo $c
}
n=$(fds); n0=$(fds)
` + pipeline20 + `
echo status $?
n1=$(fds)
if [ "$n1" -le "$n0" ]; then echo no pipe left open; else echo pipes $n0 then $n1; fi
echo ok | cat | cat`
	prefix := []string{"env", helperEnv + "=limit nofile 16", self(t)}
	out, errOut, status := goshRun(t, t.TempDir(), prefix, "-c", script)
	if out != "status 1\nno pipe left open\nok\n" || status != 0 || errOut != "gosh: line 9: pipe: Too many open files\n" {
		t.Fatalf("stdout %q, stderr %q, status %d", out, errOut, status)
	}
}

// TestProcLimit: as an unprivileged user with few processes allowed,
// fork fails with EAGAIN: each failed start says "cannot fork", and the
// shell waits for what did start and goes on.
func TestProcLimit(t *testing.T) {
	if os.Geteuid() != 0 {
		t.Skip("needs root to switch to an unprivileged uid")
	}
	const nobody = 65534
	if out, err := exec.Command("pgrep", "-U", strconv.Itoa(nobody)).Output(); err == nil && len(out) > 0 {
		t.Skip("processes of uid 65534 exist; the limit would count them")
	}
	script := `for i in $(seq 40); do sleep 1 & done
wait
echo waited
/bin/echo a child runs`
	prefix := []string{"env", helperEnv + "=limit nproc 30 " + strconv.Itoa(nobody), self(t)}
	out, errOut, status := goshRun(t, "/", prefix, "-c", script)
	if out != "waited\na child runs\n" || status != 0 {
		t.Fatalf("stdout %q, status %d, stderr:\n%s", out, status, tail(errOut))
	}
	lines := strings.Split(strings.TrimSuffix(errOut, "\n"), "\n")
	for _, l := range lines {
		if l != "gosh: line 1: sleep: cannot fork: Resource temporarily unavailable" {
			t.Fatalf("unexpected message %q; stderr:\n%s", l, tail(errOut))
		}
	}
	if len(lines) < 10 {
		t.Fatalf("only %d forks failed; the limit did not bite: %q", len(lines), errOut)
	}
}

// TestFullDisk fills a small tmpfs: redirections that cannot create a
// file and builtins that cannot write say why, and the shell goes on.
func TestFullDisk(t *testing.T) {
	if os.Geteuid() != 0 {
		t.Skip("needs root to mount a tmpfs")
	}
	dir := t.TempDir()
	full := filepath.Join(dir, "full")
	if err := os.Mkdir(full, 0o755); err != nil {
		t.Fatal(err)
	}
	if out, err := exec.Command("mount", "-t", "tmpfs", "-o", "size=64k,nr_inodes=8", "tmpfs", full).CombinedOutput(); err != nil {
		t.Skipf("mount tmpfs: %v %s", err, out)
	}
	t.Cleanup(func() { exec.Command("umount", full).Run() })
	script := `a=$(head -c 200000 /dev/zero | tr '\0' a)
printf %s "$a" > f1; echo status $?
echo x > f2; echo status $?
i=0; while : > n$i; do i=$((i+1)); done; echo status $?
echo still here`
	out, errOut, status := goshRun(t, full, nil, "-c", script)
	wantErr := "gosh: line 2: printf: write error: No space left on device\n" +
		"gosh: line 3: echo: write error: No space left on device\n" +
		"gosh: line 4: n5: No space left on device\n"
	if out != "status 1\nstatus 1\nstatus 0\nstill here\n" || errOut != wantErr || status != 0 {
		t.Fatalf("stdout %q, stderr %q, status %d", out, errOut, status)
	}
}
