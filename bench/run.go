package main

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/creack/pty"
)

// Sample is the measurement of one run of one program.
type Sample struct {
	// Wall is the time from just before fork to the return of wait4.
	Wall time.Duration `json:"wall_ns"`
	// CPU is user+sys time of the program and of every descendant it
	// waited for (wait4's rusage; see the package comment).
	CPU time.Duration `json:"cpu_ns"`
	// MaxRSS is ru_maxrss from wait4 in bytes: the largest peak resident
	// set of the program, of the descendants it waited for and of the
	// runner when it forked (see peakRSS). For an Idle row it is VmRSS at
	// the prompt.
	MaxRSS int64 `json:"maxrss_bytes"`
	// HWM is VmHWM, the peak resident set, of an idle shell (Idle rows only).
	HWM int64 `json:"hwm_bytes,omitempty"`
	// Stdout is what the program wrote to stdout (at most maxCapture bytes).
	Stdout string `json:"-"`
	// Err is empty for a successful run; otherwise it says why the run
	// failed: a non-zero exit status or a signal, a timeout, or a start
	// failure, followed by the first line of the program's stderr.
	Err string `json:"err,omitempty"`
}

// maxCapture bounds the bytes of stdout and stderr kept per run; the rest
// is read and dropped so that the program never blocks on a full pipe.
const maxCapture = 1 << 20

// capture reads r to EOF in the background, keeping the first maxCapture
// bytes; wait returns them.
func capture(r io.ReadCloser) (wait func() []byte) {
	var buf bytes.Buffer
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		io.Copy(&buf, io.LimitReader(r, maxCapture))
		io.Copy(io.Discard, r)
		r.Close()
	}()
	return func() []byte { wg.Wait(); return buf.Bytes() }
}

// firstLine returns the first non-empty line of b, trimmed, or "".
func firstLine(b []byte) string {
	sc := bufio.NewScanner(bytes.NewReader(b))
	sc.Buffer(nil, maxCapture)
	for sc.Scan() {
		if l := strings.TrimSpace(sc.Text()); l != "" {
			return l
		}
	}
	return ""
}

// runOnce runs argv (argv[0] is used as the path) with stdin from
// /dev/null, in env and its own process group, and measures it. The whole
// process group is killed when timeout expires and after the program exits
// (so a stray background process cannot keep the stdout pipe open). runOnce
// never panics on a failing program: failures are reported in Sample.Err.
func runOnce(argv, env []string, timeout time.Duration) Sample {
	devnull, err := os.Open(os.DevNull)
	if err != nil {
		return Sample{Err: err.Error()}
	}
	defer devnull.Close()
	outR, outW, err := os.Pipe()
	if err != nil {
		return Sample{Err: err.Error()}
	}
	errR, errW, err := os.Pipe()
	if err != nil {
		outR.Close()
		outW.Close()
		return Sample{Err: err.Error()}
	}
	attr := &syscall.ProcAttr{
		Env:   env,
		Files: []uintptr{devnull.Fd(), outW.Fd(), errW.Fd()},
		Sys:   &syscall.SysProcAttr{Setpgid: true},
	}
	start := time.Now()
	pid, err := syscall.ForkExec(argv[0], argv, attr)
	outW.Close()
	errW.Close()
	waitOut, waitErr := capture(outR), capture(errR)
	if err != nil {
		waitOut()
		waitErr()
		return Sample{Err: "start: " + err.Error()}
	}
	var timedOut bool
	var mu sync.Mutex
	timer := time.AfterFunc(timeout, func() {
		mu.Lock()
		timedOut = true
		mu.Unlock()
		syscall.Kill(-pid, syscall.SIGKILL)
	})
	var ws syscall.WaitStatus
	var ru syscall.Rusage
	for {
		_, err = syscall.Wait4(pid, &ws, 0, &ru)
		if err != syscall.EINTR {
			break
		}
	}
	wall := time.Since(start)
	timer.Stop()
	syscall.Kill(-pid, syscall.SIGKILL)
	stdout, stderr := waitOut(), waitErr()
	s := Sample{
		Wall:   wall,
		CPU:    time.Duration(ru.Utime.Nano() + ru.Stime.Nano()),
		MaxRSS: ru.Maxrss * 1024,
		Stdout: string(stdout),
	}
	mu.Lock()
	defer mu.Unlock()
	switch {
	case err != nil:
		s.Err = "wait4: " + err.Error()
	case timedOut:
		s.Err = fmt.Sprintf("timed out after %v", timeout)
	case ws.Signaled():
		s.Err = "killed by " + ws.Signal().String()
	case ws.ExitStatus() != 0:
		s.Err = fmt.Sprintf("exit status %d", ws.ExitStatus())
	}
	if s.Err != "" {
		if l := firstLine(stderr); l != "" {
			s.Err += ": " + l
		}
	}
	return s
}

// idleRSS starts path with no arguments on a new pseudo-terminal (so that
// the shell is interactive the way it is for a user), waits until it has
// written its first output (the prompt; at most promptWait) and then settle
// more, and returns VmRSS and VmHWM from /proc/PID/status in bytes. It then
// hangs up the terminal and reaps the shell, killing it if it lingers. HOME
// in env should name an empty directory so no rc file is read.
func idleRSS(path string, env []string, settle time.Duration) (rss, hwm int64, err error) {
	const promptWait = 2 * time.Second
	ptmx, tty, err := pty.Open()
	if err != nil {
		return 0, 0, fmt.Errorf("pty: %w", err)
	}
	defer ptmx.Close()
	attr := &syscall.ProcAttr{
		Env:   env,
		Files: []uintptr{tty.Fd(), tty.Fd(), tty.Fd()},
		Sys:   &syscall.SysProcAttr{Setsid: true, Setctty: true, Ctty: 0},
	}
	pid, err := syscall.ForkExec(path, []string{path}, attr)
	tty.Close()
	if err != nil {
		return 0, 0, fmt.Errorf("start: %w", err)
	}
	var out bytes.Buffer
	var mu sync.Mutex
	first := make(chan struct{})
	go func() {
		buf := make([]byte, 4096)
		once := sync.Once{}
		for {
			n, rerr := ptmx.Read(buf)
			if n > 0 {
				mu.Lock()
				if out.Len() < maxCapture {
					out.Write(buf[:n])
				}
				mu.Unlock()
				once.Do(func() { close(first) })
			}
			if rerr != nil {
				return
			}
		}
	}()
	select {
	case <-first:
	case <-time.After(promptWait):
	}
	time.Sleep(settle)

	var ws syscall.WaitStatus
	if wpid, _ := syscall.Wait4(pid, &ws, syscall.WNOHANG, nil); wpid == pid {
		mu.Lock()
		l := firstLine(out.Bytes())
		mu.Unlock()
		return 0, 0, fmt.Errorf("exited before idle (status %d): %s", ws.ExitStatus(), l)
	}
	rss, hwm, err = procMem(pid)

	// Hang up, then reap; kill the session if the shell ignores SIGHUP.
	ptmx.Close()
	syscall.Kill(-pid, syscall.SIGHUP)
	deadline := time.Now().Add(2 * time.Second)
	for {
		wpid, werr := syscall.Wait4(pid, &ws, syscall.WNOHANG, nil)
		if wpid == pid || (werr != nil && werr != syscall.EINTR) {
			break
		}
		if time.Now().After(deadline) {
			syscall.Kill(-pid, syscall.SIGKILL)
			syscall.Wait4(pid, &ws, 0, nil)
			break
		}
		time.Sleep(10 * time.Millisecond)
	}
	return rss, hwm, err
}

// procMem returns VmRSS and VmHWM of pid in bytes.
func procMem(pid int) (rss, hwm int64, err error) {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return 0, 0, err
	}
	for _, line := range strings.Split(string(b), "\n") {
		k, v, ok := strings.Cut(line, ":")
		if !ok || (k != "VmRSS" && k != "VmHWM") {
			continue
		}
		f := strings.Fields(v) // "1234 kB"
		if len(f) != 2 || f[1] != "kB" {
			continue
		}
		n, perr := strconv.ParseInt(f[0], 10, 64)
		if perr != nil {
			continue
		}
		if k == "VmRSS" {
			rss = n * 1024
		} else {
			hwm = n * 1024
		}
	}
	if rss == 0 {
		return 0, 0, errors.New("no VmRSS in /proc status")
	}
	return rss, hwm, nil
}

// peakRSS runs argv like runOnce but under ptrace, stopping the program when
// it exits (PTRACE_O_TRACEEXIT) to read VmHWM from /proc/PID/status: the
// peak resident set of the program's own memory since its exec, unlike
// wait4's ru_maxrss, which is at least the runner's own peak (the kernel
// carries the forking process's high-water mark across exec) and includes
// children. Only the program is traced, not its children; signals it gets
// are passed on. The run is not timed: tracing stops add latency. It
// returns 0 and an error if the exit stop was not seen.
func peakRSS(argv, env []string, timeout time.Duration) (int64, error) {
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	devnull, err := os.Open(os.DevNull)
	if err != nil {
		return 0, err
	}
	defer devnull.Close()
	attr := &syscall.ProcAttr{
		Env:   env,
		Files: []uintptr{devnull.Fd(), devnull.Fd(), devnull.Fd()},
		Sys:   &syscall.SysProcAttr{Setpgid: true, Ptrace: true},
	}
	pid, err := syscall.ForkExec(argv[0], argv, attr)
	if err != nil {
		return 0, err
	}
	timer := time.AfterFunc(timeout, func() { syscall.Kill(-pid, syscall.SIGKILL) })
	defer timer.Stop()
	defer syscall.Kill(-pid, syscall.SIGKILL)
	var hwm int64
	hwmErr := errors.New("exit not seen")
	first := true
	for {
		var ws syscall.WaitStatus
		_, err := syscall.Wait4(pid, &ws, 0, nil)
		if err == syscall.EINTR {
			continue
		}
		if err != nil {
			return 0, err
		}
		if ws.Exited() || ws.Signaled() {
			return hwm, hwmErr
		}
		if !ws.Stopped() {
			continue
		}
		sig := ws.StopSignal()
		switch {
		case first && sig == syscall.SIGTRAP:
			// The stop after exec: ask for the exit stop; kill the
			// tracee if the runner dies.
			first = false
			if err := syscall.PtraceSetOptions(pid, syscall.PTRACE_O_TRACEEXIT|0x100000 /* PTRACE_O_EXITKILL */); err != nil {
				return 0, err
			}
			sig = 0
		case sig == syscall.SIGTRAP && ws.TrapCause() == syscall.PTRACE_EVENT_EXIT:
			_, hwm, hwmErr = procMem(pid)
			sig = 0
		}
		if err := syscall.PtraceCont(pid, int(sig)); err != nil && err != syscall.ESRCH {
			return 0, err
		}
	}
}
