package main

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/creack/pty"
	"golang.org/x/sys/unix"
)

// ptyShell is an interactive gosh on its own pseudo-terminal: the test
// binary re-executed as "gosh" (see TestMain), session leader of the pty.
type ptyShell struct {
	t    *testing.T
	cmd  *exec.Cmd
	ptm  *os.File
	mu   sync.Mutex
	out  bytes.Buffer
	seen int // output consumed by expect so far
}

const ptyPrompt = "gosh-pty-ready> "

func startPtyShell(t *testing.T, dir string) *ptyShell {
	t.Helper()
	ptm, tty, err := pty.Open()
	if err != nil {
		t.Skipf("no pseudo-terminal: %v", err)
	}
	exe, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	cmd := &exec.Cmd{Path: exe, Args: []string{"gosh", "-i", "--norc"}, Dir: dir,
		Env:    []string{"PS1=" + ptyPrompt, "HOME=" + dir, "PATH=" + os.Getenv("PATH"), "TERM=dumb", "LC_ALL=C"},
		Stdin:  tty, Stdout: tty, Stderr: tty,
		SysProcAttr: &syscall.SysProcAttr{Setsid: true, Setctty: true, Ctty: 0}}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	tty.Close()
	s := &ptyShell{t: t, cmd: cmd, ptm: ptm}
	go func() {
		buf := make([]byte, 4096)
		for {
			n, err := ptm.Read(buf)
			s.mu.Lock()
			s.out.Write(buf[:n])
			s.mu.Unlock()
			if err != nil {
				return
			}
		}
	}()
	t.Cleanup(func() {
		cmd.Process.Kill()
		cmd.Wait() // an error only says it had exited already
		ptm.Close()
	})
	return s
}

// expect waits until want appears in the output after what earlier calls
// consumed, and consumes up to its end. It fails with the output so far.
func (s *ptyShell) expect(want string) {
	s.t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for {
		s.mu.Lock()
		all := s.out.String()
		s.mu.Unlock()
		if i := strings.Index(all[s.seen:], want); i >= 0 {
			s.seen += i + len(want)
			return
		}
		if time.Now().After(deadline) {
			s.t.Fatalf("no %q in the output of gosh; so far:\n%s", want, all)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

func (s *ptyShell) send(text string) {
	s.t.Helper()
	if _, err := s.ptm.Write([]byte(text)); err != nil {
		s.t.Fatal(err)
	}
}

// waitWchan waits until some thread of pid sleeps in the kernel function
// fn (per /proc/PID/task/TID/wchan), or, with want false, until none does.
func waitWchan(t *testing.T, pid int, fn string, want bool) {
	t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for {
		found := false
		tasks, _ := filepath.Glob("/proc/" + strconv.Itoa(pid) + "/task/*/wchan")
		for _, w := range tasks {
			if b, err := os.ReadFile(w); err == nil && string(b) == fn {
				found = true
			}
		}
		if found == want {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("gosh: a thread in %s is %v, want %v", fn, found, want)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// TestFIFOOpenInterrupt types a foreground redirection from and to a FIFO
// nobody opens at the other end, waits until gosh is blocked in the open
// (wchan wait_for_partner), presses Ctrl-C, and checks the prompt comes
// back with status 130, no thread stays in the open and no fd is left
// open in the shell.
func TestFIFOOpenInterrupt(t *testing.T) {
	dir := t.TempDir()
	if err := unix.Mkfifo(filepath.Join(dir, "p"), 0o600); err != nil {
		t.Fatal(err)
	}
	s := startPtyShell(t, dir)
	pid := s.cmd.Process.Pid
	s.expect(ptyPrompt)
	fds := func() string {
		ents, err := os.ReadDir("/proc/" + strconv.Itoa(pid) + "/fd")
		if err != nil {
			t.Fatal(err)
		}
		var names []string
		for _, e := range ents {
			target, _ := os.Readlink("/proc/" + strconv.Itoa(pid) + "/fd/" + e.Name())
			if target == "anon_inode:[eventpoll]" || target == "anon_inode:[eventfd]" {
				continue // the Go runtime's poller, made with its first timer
			}
			names = append(names, e.Name()+"->"+target)
		}
		return strings.Join(names, " ")
	}
	before := fds()
	for _, line := range []string{"cat < p", "echo never > p"} {
		s.send(line + "\n")
		waitWchan(t, pid, "wait_for_partner", true)
		s.send("\x03")
		s.expect(ptyPrompt)
		s.send("echo status=$?\n")
		s.expect("status=130")
		s.expect(ptyPrompt)
		waitWchan(t, pid, "wait_for_partner", false)
		if after := fds(); after != before {
			t.Errorf("after interrupting %q: gosh's fds %q, before %q", line, after, before)
		}
	}
	s.send("exit\n")
	done := make(chan error, 1)
	go func() { done <- s.cmd.Wait() }()
	select {
	case <-done:
	case <-time.After(20 * time.Second):
		s.mu.Lock()
		defer s.mu.Unlock()
		t.Fatalf("gosh did not exit; output:\n%s", s.out.String())
	}
}
