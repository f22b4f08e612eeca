package main

import (
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"golang.org/x/sys/unix"
)

// waitWchan waits until some thread of pid sleeps in the kernel function
// fn (per /proc/PID/task/TID/wchan), or, with want false, until none does.
func waitWchan(t *testing.T, pid int, fn string, want bool) {
	t.Helper()
	deadline := time.Now().Add(waitTime)
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

// openFds lists the fds of process pid with their targets, leaving out
// the Go runtime's poller (made once, with the first timer).
func openFds(t *testing.T, pid int) string {
	t.Helper()
	dir := "/proc/" + strconv.Itoa(pid) + "/fd/"
	ents, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, e := range ents {
		target, _ := os.Readlink(dir + e.Name())
		if target == "anon_inode:[eventpoll]" || target == "anon_inode:[eventfd]" {
			continue
		}
		names = append(names, e.Name()+"->"+target)
	}
	return strings.Join(names, " ")
}

// TestFIFOOpenInterrupt types a foreground redirection from and to a FIFO
// nobody opens at the other end, waits until gosh is blocked in the open
// (wchan wait_for_partner), presses Ctrl-C, and checks the prompt comes
// back with status 130, no thread stays in the open and no fd is left
// open in the shell.
func TestFIFOOpenInterrupt(t *testing.T) {
	t.Parallel()
	s := newShell(t)
	if err := unix.Mkfifo(filepath.Join(s.dir, "p"), 0o600); err != nil {
		t.Fatal(err)
	}
	pid := s.cmd.Process.Pid
	before := openFds(t, pid)
	for _, line := range []string{"cat < p", "echo never > p"} {
		s.send(line + "\r")
		s.expect("\r\n") // the editor's redraws end with the line
		waitWchan(t, pid, "wait_for_partner", true)
		s.send("\x03")
		s.prompt()
		if out := s.run("echo status=$?"); !strings.Contains(out, "status=130\r\n") {
			t.Fatalf("after Ctrl-C in %q: %q", line, out)
		}
		waitWchan(t, pid, "wait_for_partner", false)
		if after := openFds(t, pid); after != before {
			t.Errorf("after interrupting %q: gosh's fds %q, before %q", line, after, before)
		}
	}
	s.send("exit\r")
	s.wait()
}
