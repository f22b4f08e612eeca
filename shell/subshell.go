package shell

import (
	"encoding/json"
	"fmt"
	"io"
	"os"
	"os/signal"
	"strconv"
	"strings"
	"syscall"

	"gosh/exec"

	"golang.org/x/sys/unix"
	"mvdan.cc/sh/v3/expand"
	"mvdan.cc/sh/v3/syntax"
)

// StateFdEnv names the environment variable through which a re-executed
// gosh learns the fd that holds its subshell state.
const StateFdEnv = "GOSH_SUBSHELL_STATE_FD"

// subshellState is what a re-executed gosh needs to continue as a
// subshell of its parent: the parent's variables, functions, options,
// directory, parameters and the statement to run.
type subshellState struct {
	Vars    map[string]expand.Variable
	Ints    []string
	Funcs   map[string]string
	Aliases map[string]string
	Traps   map[string]string
	Opts    Options
	Dir     string
	Params  []string
	Arg0    string
	Script  string
	Pid     int
	Ppid    int
	LastBg  int
	Status  int
	Line    uint
	Stmt    string
	// Fds lists the fd numbers above 2 the parent passed in its table.
	Fds []int
	// NoJobControl: the parent shell had no job control, so a program
	// this asynchronous command execs ignores SIGINT and SIGQUIT.
	NoJobControl bool
}

// startSubshellProcess runs st (as a foreground statement) in a new gosh
// process that inherits this runner's state and fd table.
func (r *Runner) startSubshellProcess(st *syntax.Stmt) (*exec.Process, error) {
	fg := *st
	fg.Background = false
	state := subshellState{
		Vars: map[string]expand.Variable{}, Funcs: map[string]string{}, Aliases: r.aliases,
		Traps: subshellTraps(r.traps, r.opts.Errtrace), Opts: r.opts, Dir: r.dir, Params: r.params, Arg0: r.arg0,
		Script: r.script, Pid: r.sh.pid, Ppid: r.sh.ppid, LastBg: r.lastBg, Status: r.lastStatus,
		Line: r.line, Stmt: nodeTextOneLine(&fg),
	}
	state.NoJobControl = !r.opts.Monitor
	state.Opts.Interactive, state.Opts.Monitor = false, false
	r.vars.each(func(n string, v expand.Variable) bool {
		state.Vars[n] = v
		return true
	})
	for n := range r.integers {
		state.Ints = append(state.Ints, n)
	}
	for n, body := range r.funcs {
		if body != nil {
			state.Funcs[n] = funcText(n, body)
		}
	}
	for i, d := range r.fds {
		if i > 2 && d != nil {
			state.Fds = append(state.Fds, i)
		}
	}
	data, err := json.Marshal(&state)
	if err != nil {
		return nil, err
	}
	memfd, err := unix.MemfdCreate("gosh-subshell", unix.MFD_CLOEXEC)
	if err != nil {
		return nil, os.NewSyscallError("memfd_create", err)
	}
	mf := os.NewFile(uintptr(memfd), "gosh-subshell")
	defer mf.Close()
	if _, err := mf.Write(data); err != nil {
		return nil, err
	}
	if _, err := mf.Seek(0, io.SeekStart); err != nil {
		return nil, err
	}
	fds := r.fds.clone()
	defer fds.release()
	if !r.opts.Monitor {
		// POSIX: without job control, a background job reads /dev/null.
		hasIn := false
		for _, rd := range st.Redirs {
			if rd.N == nil && (rd.Op == syntax.RdrIn || rd.Op == syntax.RdrInOut || rd.Op == syntax.Hdoc ||
				rd.Op == syntax.DashHdoc || rd.Op == syntax.WordHdoc || rd.Op == syntax.DplIn) {
				hasIn = true
			}
		}
		if !hasIn {
			if f, err := exec.Open(os.DevNull, unix.O_RDONLY, 0); err == nil {
				fds.set(0, newFdRef(f))
			}
		}
	}
	files := fds.files()
	stateFd := len(files)
	files = append(files, mf)
	env := append(r.vars.environ()[:len(r.vars.environ()):len(r.vars.environ())], StateFdEnv+"="+strconv.Itoa(stateFd))
	pgid := -1
	if r.opts.Monitor && r.subshell == 0 {
		pgid = 0
	}
	cmd := &exec.Cmd{Path: r.sh.exe, Args: []string{"gosh"}, Env: env, Dir: r.dir, Files: files, Pgid: pgid}
	r.sh.ensureWatch()
	r.sh.hooks.beforeStart(cmd)
	return exec.Start(cmd)
}

// nodeTextOneLine prints n on one line where it can (here-documents need
// more), so that padded to its line it keeps LINENO as in the source.
func nodeTextOneLine(n syntax.Node) string {
	var b strings.Builder
	syntax.NewPrinter(syntax.SingleLine(true)).Print(&b, n)
	return b.String()
}

// RunSubshellState is the entry point of a re-executed gosh: it reads the
// state from fd, closes it, rebuilds the runner and runs the statement.
// It returns the exit status.
func RunSubshellState(fd int, opts ...Option) int {
	f := os.NewFile(uintptr(fd), "state")
	data, err := io.ReadAll(f)
	f.Close()
	os.Unsetenv(StateFdEnv)
	if err != nil {
		fmt.Fprintf(os.Stderr, "gosh: subshell: %v\n", err)
		return 2
	}
	var st subshellState
	if err := json.Unmarshal(data, &st); err != nil {
		fmt.Fprintf(os.Stderr, "gosh: subshell: %v\n", err)
		return 2
	}
	r := New(append(opts, WithEnv(nil), WithDir(st.Dir))...)
	r.vars = newVarTable()
	for n, v := range st.Vars {
		r.vars.global[n] = v
	}
	r.vars.envDirty = true
	if len(st.Ints) > 0 {
		r.integers = map[string]bool{}
		r.intOwner = r
		for _, n := range st.Ints {
			r.integers[n] = true
		}
	}
	for n, src := range st.Funcs {
		if fl, err := newParser(false).Parse(strings.NewReader(src), ""); err == nil && len(fl.Stmts) == 1 {
			if fd, ok := fl.Stmts[0].Cmd.(*syntax.FuncDecl); ok {
				r.funcs[n] = fd.Body
			}
		}
	}
	r.aliases = st.Aliases
	if r.aliases == nil {
		r.aliases = map[string]string{}
	}
	r.traps = st.Traps
	if r.traps == nil {
		r.traps = map[string]string{}
	}
	r.opts = st.Opts
	r.params, r.arg0, r.script = st.Params, st.Arg0, st.Script
	r.sh.pid, r.sh.ppid = st.Pid, st.Ppid
	r.lastBg, r.lastStatus, r.line = st.LastBg, st.Status, st.Line
	r.subshell = 1
	// Adopt the fds above 2 the parent's table named: they arrived as
	// real fds; mark them close-on-exec so children get them only
	// through the table.
	for _, n := range st.Fds {
		if n == fd {
			continue
		}
		if _, err := unix.FcntlInt(uintptr(n), unix.F_SETFD, unix.FD_CLOEXEC); err == nil {
			r.fds.set(n, newFdRef(os.NewFile(uintptr(n), "fd"+strconv.Itoa(n))))
		}
	}
	// A process of its own: it dies by signals as a script does.
	r.WatchFatalSignals()
	// Padded to the statement's line, LINENO in it is the source's.
	pad := strings.Repeat("\n", int(max(st.Line, 1))-1)
	fl, err := parseAll([]byte(pad+st.Stmt), st.Script)
	if err != nil {
		fmt.Fprintf(os.Stderr, "gosh: subshell: %v\n", err)
		return 2
	}
	if len(fl.Stmts) == 1 {
		// bash runs no ERR trap for the asynchronous command itself,
		// only for the commands inside it.
		r.asyncTop = fl.Stmts[0]
		r.execSimple(fl.Stmts[0], st.NoJobControl)
	}
	r.stmts(fl.Stmts)
	return r.Exit()
}

// execSimple replaces this subshell process by the program its statement
// runs, when that is all it does, as sh's subshell execs its last
// command: $! is then the program's pid, and a signal sent there reaches
// the program. It returns when the statement is anything else or the
// exec fails (which the normal run then reports). With ignoreInt, the
// program starts with SIGINT and SIGQUIT ignored, as POSIX wants for an
// asynchronous command when there is no job control.
func (r *Runner) execSimple(st *syntax.Stmt, ignoreInt bool) {
	ce, ok := st.Cmd.(*syntax.CallExpr)
	if !ok || st.Negated || len(st.Redirs) > 0 || len(ce.Assigns) > 0 || len(ce.Args) == 0 ||
		len(r.traps) > 0 || r.opts.Xtrace || r.opts.Noexec || r.opts.Trace {
		return
	}
	args, ok := r.quickFields(ce.Args)
	if !ok || len(args) == 0 || r.funcs[args[0]] != nil || builtins[args[0]] != nil || r.aliases[args[0]] != "" {
		return
	}
	path, err := r.lookPath(args[0])
	if err != nil {
		return
	}
	if ignoreInt {
		// (Kept if the exec fails: the normal run starts it then.)
		signal.Ignore(syscall.SIGINT, syscall.SIGQUIT)
	}
	r.execReplace(path, args, r.vars.environ())
}
