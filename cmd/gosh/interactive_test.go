package main

import (
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/creack/pty"
	"golang.org/x/sys/unix"
)

// Interactive tests drive gosh through a real pseudo-terminal, as a user
// would: gosh is this test binary re-executed as "gosh" (TestMain),
// started as a session leader with the pty as its controlling terminal.
// Every wait has a deadline and fails with the output so far.

// promptMark is PS1 in these tests: text typed input never contains.
const promptMark = "<<gosh-ready>> "

// waitTime bounds every wait for output (the machine is shared and
// slow; nothing here measures time).
const waitTime = 30 * time.Second

// ptyShell is a gosh running on a pseudo-terminal.
type ptyShell struct {
	t    *testing.T
	ptmx *os.File
	cmd  *exec.Cmd
	dir  string

	mu   sync.Mutex
	cond *sync.Cond
	out  []byte
	seen int  // output before seen has been matched already
	eof  bool // the pty master read ended

	exited chan struct{}
	status int
}

// shellEnv is the environment of a test shell whose HOME is home.
func shellEnv(home string, extra ...string) []string {
	env := []string{
		"HOME=" + home,
		"PATH=" + os.Getenv("PATH"),
		"TERM=xterm",
		"LC_ALL=C",
		"PS1=" + promptMark,
		"USER=" + os.Getenv("USER"),
	}
	return append(env, extra...)
}

// startShell starts gosh with args on a new 24x80 pty in dir.
func startShell(t *testing.T, dir string, env []string, args ...string) *ptyShell {
	t.Helper()
	exe, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	ptmx, tty, err := pty.Open()
	if err != nil {
		t.Skipf("no pseudo-terminal: %v", err)
	}
	ptmx = pollable(t, ptmx)
	if err := pty.Setsize(ptmx, &pty.Winsize{Rows: 24, Cols: 80}); err != nil {
		t.Fatal(err)
	}
	cmd := &exec.Cmd{
		Path:        exe,
		Args:        append([]string{"gosh"}, args...),
		Env:         env,
		Dir:         dir,
		Stdin:       tty,
		Stdout:      tty,
		Stderr:      tty,
		SysProcAttr: &syscall.SysProcAttr{Setsid: true, Setctty: true, Ctty: 0},
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	tty.Close()
	s := &ptyShell{t: t, ptmx: ptmx, cmd: cmd, dir: dir, exited: make(chan struct{})}
	s.cond = sync.NewCond(&s.mu)
	go s.readLoop()
	go func() {
		cmd.Wait()
		s.status = cmd.ProcessState.ExitCode()
		close(s.exited)
	}()
	t.Cleanup(func() {
		select {
		case <-s.exited:
		default:
			cmd.Process.Kill()
			<-s.exited
		}
		ptmx.Close()
	})
	return s
}

// pollable returns f as a non-blocking file in Go's poller, so that
// Close interrupts a pending Read and really closes the master (a test
// hangs up the terminal that way).
func pollable(t *testing.T, f *os.File) *os.File {
	t.Helper()
	fd, err := unix.FcntlInt(f.Fd(), unix.F_DUPFD_CLOEXEC, 0)
	if err != nil {
		t.Fatal(err)
	}
	f.Close()
	if err := unix.SetNonblock(fd, true); err != nil {
		t.Fatal(err)
	}
	return os.NewFile(uintptr(fd), "ptmx")
}

func (s *ptyShell) readLoop() {
	buf := make([]byte, 4096)
	for {
		n, err := s.ptmx.Read(buf)
		s.mu.Lock()
		s.out = append(s.out, buf[:n]...)
		if err != nil {
			s.eof = true
		}
		s.cond.Broadcast()
		s.mu.Unlock()
		if err != nil {
			return
		}
	}
}

// send types text into the terminal.
func (s *ptyShell) send(text string) {
	s.t.Helper()
	if _, err := s.ptmx.Write([]byte(text)); err != nil {
		s.t.Fatalf("write to pty: %v", err)
	}
}

// expect waits until the output after the last match matches re, and
// returns the output up to the end of the match.
func (s *ptyShell) expect(re string) string {
	s.t.Helper()
	rx := regexp.MustCompile(re)
	deadline := time.Now().Add(waitTime)
	timer := time.AfterFunc(waitTime, func() {
		s.mu.Lock()
		s.cond.Broadcast()
		s.mu.Unlock()
	})
	defer timer.Stop()
	s.mu.Lock()
	defer s.mu.Unlock()
	for {
		if loc := rx.FindIndex(s.out[s.seen:]); loc != nil {
			got := string(s.out[s.seen : s.seen+loc[1]])
			s.seen += loc[1]
			return got
		}
		if s.eof || time.Now().After(deadline) {
			s.t.Fatalf("waiting for %q: output so far:\n%q", re, s.out)
		}
		s.cond.Wait()
	}
}

// prompt waits for the next primary prompt and returns the output
// before it.
func (s *ptyShell) prompt() string {
	s.t.Helper()
	return strings.TrimSuffix(s.expect(regexp.QuoteMeta(promptMark)), promptMark)
}

// run types a command line and returns its output up to the next
// prompt. (The editor redraws the prompt at each keystroke, so the
// prompt that counts is the first after the newline ending the line.)
func (s *ptyShell) run(line string) string {
	s.t.Helper()
	s.send(line + "\r")
	s.expect("\r\n")
	return s.prompt()
}

// wait waits for gosh to exit and returns its status.
func (s *ptyShell) wait() int {
	s.t.Helper()
	select {
	case <-s.exited:
		return s.status
	case <-time.After(waitTime):
		s.mu.Lock()
		defer s.mu.Unlock()
		s.t.Fatalf("gosh did not exit: output so far:\n%q", s.out)
		return -1
	}
}

// newShell starts an interactive gosh in a fresh directory that is also
// its HOME, with --norc unless args say otherwise, and waits for the
// first prompt.
func newShell(t *testing.T, extraEnv ...string) *ptyShell {
	t.Helper()
	dir := t.TempDir()
	s := startShell(t, dir, shellEnv(dir, extraEnv...), "--norc")
	s.prompt()
	return s
}

func TestInteractivePromptAndEcho(t *testing.T) {
	t.Parallel()
	s := newShell(t)
	out := s.run("echo hello $((6*7))")
	if !strings.Contains(out, "hello 42\r\n") {
		t.Fatalf("echo: got %q", out)
	}
	s.send("exit\r")
	if st := s.wait(); st != 0 {
		t.Fatalf("exit status %d", st)
	}
}

func TestInteractivePipeline(t *testing.T) {
	t.Parallel()
	s := newShell(t)
	os.WriteFile(filepath.Join(s.dir, "fruit"), []byte("apple\nbanana\napple\ncherry\navocado\napple\n"), 0o644)
	out := s.run("grep a fruit | sort | uniq -c")
	for _, want := range []string{"      3 apple\r\n", "      1 avocado\r\n", "      1 banana\r\n"} {
		if !strings.Contains(out, want) {
			t.Fatalf("pipeline: want %q in %q", want, out)
		}
	}
	if strings.Contains(out, "cherry") {
		t.Fatalf("pipeline: grep let cherry through: %q", out)
	}
}

// Type-ahead typed in one burst with the command, and keystrokes typed
// while it runs, reach the command, twice in a row; the shell must not
// read the terminal between prompts.
func TestInteractiveTypeAheadReachesCat(t *testing.T) {
	t.Parallel()
	s := newShell(t)
	for i, word := range []string{"first", "second"} {
		// In one burst: the command and the line meant for it.
		s.send("cat\r" + word + "\r")
		s.expect(word + "\r\n")
		s.send("\x04")
		out := s.prompt()
		if strings.Contains(out, "not found") {
			t.Fatalf("round %d: the shell read cat's input: %q", i, out)
		}
		// Keystrokes typed while cat runs.
		s.send("cat\r")
		s.expect("cat\r\n")
		s.send("typed-" + word + "\r")
		s.expect("typed-" + word + "\r\n")
		s.send("\x04")
		if out := s.prompt(); strings.Contains(out, "not found") {
			t.Fatalf("round %d: the shell read cat's input: %q", i, out)
		}
	}
	out := s.run("echo still-here")
	if !strings.Contains(out, "still-here\r\n") || strings.Contains(out, "not found") {
		t.Fatalf("after cat: %q", out)
	}
}

func TestInteractiveCtrlZAtPromptIsHarmless(t *testing.T) {
	t.Parallel()
	s := newShell(t)
	s.send("\x1a")
	s.send("\x1a")
	out := s.run("echo alive")
	if !strings.Contains(out, "alive\r\n") {
		t.Fatalf("after Ctrl-Z: %q", out)
	}
	// A Ctrl-Z dropped inside a line must not leave the editor reading
	// after Enter: the next line belongs to cat.
	s.send("ca\x1at\r")
	s.expect("cat\r\n")
	s.send("for-cat\r")
	s.expect("for-cat\r\n")
	s.send("\x04")
	if out := s.prompt(); strings.Contains(out, "not found") {
		t.Fatalf("the shell read cat's input: %q", out)
	}
}

func TestInteractiveCtrlCDiscardsLine(t *testing.T) {
	t.Parallel()
	s := newShell(t)
	s.send("echo ZZ$((1+1))")
	s.expect(regexp.QuoteMeta("ZZ$((1+1))"))
	s.send("\x03")
	s.expect(`\^C`)
	s.prompt()
	out := s.run("echo status $?")
	if !strings.Contains(out, "status 130\r\n") {
		t.Fatalf("after Ctrl-C: %q", out)
	}
	// Ctrl-C also discards the line from a Ctrl-R search and from a
	// list of completions (readline alone would only leave the mode).
	os.WriteFile(filepath.Join(s.dir, "zfile1"), nil, 0o644)
	os.WriteFile(filepath.Join(s.dir, "zfile2"), nil, 0o644)
	s.send("echo ZZ$((2+2)) zfile\t")
	s.expect(`zfile1\s+zfile2`)
	s.send("\x03")
	s.expect(`\^C`)
	s.prompt()
	s.send("\x12ZZ$")
	s.expect(`search`)
	s.send("\x03")
	s.expect(`\^C`)
	s.prompt()
	if out := s.run("echo fresh"); !strings.Contains(out, "fresh\r\n") {
		t.Fatalf("after Ctrl-C in search: %q", out)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if bytes.Contains(s.out, []byte("ZZ4")) {
		t.Fatalf("the line interrupted in a completion list ran: %q", s.out)
	}
	if bytes.Contains(s.out, []byte("ZZ2")) {
		t.Fatalf("the interrupted line ran: %q", s.out)
	}
}

func TestInteractiveUpArrowRecall(t *testing.T) {
	t.Parallel()
	s := newShell(t)
	s.run("echo recall-$((20+1))")
	s.run("echo other")
	out := s.run("\x1b[A\x1b[A")
	if !strings.Contains(out, "recall-21\r\n") {
		t.Fatalf("Up Up Enter: %q", out)
	}
}

func TestInteractiveCtrlRSearch(t *testing.T) {
	t.Parallel()
	s := newShell(t)
	s.run("echo needle-$((1+2))")
	s.run("echo hay")
	s.run("echo stack")
	s.send("\x12needle")
	s.expect(regexp.QuoteMeta("echo needle-$((1+2))"))
	s.send("\r")
	s.expect("needle-3\r\n")
	s.prompt()
}

func TestInteractiveHistoryPersistsAndIsShared(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	histfile := filepath.Join(dir, "hist")
	env := shellEnv(dir, "HISTFILE="+histfile)
	a := startShell(t, dir, env, "--norc")
	a.prompt()
	b := startShell(t, dir, env, "--norc")
	b.prompt()
	a.run("echo from-a-1")
	b.run("echo from-b-1")
	a.run("echo from-a-2")
	b.run("echo from-b-2")
	a.send("\x04")
	b.send("\x04")
	a.wait()
	b.wait()
	data, err := os.ReadFile(histfile)
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"echo from-a-1\n", "echo from-b-1\n", "echo from-a-2\n", "echo from-b-2\n"} {
		if !strings.Contains(string(data), want) {
			t.Fatalf("history file lacks %q:\n%s", want, data)
		}
	}
	if fi, err := os.Stat(histfile); err != nil || fi.Mode().Perm() != 0o600 {
		t.Fatalf("history file mode: %v %v", fi.Mode(), err)
	}
	// A new shell starts with it.
	c := startShell(t, dir, env, "--norc")
	c.prompt()
	out := c.run("history")
	if !regexp.MustCompile(`\d+  echo from-b-2\r\n`).MatchString(out) {
		t.Fatalf("history after restart: %q", out)
	}
	out = c.run("\x1b[A\x1b[A")
	if !strings.Contains(out, "from-b-2\r\n") {
		t.Fatalf("Up after restart: %q", out)
	}
}

func TestInteractiveHistFileSize(t *testing.T) {
	t.Parallel()
	s := newShell(t, "HISTFILESIZE=3")
	for i := 1; i <= 5; i++ {
		s.run(fmt.Sprintf("echo line%d", i))
	}
	data, err := os.ReadFile(filepath.Join(s.dir, ".gosh_history"))
	if err != nil {
		t.Fatal(err)
	}
	if string(data) != "echo line3\necho line4\necho line5\n" {
		t.Fatalf("history file with HISTFILESIZE=3: %q", data)
	}
}

func TestInteractiveTabCompletesFile(t *testing.T) {
	t.Parallel()
	s := newShell(t)
	os.WriteFile(filepath.Join(s.dir, "my notes.txt"), []byte("the notes\n"), 0o644)
	os.Mkdir(filepath.Join(s.dir, "subdir"), 0o755)
	os.WriteFile(filepath.Join(s.dir, "subdir", "inner"), []byte("inside\n"), 0o644)
	s.send("cat my\t")
	s.expect(regexp.QuoteMeta(promptMark + `cat my\ notes.txt `))
	out := s.run("")
	if !strings.Contains(out, "the notes\r\n") {
		t.Fatalf("cat my<Tab>: %q", out)
	}
	s.send("cat sub\t")
	s.expect(regexp.QuoteMeta(promptMark + "cat subdir/"))
	s.send("i\t")
	s.expect(regexp.QuoteMeta(promptMark + "cat subdir/inner "))
	if out := s.run(""); !strings.Contains(out, "inside\r\n") {
		t.Fatalf("cat sub<Tab>i<Tab>: %q", out)
	}
}

func TestInteractiveTabCompletesCommand(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	bin := filepath.Join(dir, "bin")
	os.Mkdir(bin, 0o755)
	os.WriteFile(filepath.Join(bin, "zqxhello"), []byte("#!/bin/sh\necho ran zqxhello\n"), 0o755)
	s := startShell(t, dir, shellEnv(dir, "PATH="+bin+":"+os.Getenv("PATH")), "--norc")
	s.prompt()
	s.send("zqxhel\t")
	s.expect(regexp.QuoteMeta(promptMark + "zqxhello "))
	if out := s.run(""); !strings.Contains(out, "ran zqxhello\r\n") {
		t.Fatalf("zqxhel<Tab>: %q", out)
	}
	// A function, and the list of candidates when ambiguous.
	s.run("zqxfunc() { echo in func; }")
	s.send("zqx\t")
	s.expect(`zqxfunc\s+zqxhello`)
	s.send("f\t")
	s.expect(regexp.QuoteMeta(promptMark + "zqxfunc "))
	s.send("\r")
	s.expect("in func\r\n")
	s.prompt()
}

func TestInteractiveTabFollowsCompleteSpecs(t *testing.T) {
	t.Parallel()
	s := newShell(t)
	// complete -W: the word list, not the files.
	s.run("complete -W 'alpha beta' zqw")
	s.run("zqw() { echo \"args: $*\"; }")
	s.send("zqw al\t")
	s.expect(regexp.QuoteMeta(promptMark + "zqw alpha "))
	if out := s.run(""); !strings.Contains(out, "args: alpha\r\n") {
		t.Fatalf("zqw al<Tab>: %q", out)
	}
	// complete -F: the function sees the words and the cursor's word.
	s.run(`_zqf() { COMPREPLY=("${2}-${COMP_WORDS[0]}-$COMP_CWORD" other); }`)
	s.run("complete -F _zqf zqw")
	s.send("zqw one t\t")
	s.expect(regexp.QuoteMeta(promptMark + "zqw one t-zqw-2 "))
	if out := s.run(""); !strings.Contains(out, "args: one t-zqw-2\r\n") {
		t.Fatalf("zqw one t<Tab>: %q", out)
	}
}

func TestInteractivePS2Continuation(t *testing.T) {
	t.Parallel()
	s := newShell(t, "PS2=<<more>> ")
	s.send("echo 'one\r")
	s.expect("<<more>> ")
	if out := s.run("two'"); !strings.Contains(out, "one\r\ntwo\r\n") {
		t.Fatalf("open quote: %q", out)
	}
	s.send("if true\r")
	s.expect("<<more>> ")
	s.send("then echo yes\r")
	s.expect("<<more>> ")
	if out := s.run("fi"); !strings.Contains(out, "yes\r\n") {
		t.Fatalf("if without fi: %q", out)
	}
	s.send("echo abc |\r")
	s.expect("<<more>> ")
	if out := s.run("tr a A"); !strings.Contains(out, "Abc\r\n") {
		t.Fatalf("trailing |: %q", out)
	}
	// The whole command is one history entry.
	if out := s.run("history 3"); !strings.Contains(out, "if true; then echo yes; fi\r\n") ||
		!strings.Contains(out, "echo abc | tr a A\r\n") {
		t.Fatalf("history of a continued command: %q", out)
	}
}

func TestInteractiveFullScreenProgram(t *testing.T) {
	t.Parallel()
	less, err := exec.LookPath("less")
	if err != nil {
		t.Skip("less is not installed (.ci/run installs it)")
	}
	s := newShell(t)
	os.WriteFile(filepath.Join(s.dir, "page"), []byte(strings.Repeat("page line\n", 100)), 0o644)
	before := s.run("stty -g")
	s.send(less + " page\r")
	s.expect("page line")
	s.send("q")
	s.prompt()
	after := s.run("stty -g")
	settings := func(out string) string {
		lines := strings.Split(strings.TrimSpace(out), "\r\n")
		return lines[len(lines)-1]
	}
	if settings(before) != settings(after) {
		t.Fatalf("terminal settings changed by less:\nbefore %q\nafter  %q", before, after)
	}
	s.send("cat\r")
	s.expect("cat\r\n")
	// Echoed by the terminal and printed by cat, or only printed when it
	// arrives before cat starts (type-ahead is not echoed).
	s.send("sane\r")
	s.expect("sane\r\n")
	s.send("\x04")
	s.prompt()
}

func TestInteractiveResize(t *testing.T) {
	t.Parallel()
	s := newShell(t)
	s.send("echo start")
	s.expect("start")
	if err := pty.Setsize(s.ptmx, &pty.Winsize{Rows: 20, Cols: 30}); err != nil {
		t.Fatal(err)
	}
	// A line longer than the new width, edited after the resize.
	s.send("-" + strings.Repeat("x", 40) + "\x7f\x7fEND")
	out := s.run("")
	want := "start-" + strings.Repeat("x", 38) + "END\r\n"
	if !strings.Contains(out, want) {
		t.Fatalf("after resize: want %q in %q", want, out)
	}
	if out := s.run("stty size; echo $LINES $COLUMNS"); !strings.Contains(out, "20 30\r\n20 30\r\n") {
		t.Fatalf("stty size, LINES and COLUMNS after resize: %q", out)
	}
}

func TestInteractiveExitStatus(t *testing.T) {
	t.Parallel()
	s := newShell(t)
	s.send("exit 3\r")
	if st := s.wait(); st != 3 {
		t.Fatalf("exit 3: status %d", st)
	}
}

// A hang-up must not run the line being typed (at end of input readline
// alone takes the line as entered).
func TestInteractiveHangupDiscardsLine(t *testing.T) {
	t.Parallel()
	s := newShell(t)
	s.send("touch hungup-ran")
	s.expect("hungup-ran")
	s.ptmx.Close()
	s.wait()
	if _, err := os.Stat(filepath.Join(s.dir, "hungup-ran")); err == nil {
		t.Fatal("the half-typed line ran at hang-up")
	}
}

func TestInteractiveCtrlDExits(t *testing.T) {
	t.Parallel()
	s := newShell(t, "IGNOREEOF=1")
	// The Delete key on an empty line is not Ctrl-D (readline alone
	// takes it for one).
	s.send("\x1b[3~")
	s.send("echo after-delete\r")
	s.expect("echo after-delete\r\nafter-delete\r\n")
	s.prompt()
	s.run("false")
	s.send("\x04")
	s.expect(`Use "exit" to leave the shell.`)
	s.prompt()
	s.send("\x04")
	s.expect("exit")
	if st := s.wait(); st != 1 {
		t.Fatalf("Ctrl-D after false: status %d", st)
	}
}

func TestInteractiveStartupFiles(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, ".goshrc"), []byte("RCVAR=from-goshrc\n"), 0o644)
	os.WriteFile(filepath.Join(dir, "other"), []byte("RCVAR=from-rcfile\n"), 0o644)
	for _, tc := range []struct {
		args []string
		want string
	}{
		{nil, "[from-goshrc]"},
		{[]string{"--norc"}, "[]"},
		{[]string{"--rcfile", filepath.Join(dir, "other")}, "[from-rcfile]"},
	} {
		s := startShell(t, dir, shellEnv(dir), tc.args...)
		s.prompt()
		if out := s.run("echo [$RCVAR]"); !strings.Contains(out, tc.want+"\r\n") {
			t.Errorf("gosh %v: want %s in %q", tc.args, tc.want, out)
		}
		s.send("exit\r")
		s.wait()
	}
}

// Without PS1 in the environment the prompt is user@host:dir$ .
func TestInteractiveDefaultPrompt(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	var env []string
	for _, kv := range shellEnv(dir) {
		if !strings.HasPrefix(kv, "PS1=") {
			env = append(env, kv)
		}
	}
	s := startShell(t, dir, env, "--norc")
	s.expect(`\S+@\S+:~[$#] `)
	s.send("exit\r")
	s.wait()
}

func TestInteractivePromptEscapes(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	sub := filepath.Join(dir, "work")
	os.Mkdir(sub, 0o755)
	s := startShell(t, sub, shellEnv(dir, `PS1=[\W|\w|\?|\j|$((1+1))|\$]`+promptMark), "--norc")
	s.expect(regexp.QuoteMeta(`[work|~/work|0|0|2|` + map[bool]string{true: "#", false: "$"}[os.Geteuid() == 0] + "]" + promptMark))
	s.send("false\r")
	s.expect(regexp.QuoteMeta(`|1|0|2|`))
}
