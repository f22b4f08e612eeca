package exec

import (
	"bytes"
	"io"
	"os"
	"strings"
	"syscall"
	"testing"
	"time"

	"golang.org/x/sys/unix"
)

// startOut starts argv with stdin from /dev/null, stdout into a pipe and
// the given extra files from fd 2 on, and returns its output and status.
func startOut(t *testing.T, argv []string, extra ...*os.File) (string, int) {
	t.Helper()
	null, err := Open(os.DevNull, unix.O_RDONLY, 0)
	if err != nil {
		t.Fatal(err)
	}
	defer null.Close()
	r, w, err := Pipe()
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	files := append([]*os.File{null, w}, extra...)
	p, err := Start(&Cmd{Path: argv[0], Args: argv, Files: files, Pgid: -1})
	w.Close() // the parent closes its copy of the child's end at once
	if err != nil {
		t.Fatal(err)
	}
	outc := make(chan string, 1)
	go func() {
		b, _ := io.ReadAll(r)
		outc <- string(b)
	}()
	select {
	case <-p.Done():
	case <-time.After(30 * time.Second):
		t.Fatalf("%q did not finish", argv)
	}
	return <-outc, ExitCode(p.Status())
}

// TestMain marks the fds this test binary inherited from whoever ran go
// test close-on-exec, so the children started here have only the fds the
// tests give them.
func TestMain(m *testing.M) {
	if ents, err := os.ReadDir("/proc/self/fd"); err == nil {
		for _, e := range ents {
			var fd int
			for _, c := range e.Name() {
				fd = fd*10 + int(c-'0')
			}
			if fd > 2 {
				syscall.CloseOnExec(fd)
			}
		}
	}
	os.Exit(m.Run())
}

func TestPipeCloexec(t *testing.T) {
	t.Parallel()
	r, w, err := Pipe()
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	defer w.Close()
	for _, f := range []*os.File{r, w} {
		flags, err := unix.FcntlInt(f.Fd(), unix.F_GETFD, 0)
		if err != nil {
			t.Fatal(err)
		}
		if flags&unix.FD_CLOEXEC == 0 {
			t.Errorf("%s: not close-on-exec", f.Name())
		}
		fl, err := unix.FcntlInt(f.Fd(), unix.F_GETFL, 0)
		if err != nil {
			t.Fatal(err)
		}
		if fl&unix.O_NONBLOCK != 0 {
			t.Errorf("%s: non-blocking; children would share the flag", f.Name())
		}
	}
}

// TestStartFds: a child has exactly the fds of Cmd.Files, at their
// indexes; a nil entry is a closed fd.
func TestStartFds(t *testing.T) {
	t.Parallel()
	sh, err := lookSh()
	if err != nil {
		t.Skip(err)
	}
	f3, err := os.CreateTemp(t.TempDir(), "f3")
	if err != nil {
		t.Fatal(err)
	}
	defer f3.Close()
	// ls, a child of sh, lists the fds sh was started with (the
	// trailing : keeps sh from exec'ing ls in its place).
	list := []string{sh, "-c", `ls /proc/$$/fd; :`}
	for _, tc := range []struct {
		name  string
		extra []*os.File
		want  string
	}{
		{"stdio", []*os.File{os.Stderr}, "0 1 2 "},
		{"extra fd 3", []*os.File{os.Stderr, f3}, "0 1 2 3 "},
		{"hole at 2", []*os.File{nil, f3}, "0 1 3 "},
	} {
		out, status := startOut(t, list, tc.extra...)
		out = strings.ReplaceAll(out, "\n", " ")
		if out != tc.want || status != 0 {
			t.Errorf("%s: fds %q status %d, want %q 0", tc.name, out, status, tc.want)
		}
	}
}

// TestExitCode: exit codes pass through, a signal is 128+n.
func TestExitCode(t *testing.T) {
	t.Parallel()
	sh, err := lookSh()
	if err != nil {
		t.Skip(err)
	}
	for _, tc := range []struct {
		script string
		want   int
	}{
		{"exit 0", 0},
		{"exit 3", 3},
		{"exit 255", 255},
		{"kill -TERM $$", 128 + int(syscall.SIGTERM)},
		{"kill -KILL $$", 128 + int(syscall.SIGKILL)},
	} {
		_, status := startOut(t, []string{sh, "-c", tc.script}, os.Stderr)
		if status != tc.want {
			t.Errorf("%q: status %d, want %d", tc.script, status, tc.want)
		}
	}
}

// TestStartMissing: a missing program is ENOENT, nothing is left to reap.
func TestStartMissing(t *testing.T) {
	t.Parallel()
	_, err := Start(&Cmd{Path: "/nonexistent/prog", Args: []string{"prog"}, Pgid: -1})
	if err == nil || !strings.Contains(err.Error(), "no such file") {
		t.Fatalf("err = %v, want ENOENT", err)
	}
}

// TestPipelineExact: data through cat | cat arrives byte for byte and
// every child is reaped (its /proc entry is gone: no zombie).
func TestPipelineExact(t *testing.T) {
	t.Parallel()
	cat, err := lookPathTest("cat")
	if err != nil {
		t.Skip(err)
	}
	in, toFirst, err := Pipe()
	if err != nil {
		t.Fatal(err)
	}
	mid, midW, err := Pipe()
	if err != nil {
		t.Fatal(err)
	}
	out, outW, err := Pipe()
	if err != nil {
		t.Fatal(err)
	}
	p1, err := Start(&Cmd{Path: cat, Args: []string{"cat"}, Files: []*os.File{in, midW, os.Stderr}, Pgid: -1})
	if err != nil {
		t.Fatal(err)
	}
	in.Close()
	midW.Close()
	p2, err := Start(&Cmd{Path: cat, Args: []string{"cat"}, Files: []*os.File{mid, outW, os.Stderr}, Pgid: -1})
	if err != nil {
		t.Fatal(err)
	}
	mid.Close()
	outW.Close()
	data := bytes.Repeat([]byte("0123456789abcdef\n"), 1<<16) // 1.1 MB, many pipe buffers
	go func() {
		toFirst.Write(data)
		toFirst.Close()
	}()
	got, err := io.ReadAll(out)
	out.Close()
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, data) {
		t.Fatalf("got %d bytes, want %d identical ones", len(got), len(data))
	}
	for _, p := range []*Process{p1, p2} {
		select {
		case <-p.Done():
		case <-time.After(30 * time.Second):
			t.Fatalf("cat %d not reaped", p.Pid)
		}
		if ExitCode(p.Status()) != 0 {
			t.Errorf("cat %d: status %v", p.Pid, p.Status())
		}
		if _, err := os.Stat("/proc/" + itoa(p.Pid)); err == nil {
			if b, _ := os.ReadFile("/proc/" + itoa(p.Pid) + "/stat"); bytes.Contains(b, []byte(") Z ")) {
				t.Errorf("cat %d is a zombie after Done", p.Pid)
			}
		}
	}
}

func lookSh() (string, error) { return lookPathTest("sh") }

func lookPathTest(name string) (string, error) {
	for _, dir := range strings.Split(os.Getenv("PATH"), ":") {
		p := dir + "/" + name
		if st, err := os.Stat(p); err == nil && st.Mode()&0o111 != 0 {
			return p, nil
		}
	}
	return "", os.ErrNotExist
}

func itoa(n int) string {
	var b [20]byte
	i := len(b)
	for {
		i--
		b[i] = byte('0' + n%10)
		n /= 10
		if n == 0 {
			return string(b[i:])
		}
	}
}
