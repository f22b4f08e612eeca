package main

import (
	"fmt"
	"os"
	"os/exec"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/creack/pty"
	"golang.org/x/sys/unix"
)

// The job-control tests drive an interactive gosh through a
// pseudo-terminal of their own, as a user would: type a line, wait for
// the output, press Ctrl-C or Ctrl-Z. Every wait has a deadline and a
// failure prints everything the terminal showed so far.

// ptyDeadline bounds each wait; it guards against hangs and is not a
// timing assertion.
//
// The tests do not run in parallel: each drives real programs (bash,
// less) whose own reactions to signals race with a loaded machine.
const ptyDeadline = 20 * time.Second

// term is one pseudo-terminal with a session running on it.
type term struct {
	t    *testing.T
	ptmx *os.File // master side: what the user types and sees
	tty  *os.File // slave side, kept open so the terminal outlives children
	cmd  *exec.Cmd

	mu     sync.Mutex
	out    []byte // everything read from the terminal
	seen   int    // how much of out earlier expectations consumed
	closed bool
	more   chan struct{} // wakes waiters after each read
}

// startTerm runs argv as the session leader of a new pseudo-terminal with
// env added to the test's environment.
func startTerm(t *testing.T, argv []string, env ...string) *term {
	t.Helper()
	ptmx, tty, err := pty.Open()
	if err != nil {
		t.Skipf("no pseudo-terminal: %v", err)
	}
	if err := pty.Setsize(ptmx, &pty.Winsize{Rows: 24, Cols: 200}); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(argv[0], argv[1:]...)
	cmd.Stdin, cmd.Stdout, cmd.Stderr = tty, tty, tty
	cmd.Env = append(os.Environ(), "TERM=xterm", "HOME="+t.TempDir(), "LC_ALL=C")
	cmd.Env = append(cmd.Env, env...)
	cmd.Dir = t.TempDir()
	cmd.SysProcAttr = &syscall.SysProcAttr{Setsid: true, Setctty: true, Ctty: 0}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	tm := &term{t: t, ptmx: ptmx, tty: tty, cmd: cmd, more: make(chan struct{}, 1)}
	go tm.read()
	t.Cleanup(func() {
		syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL)
		cmd.Process.Kill()
		cmd.Wait()
		ptmx.Close()
		tty.Close()
	})
	return tm
}

func (tm *term) read() {
	buf := make([]byte, 4096)
	for {
		n, err := tm.ptmx.Read(buf)
		tm.mu.Lock()
		tm.out = append(tm.out, buf[:n]...)
		if err != nil {
			tm.closed = true
		}
		tm.mu.Unlock()
		select {
		case tm.more <- struct{}{}:
		default:
		}
		if err != nil {
			return
		}
	}
}

// expect waits for re to match the output after what earlier calls
// consumed, consumes up to the end of the match and returns the match.
func (tm *term) expect(re string) []string {
	tm.t.Helper()
	rx := regexp.MustCompile(re)
	deadline := time.After(ptyDeadline)
	for {
		tm.mu.Lock()
		rest := tm.out[tm.seen:]
		if loc := rx.FindSubmatchIndex(rest); loc != nil {
			var m []string
			for i := 0; i < len(loc); i += 2 {
				if loc[i] >= 0 {
					m = append(m, string(rest[loc[i]:loc[i+1]]))
				} else {
					m = append(m, "")
				}
			}
			tm.seen += loc[1]
			tm.mu.Unlock()
			return m
		}
		closed := tm.closed
		tm.mu.Unlock()
		if closed {
			tm.fatalf("terminal closed while waiting for %q", re)
		}
		select {
		case <-tm.more:
		case <-deadline:
			tm.fatalf("no %q within %v", re, ptyDeadline)
		}
	}
}

func (tm *term) fatalf(format string, a ...any) {
	tm.t.Helper()
	// The session's processes: their states and where they wait.
	procs, _ := exec.Command("sh", "-c", "for p in $(pgrep -s "+strconv.Itoa(tm.cmd.Process.Pid)+
		"); do echo == $p; tr '\\0' ' ' < /proc/$p/cmdline; echo; grep -E 'State|SigBlk|SigIgn|SigCgt' /proc/$p/status;"+
		" for t in /proc/$p/task/*; do echo \"task $(cut -d' ' -f3 $t/stat) $(cat $t/wchan)\"; done; done").CombinedOutput()
	tm.t.Logf("processes of the session:\n%s", procs)
	tm.mu.Lock()
	out := string(tm.out)
	tm.mu.Unlock()
	tm.t.Fatalf(format+"\nterminal output so far:\n%s", append(a, out)...)
}

// typeLine types line and Enter, and consumes the terminal's echo of it
// (a line editor redraws the prompt and the line after every key).
func (tm *term) typeLine(line string) {
	tm.t.Helper()
	tm.send(line + "\n")
	tm.expect(regexp.QuoteMeta(line) + `\r\n`)
}

// send types s.
func (tm *term) send(s string) {
	tm.t.Helper()
	if _, err := tm.ptmx.Write([]byte(s)); err != nil {
		tm.fatalf("write: %v", err)
	}
}

// foreground returns the terminal's foreground process group.
func (tm *term) foreground() int {
	pgid, err := unix.IoctlGetInt(int(tm.ptmx.Fd()), unix.TIOCGPGRP)
	if err != nil {
		tm.fatalf("tcgetpgrp: %v", err)
	}
	return pgid
}

// waitForeground waits until the terminal's foreground group is led by
// a process running prog (its /proc comm), and returns the group.
func (tm *term) waitForeground(prog string) int {
	tm.t.Helper()
	deadline := time.Now().Add(ptyDeadline)
	for time.Now().Before(deadline) {
		pgid := tm.foreground()
		if comm(pgid) == prog {
			return pgid
		}
		time.Sleep(10 * time.Millisecond)
	}
	tm.fatalf("%s never became the foreground job (foreground group %d runs %q)", prog, tm.foreground(), comm(tm.foreground()))
	return 0
}

// waitReading waits until pid is blocked reading the terminal, so that
// it acts on a key at once.
func (tm *term) waitReading(pid int) {
	tm.t.Helper()
	deadline := time.Now().Add(ptyDeadline)
	for time.Now().Before(deadline) {
		b, _ := os.ReadFile(fmt.Sprintf("/proc/%d/wchan", pid))
		if w := string(b); strings.Contains(w, "wait_woken") || strings.Contains(w, "n_tty_read") {
			return
		}
		time.Sleep(10 * time.Millisecond)
	}
	tm.fatalf("process %d never waited for the keyboard", pid)
}

// waitGroupSize waits until process group pgid has n live processes
// running their programs.
func (tm *term) waitGroupSize(pgid, n int) {
	tm.t.Helper()
	deadline := time.Now().Add(ptyDeadline)
	count := 0
	for time.Now().Before(deadline) {
		count = 0
		ents, _ := os.ReadDir("/proc")
		for _, e := range ents {
			pid, err := strconv.Atoi(e.Name())
			if err != nil {
				continue
			}
			// Count members that have exec'd (a forked gosh has not).
			if g, _ := unix.Getpgid(pid); g == pgid && !strings.Contains("ZX", procState(pid)) && comm(pid) != "gosh" {
				count++
			}
		}
		if count >= n {
			return
		}
		time.Sleep(10 * time.Millisecond)
	}
	tm.fatalf("process group %d has %d processes, want %d", pgid, count, n)
}

// waitState waits until process pid's state (from /proc/PID/stat) is one
// of states, e.g. "T" for stopped.
func (tm *term) waitState(pid int, states string) {
	tm.t.Helper()
	deadline := time.Now().Add(ptyDeadline)
	for time.Now().Before(deadline) {
		if strings.Contains(states, procState(pid)) {
			return
		}
		time.Sleep(10 * time.Millisecond)
	}
	tm.fatalf("process %d never reached state %q (now %q)", pid, states, procState(pid))
}

func comm(pid int) string {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/comm", pid))
	if err != nil {
		return ""
	}
	return strings.TrimSpace(string(b))
}

// procState returns the one-letter state of pid: "X" when it is gone (a
// zombie, "Z", still exists).
func procState(pid int) string {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return "X"
	}
	s := string(b)
	i := strings.LastIndexByte(s, ')')
	if i < 0 || i+2 >= len(s) {
		return "X"
	}
	return s[i+2 : i+3]
}

// The prompt marker: PS1 in the environment, expanded by gosh. It
// contains \$ so it cannot match the echo of a typed line.
const promptEnv = `PS1=<gosh-ready> `

var promptRe = regexp.QuoteMeta("<gosh-ready> ")

// startGosh starts an interactive gosh on a new terminal and waits for
// its first prompt.
func startGosh(t *testing.T) *term {
	t.Helper()
	gosh, err := exec.LookPath("gosh")
	if err != nil {
		t.Fatal(err)
	}
	tm := startTerm(t, []string{gosh, "-i", "--norc"}, promptEnv)
	tm.expect(promptRe)
	return tm
}

// run types line and waits for the next prompt; it returns the output
// in between (the echoed line included).
func (tm *term) run(line string) string {
	tm.t.Helper()
	tm.typeLine(line)
	return tm.expect(`(?s)(.*?)` + promptRe)[1]
}

// runUntil runs line again and again until its output matches re: the
// shell learns of a child's change through SIGCHLD, a moment after
// /proc shows it.
func (tm *term) runUntil(line, re string) string {
	tm.t.Helper()
	rx := regexp.MustCompile(re)
	deadline := time.Now().Add(ptyDeadline)
	all := ""
	for time.Now().Before(deadline) {
		out := tm.run(line)
		all += out
		if rx.MatchString(out) {
			return out
		}
		time.Sleep(20 * time.Millisecond)
	}
	tm.fatalf("%q never printed %q", line, re)
	return ""
}

// status asks the shell for $? and returns it.
func (tm *term) status() int {
	tm.t.Helper()
	m := tm.expectAfter(`echo "st=$?"`, `st=(\d+)\r?\n`)
	tm.expect(promptRe)
	n, _ := strconv.Atoi(m[1])
	return n
}

// expectAfter types line and waits for re.
func (tm *term) expectAfter(line, re string) []string {
	tm.t.Helper()
	tm.typeLine(line)
	return tm.expect(re)
}

// interruptSleep runs sleep in the foreground, kills it with Ctrl-C and
// checks $? is 130.
func (tm *term) interruptSleep(context string) {
	tm.t.Helper()
	tm.typeLine("sleep 100")
	tm.waitForeground("sleep")
	tm.send("\x03")
	tm.expect(promptRe)
	if got := tm.status(); got != 130 {
		tm.fatalf("sleep killed by Ctrl-C%s: $? = %d, want 130", context, got)
	}
}

func TestJobCtrlCForeground(t *testing.T) {
	tm := startGosh(t)
	shell := tm.cmd.Process.Pid

	tm.interruptSleep("")
	if fg := tm.foreground(); fg != shell {
		tm.fatalf("terminal's foreground group is %d, want the shell's %d", fg, shell)
	}

	tm.typeLine("sleep 100 | sleep 100 | sleep 100")
	pgid := tm.waitForeground("sleep")
	// Ctrl-C must hit the whole pipeline, so all its stages must exist.
	tm.waitGroupSize(pgid, 3)
	tm.send("\x03")
	tm.expect(promptRe)
	if got := tm.status(); got != 130 {
		tm.fatalf("pipeline killed by Ctrl-C: $? = %d, want 130", got)
	}
	if err := syscall.Kill(-pgid, 0); err == nil {
		tm.fatalf("pipeline's group %d still has processes", pgid)
	}
	out := tm.run("echo alive")
	if !strings.Contains(out, "alive\r\n") {
		tm.fatalf("shell did not run a command after Ctrl-C")
	}
}

func TestJobCtrlCBuiltinLoop(t *testing.T) {
	tm := startGosh(t)
	tm.typeLine("echo loop-started; while :; do :; done; echo not-reached")
	tm.expect("loop-started\r\n")
	tm.send("\x03")
	out := tm.expect(`(?s)(.*?)` + promptRe)[1]
	if strings.Contains(out, "not-reached") {
		tm.fatalf("Ctrl-C did not stop the command line")
	}
	if got := tm.status(); got != 130 {
		tm.fatalf("loop stopped by Ctrl-C: $? = %d, want 130", got)
	}
}

// TestJobCtrlZ stops a job, lists it, continues it in the background,
// brings it back and kills it, for a single program and a pipeline.
func TestJobCtrlZ(t *testing.T) {
	for _, c := range []struct {
		line, lead, text string
		procs            int
	}{
		{"sleep 100", "sleep", "sleep 100", 1},
		{"yes | cat > /dev/null", "yes", `yes \| cat > ?/dev/null`, 2},
	} {
		tm := startGosh(t)
		tm.typeLine(c.line)
		pgid := tm.waitForeground(c.lead)
		tm.waitGroupSize(pgid, c.procs)
		tm.send("\x1a")
		tm.expect(`\[1\]\+  Stopped +` + c.text + `\r\n`)
		tm.expect(promptRe)
		tm.waitState(pgid, "T")
		if got := tm.status(); got != 148 {
			tm.fatalf("%s: $? after Ctrl-Z = %d, want 148", c.line, got)
		}
		if out := tm.run("jobs"); !regexp.MustCompile(`\[1\]\+  Stopped +` + c.text).MatchString(out) {
			tm.fatalf("%s: jobs does not show the stopped job", c.line)
		}
		tm.run("bg")
		tm.waitState(pgid, "RS")
		if out := tm.run("jobs"); !regexp.MustCompile(`\[1\]\+  Running +` + c.text + ` &`).MatchString(out) {
			tm.fatalf("%s: jobs does not show the job running after bg", c.line)
		}
		tm.typeLine("fg")
		tm.expect(c.text + `\r\n`)
		tm.waitForeground(c.lead)
		tm.send("\x03")
		tm.expect(promptRe)
		if got := tm.status(); got != 130 {
			tm.fatalf("%s: $? after fg and Ctrl-C = %d, want 130", c.line, got)
		}
		if out := tm.run("jobs"); strings.Contains(out, "[1]") {
			tm.fatalf("%s: jobs is not empty at the end", c.line)
		}
	}
}

func TestJobBackgroundNotices(t *testing.T) {
	tm := startGosh(t)
	m := tm.expectAfter("sleep 100 &", `\[1\] (\d+)\r\n`)
	sleep, _ := strconv.Atoi(m[1])
	tm.expect(promptRe)
	m = tm.expectAfter("sh -c 'exit 3' &", `\[2\] (\d+)\r\n`)
	exit3, _ := strconv.Atoi(m[1])
	// The notice comes at the first prompt after the shell learned the
	// job ended, which may be the one right after it started.
	exit3Re := `\[2\]\+  Exit 3 +sh -c 'exit 3'\r\n`
	if out := tm.expect(`(?s)(.*?)` + promptRe)[1]; !regexp.MustCompile(exit3Re).MatchString(out) {
		tm.waitState(exit3, "X")
		tm.runUntil(":", exit3Re)
	}
	termRe := `\[1\]\+  Terminated +sleep 100\r\n`
	if out := tm.run("kill %1"); !regexp.MustCompile(termRe).MatchString(out) {
		tm.waitState(sleep, "X")
		tm.runUntil(":", termRe)
	}
	m = tm.expectAfter("sleep 0.01 &", `\[1\] (\d+)\r\n`)
	short, _ := strconv.Atoi(m[1])
	doneRe := `\[1\]\+  Done +sleep 0.01\r\n`
	if out := tm.expect(`(?s)(.*?)` + promptRe)[1]; !regexp.MustCompile(doneRe).MatchString(out) {
		tm.waitState(short, "X")
		tm.runUntil(":", doneRe)
	}
	if out := tm.run("jobs"); regexp.MustCompile(`\[\d+\]`).MatchString(out) {
		tm.fatalf("jobs lists finished jobs after their notices")
	}
}

// TestJobHangup sends SIGHUP to the shell: its jobs, running and stopped,
// must be hung up, leaving nothing behind.
func TestJobHangup(t *testing.T) {
	tm := startGosh(t)
	m := tm.expectAfter("sleep 100 &", `\[1\] (\d+)\r\n`)
	running, _ := strconv.Atoi(m[1])
	tm.expect(promptRe)
	tm.typeLine("sleep 200")
	stopped := tm.waitForeground("sleep")
	tm.send("\x1a")
	tm.expect(promptRe)
	tm.waitState(stopped, "T")
	syscall.Kill(tm.cmd.Process.Pid, syscall.SIGHUP)
	err := tm.cmd.Wait()
	ws, _ := tm.cmd.ProcessState.Sys().(syscall.WaitStatus)
	if !ws.Signaled() || ws.Signal() != syscall.SIGHUP {
		tm.fatalf("shell did not die by SIGHUP: %v", err)
	}
	// The jobs are not our children: they are gone once /proc has no
	// live entry for them (a zombie waits for init to reap it).
	tm.waitState(running, "ZX")
	tm.waitState(stopped, "ZX")
}

// TestJobLess suspends a full-screen program that puts the terminal in
// raw mode, resumes it, quits it, and checks the shell's terminal
// settings are what they were.
func TestJobLess(t *testing.T) {
	if _, err := exec.LookPath("less"); err != nil {
		t.Skip("less is not installed (Debian package less; .ci/run installs it)")
	}
	tm := startGosh(t)
	before := tm.run("stty -a")
	tm.run("i=0; while [ $i -lt 300 ]; do echo line-$i; i=$((i+1)); done > f.txt")
	tm.typeLine("less f.txt")
	pgid := tm.waitForeground("less")
	// The first screen ends with less's prompt, the file name: less
	// reads the keyboard from then on.
	tm.expect(`(?s)line-22.*f\.txt`)
	tm.waitReading(pgid)
	tm.send("\x1a")
	tm.expect(`\[1\]\+  Stopped +less f.txt\r\n`)
	tm.expect(promptRe)
	tm.waitState(pgid, "T")
	if during := tm.run("stty -a"); stripEcho(during) != stripEcho(before) {
		tm.fatalf("terminal not restored while less is stopped:\nbefore:\n%s\nnow:\n%s", before, during)
	}
	tm.typeLine("fg")
	tm.waitForeground("less")
	// less redraws its screen when continued; ask for the next page to
	// see it reads the keyboard again.
	tm.expect(`line-1\b`)
	tm.send(" ")
	tm.expect(`line-4\d`)
	tm.send("q")
	tm.expect(promptRe)
	if after := tm.run("stty -a"); stripEcho(after) != stripEcho(before) {
		tm.fatalf("terminal not sane after less:\nbefore:\n%s\nafter:\n%s", before, after)
	}
}

// stripEcho drops the echoed command line from a command's output.
func stripEcho(out string) string {
	_, rest, _ := strings.Cut(out, "\n")
	return rest
}

// TestJobNested runs gosh as a job of an interactive bash: started in the
// foreground it must run and stop jobs and give the terminal back when it
// exits; started in the background it must wait, stopped, until bash's
// fg, not fight for the terminal. Mishandled SIGTTOU shows up here as a
// shell that stops or spins.
func TestJobNested(t *testing.T) {
	bash, err := exec.LookPath("bash")
	if err != nil {
		t.Skip("no bash")
	}
	const bashPrompt = `<bash-ready> `
	tm := startTerm(t, []string{bash, "--norc", "--noprofile", "-i"}, "PS1="+bashPrompt)
	bashRe := regexp.QuoteMeta(bashPrompt)
	tm.expect(bashRe)
	// Quoted so that the echo of the typed line is not a gosh prompt.
	gosh := "PS1='<gosh-''ready> ' gosh -i --norc"

	// In the foreground of bash.
	tm.typeLine(gosh)
	tm.expect(promptRe)
	tm.typeLine("sleep 100")
	tm.waitForeground("sleep")
	tm.send("\x1a")
	tm.expect(`\[1\]\+  Stopped +sleep 100\r\n`)
	tm.expect(promptRe)
	tm.typeLine("fg")
	tm.waitForeground("sleep")
	tm.send("\x03")
	tm.expect(promptRe)
	if got := tm.status(); got != 130 {
		tm.fatalf("nested gosh: $? = %d after fg and Ctrl-C, want 130", got)
	}
	tm.typeLine("exit 7")
	tm.expect(bashRe)
	m := tm.expectAfter("echo \"bash-st=$?\"", `bash-st=(\d+)`)
	if m[1] != "7" {
		tm.fatalf("bash saw gosh exit with %s, want 7", m[1])
	}
	tm.expect(bashRe)

	// In the background of bash: gosh stops itself until bash's fg.
	tm.typeLine(gosh + " &")
	m = tm.expect(`\[1\] (\d+)\r\n`)
	pid, _ := strconv.Atoi(m[1])
	tm.expect(bashRe)
	tm.waitState(pid, "T")
	// Let bash see the stop before fg: a stop it reaps only after fg
	// makes it think the continued job stopped again, and take the
	// terminal back from under it.
	for deadline := time.Now().Add(ptyDeadline); ; {
		tm.typeLine("jobs")
		if out := tm.expect(`(?s)(.*?)` + bashRe)[1]; strings.Contains(out, "Stopped") {
			break
		}
		if time.Now().After(deadline) {
			tm.fatalf("bash never saw gosh stop")
		}
		time.Sleep(20 * time.Millisecond)
	}
	tm.typeLine("fg")
	tm.expect(promptRe)
	tm.run("echo nested-ok")
	tm.typeLine("exit")
	tm.expect(bashRe)
	tm.typeLine("echo \"bash-alive=$?\"")
	tm.expect(`bash-alive=0`)
	tm.expect(bashRe)
}

// TestJobGoshInGosh runs an interactive gosh as a foreground job of
// another one; the inner one stops a job of its own.
func TestJobGoshInGosh(t *testing.T) {
	tm := startGosh(t)
	tm.typeLine("gosh -i --norc")
	tm.expect(promptRe)
	tm.typeLine("sleep 100")
	tm.waitForeground("sleep")
	tm.send("\x1a")
	tm.expect(`\[1\]\+  Stopped +sleep 100\r\n`)
	tm.expect(promptRe)
	tm.run("kill %1")
	tm.typeLine("exit 4")
	tm.expect(promptRe)
	if got := tm.status(); got != 4 {
		tm.fatalf("outer gosh: $? = %d after the inner one exited 4", got)
	}
	if fg := tm.foreground(); fg != tm.cmd.Process.Pid {
		tm.fatalf("outer gosh does not own the terminal after the inner one exited")
	}
}

// TestJobMixedPipeline stops a pipeline whose last stage runs inside the
// shell: Ctrl-Z must return to the prompt although the in-shell stage is
// still reading, and fg must wait for it again.
func TestJobMixedPipeline(t *testing.T) {
	tm := startGosh(t)
	tm.typeLine("yes | while read l; do :; done")
	pgid := tm.waitForeground("yes")
	tm.send("\x1a")
	tm.expect(`\[1\]\+  Stopped +yes \| while read l; do :; done\r\n`)
	tm.expect(promptRe)
	tm.waitState(pgid, "T")
	tm.typeLine("fg")
	tm.waitForeground("yes")
	tm.send("\x03")
	tm.expect(promptRe)
	if got := tm.status(); got != 130 {
		tm.fatalf("$? after Ctrl-C of the resumed pipeline = %d, want 130", got)
	}
	if out := tm.run("jobs"); strings.Contains(out, "[1]") {
		tm.fatalf("jobs is not empty at the end")
	}
}

// TestJobLoopOfPrograms: Ctrl-C on a program run by a loop in the shell
// ends the loop too.
func TestJobLoopOfPrograms(t *testing.T) {
	tm := startGosh(t)
	tm.typeLine("for i in 1 2 3; do sleep 100; done; echo not-reached")
	tm.waitForeground("sleep")
	tm.send("\x03")
	out := tm.expect(`(?s)(.*?)` + promptRe)[1]
	if strings.Contains(out, "not-reached") {
		tm.fatalf("the loop went on after Ctrl-C")
	}
	if fg := tm.foreground(); fg != tm.cmd.Process.Pid {
		tm.fatalf("another sleep took the terminal: the loop went on")
	}
}

// TestJobTTYInput: a background job that reads the terminal is stopped
// by SIGTTIN and reported; fg gives it the terminal.
func TestJobTTYInput(t *testing.T) {
	tm := startGosh(t)
	m := tm.expectAfter("cat &", `\[1\] (\d+)\r\n`)
	pid, _ := strconv.Atoi(m[1])
	m = tm.expect(`(?s)(.*?)` + promptRe)
	stopRe := `\[1\]\+  Stopped \(tty input\) +cat\r\n`
	if !regexp.MustCompile(stopRe).MatchString(m[1]) {
		tm.waitState(pid, "T")
		tm.runUntil(":", stopRe)
	}
	tm.typeLine("fg")
	tm.waitForeground("cat")
	tm.send("typed-to-cat\n")
	tm.expect(`typed-to-cat\r\ntyped-to-cat\r\n`)
	tm.send("\x04")
	tm.expect(promptRe)
	if got := tm.status(); got != 0 {
		tm.fatalf("cat ended by Ctrl-D: $? = %d", got)
	}
}

// TestJobShellSignals: the interactive shell survives SIGTERM, SIGQUIT
// and SIGINT sent to itself; Ctrl-\ kills a foreground job with SIGQUIT.
func TestJobShellSignals(t *testing.T) {
	tm := startGosh(t)
	shell := tm.cmd.Process.Pid
	for _, sig := range []syscall.Signal{syscall.SIGTERM, syscall.SIGQUIT} {
		syscall.Kill(shell, sig)
	}
	tm.run("kill -TERM $$; kill -QUIT $$")
	if out := tm.run("echo still-$((1+1))"); !strings.Contains(out, "still-2") {
		tm.fatalf("shell did not survive signals sent to itself")
	}
	tm.typeLine("sleep 100")
	tm.waitForeground("sleep")
	tm.send("\x1c")
	tm.expect(`Quit`)
	tm.expect(promptRe)
	if got := tm.status(); got != 131 {
		tm.fatalf("sleep killed by Ctrl-\\: $? = %d, want 131", got)
	}
	// SIGINT at the prompt: the shell stays (its line is dropped).
	syscall.Kill(shell, syscall.SIGINT)
	tm.runUntil("echo alive-$((3+3))", `alive-6`)
}

// TestJobSuspend: gosh run from gosh stops itself with suspend and comes
// back with fg.
func TestJobSuspend(t *testing.T) {
	tm := startGosh(t)
	tm.typeLine("gosh -i --norc")
	tm.expect(promptRe)
	tm.typeLine("suspend")
	tm.expect(`\[1\]\+  Stopped \(signal\) +gosh -i --norc\r\n`)
	tm.expect(promptRe)
	tm.typeLine("fg")
	tm.expect(`gosh -i --norc\r\n`)
	tm.expect(promptRe) // the inner gosh's, after suspend returned
	if out := tm.run("echo inner-$((2+2))"); !strings.Contains(out, "inner-4") {
		tm.fatalf("inner gosh not back after fg")
	}
	tm.typeLine("exit")
	tm.expect(promptRe)
	if fg := tm.foreground(); fg != tm.cmd.Process.Pid {
		tm.fatalf("outer gosh does not own the terminal at the end")
	}
}

// TestJobTrapReset: trap - gives a signal its default for children, but
// the interactive shell must keep surviving it.
func TestJobTrapReset(t *testing.T) {
	tm := startGosh(t)
	tm.run("trap 'echo caught' INT; trap - INT; trap '' TERM; trap - TERM")
	syscall.Kill(tm.cmd.Process.Pid, syscall.SIGINT)
	syscall.Kill(tm.cmd.Process.Pid, syscall.SIGTERM)
	tm.runUntil("echo alive-$((4+4))", `alive-8`)
	tm.interruptSleep(" after trap -")
}
