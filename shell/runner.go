package shell

import (
	"context"
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"time"

	"gosh/exec"
	"mvdan.cc/sh/v3/expand"
	"mvdan.cc/sh/v3/syntax"
)

// shared is the state every subshell of one gosh process sees: fixed at
// construction or guarded by its own locks.
type shared struct {
	pid, ppid   int
	start       time.Time
	secondsBase time.Time
	rnd         *rand.Rand
	rndMu       sync.Mutex
	exe         string // path of the gosh binary, for re-exec
	inputFlag   string // "c" or "s" in $-: where the commands come from
	stderrMu    sync.Mutex
	hooks       hooks
	sigs        sigState
	watchWanted bool      // WatchFatalSignals was called; see ensureWatch
	watchOnce   sync.Once // installs the watch once
	onTrapReset func(syscall.Signal)
	beforeExec  func() // restores terminal state before exec replaces gosh
	term        terminal
	// commands counts the top-level commands read, \# in a prompt.
	commands atomic.Int64
	// pathCache remembers PATH searches made in subshells (pipeline
	// stages), which must not fill the shell's own hash table: name and
	// PATH -> path, dropped when exec finds the file gone.
	pathCache sync.Map
	// jobs is the main runner's job table: a job stopped while an
	// in-process subshell waited for it goes there.
	jobs *exec.Table

	// hist is the command history of the history and fc builtins.
	hist histState

	// interrupted is set by SIGINT in an interactive shell; loops stop.
	intr atomic.Bool
}

func (s *shared) interrupt() { s.intr.Store(true) }

func (s *shared) isInterrupted() bool { return s.intr.Load() }

// ClearInterrupt forgets a handled Ctrl-C (before the next prompt).
func (r *Runner) ClearInterrupt() { r.sh.intr.Store(false) }

// Interrupt is called on SIGINT: running loops and lists stop.
func (r *Runner) Interrupt() { r.sh.interrupt() }

func (s *shared) random() int {
	s.rndMu.Lock()
	defer s.rndMu.Unlock()
	return s.rnd.IntN(32768)
}

// Options are the shell's set -o options.
type Options struct {
	Errexit, Nounset, Xtrace, Verbose, Noexec, Noglob, Noclobber,
	Allexport, Pipefail, Monitor, Interactive, Notify, Hashall bool
	Errtrace, Functrace bool // set -E, set -T
	// Stubs holds bash options gosh accepts but does not act on (see
	// options.go), one bit each, set when the option differs from its
	// default.
	Stubs [2]uint64
	// Trace traces every pipeline of two or more stages (set -o trace).
	Trace bool
	// shopt options
	NullGlob, DotGlob, ExtGlob, GlobStar, NoCaseGlob, LastPipe,
	ExpandAliases, FailGlob, NoCaseMatch bool
}

// A Runner interprets shell programs. New returns one on the process's own
// stdio and environment. A Runner is not safe for concurrent use; a
// subshell (pipeline stage, command substitution) gets its own copy.
type Runner struct {
	// Fixed at construction, shared with subshells.
	sh *shared

	// Copied by a subshell.
	vars  *varTable
	funcs map[string]*syntax.Stmt
	// funcsShared: funcs is shared with the parent; copy before writing.
	funcsShared bool
	aliases     map[string]string
	opts        Options
	dir         string
	fds         fdTable
	params      []string
	arg0        string
	traps       map[string]string
	hash        map[string]string
	// hashPATH is the value of PATH hash was filled under: a lookup under
	// another PATH empties the table first, as bash empties it when PATH
	// is assigned (only the main runner does; a subshell reads it).
	hashPATH string
	jobs     *exec.Table
	// subshell is >0 in a subshell; depth of nesting.
	subshell int
	// script is the file name used in messages ("-c" or a path).
	script string
	// compSpecs are complete's specs (copied on write, nil: none) and
	// bindings the bind builtin's key bindings (likewise).
	compSpecs *compSpecs
	bindings  *keyBindings

	// Per run: status and control flow.
	lastStatus int  // $?
	lastBg     int  // $!
	line       uint // current line for LINENO and messages
	exiting    bool // exit was called, or a fatal error
	exitStatus int  // status to exit with
	returning  bool // return was called
	breakN     int  // pending break levels
	contN      int  // pending continue levels
	funcDepth  int  // nesting of function calls
	loopDepth  int  // nesting of loops
	noErrexit  int  // >0 inside a condition, where set -e does not apply
	// failIgnored: the last statement failed where set -e did not apply.
	failIgnored bool
	sigpipe     bool  // a write hit EPIPE: this subshell dies as by SIGPIPE
	outErr      error // a builtin's write to stdout failed (see builtin)

	// discard: an error (failglob, a failed assignment; see abandon)
	// abandons the rest of the top-level command, up to the eval or
	// source running it (a subshell ends); discardLine is the line it
	// ended on, whose further commands are skipped too (see lineStmt).
	discard     bool
	discardLine uint

	// pgroup is the process group for children: -1 the shell's own, 0 a
	// new one per job, >0 the group of the pipeline this subshell is in.
	pgroup         int
	fg             bool            // children go to the terminal's foreground
	hold           bool            // the next child started is a group leader to hold
	integers       map[string]bool // declare -i names
	intOwner       *Runner         // the runner that may write integers
	declAssoc      bool            // an assignment under declare -A
	cmdSubstStatus int
	cmdSubstRan    bool
	traceAssign    bool // set -x: assign traces the assignment it makes
	inTrap         bool
	optPos         int // getopts: position in a clustered option word
	optIndSeen     int // getopts: OPTIND value it last set
	funcNames      []string
	pipeStatus     []int
	expCfg         *expand.Config
	ctx            context.Context
	procWaits      []*procSubstRun // running process substitutions
	sourceDepth    int
	evalDepth      int          // nesting of eval, bounded like functions
	substDepth     int          // nesting of command and process substitutions
	bashpid        int          // $BASHPID of an in-process subshell, once read
	asyncTop       *syntax.Stmt // a re-executed background job's statement
	// tracer traces the pipeline startPipeline is starting (nil: none);
	// startHook adjusts the next child this runner starts. Neither is
	// copied into subshells: they belong to one pipeline's start.
	tracer    *exec.Tracer
	startHook func(*exec.Cmd)
	// childHook is told of every process this runner and its subshells
	// start: the tracer watches an in-process stage's children.
	childHook func(*exec.Process)
	execLast  bool // RunCommandExec: the program's last command may exec
	// paramTmps hold values computed for the word being expanded (see
	// paramops.go); not copied: a subshell makes its own.
	paramTmps []expand.Variable
	// cmdLine is the line of the last top-level command counted in
	// sh.commands: the statements of one line are one command.
	cmdLine uint
	// compCtx is the command line a completion function (-F) runs for;
	// nil outside one.
	compCtx *compContext

	// unredirected is the fd table outside the outermost statement
	// redirection in progress: an EXIT trap run on a fatal signal uses it.
	unredirected *fdTable
}

// Option configures a new Runner.
type Option func(*Runner)

// WithStdio sets the runner's fds 0, 1 and 2. Nil leaves the default.
func WithStdio(in, out, errw *os.File) Option {
	return func(r *Runner) {
		for i, f := range []*os.File{in, out, errw} {
			if f != nil {
				r.fds.set(i, newFdRef(f))
			}
		}
	}
}

// WithEnv sets the initial environment (NAME=value strings).
func WithEnv(env []string) Option {
	return func(r *Runner) {
		r.vars = newVarTable()
		r.importEnv(env)
	}
}

// WithDir sets the working directory.
func WithDir(dir string) Option { return func(r *Runner) { r.dir = dir } }

// WithExe names the gosh binary used to re-execute subshells.
func WithExe(path string) Option { return func(r *Runner) { r.sh.exe = path } }

// New returns a Runner on the process's stdio, environment and directory.
func New(opts ...Option) *Runner {
	now := time.Now()
	r := &Runner{
		sh: &shared{pid: os.Getpid(), ppid: os.Getppid(), start: now, secondsBase: now,
			rnd: rand.New(rand.NewPCG(uint64(now.UnixNano()), uint64(os.Getpid())))},
		funcs:   make(map[string]*syntax.Stmt),
		aliases: make(map[string]string),
		traps:   make(map[string]string),
		hash:    make(map[string]string),
		arg0:    "gosh",
		script:  "gosh",
		ctx:     context.Background(),
	}
	r.opts.Hashall = true
	r.pgroup = -1
	r.fg = true
	r.fds = fdTable{newFdRef(os.Stdin), newFdRef(os.Stdout), newFdRef(os.Stderr)}
	r.vars = nil
	for _, o := range opts {
		o(r)
	}
	if r.vars == nil {
		r.vars = newVarTable()
		r.importEnv(os.Environ())
	}
	if r.dir == "" {
		r.dir, _ = os.Getwd()
		if pwd := r.vars.get("PWD"); pwd.IsSet() && sameDir(pwd.Str, r.dir) {
			r.dir = pwd.Str
		}
	}
	if r.sh.exe == "" {
		r.sh.exe, _ = os.Executable()
	}
	r.jobs = exec.NewTable()
	r.sh.jobs = r.jobs
	r.initVars()
	return r
}

func (r *Runner) importEnv(env []string) {
	for _, kv := range env {
		name, val, ok := strings.Cut(kv, "=")
		if !ok || !validName(name) {
			continue
		}
		r.vars.global[name] = expand.Variable{Set: true, Exported: true, Kind: expand.String, Str: val}
	}
	r.vars.envDirty = true
}

func (r *Runner) initVars() {
	set := func(name, val string, exported bool) {
		v := r.vars.get(name)
		v.Set, v.Kind, v.Str = true, expand.String, val
		v.Exported = v.Exported || exported
		r.vars.global[name] = v
	}
	set("PWD", r.dir, true)
	if !r.vars.get("IFS").IsSet() {
		set("IFS", " \t\n", false)
	}
	if !r.vars.get("PS1").IsSet() {
		set("PS1", `\s-\v\$ `, false)
	}
	if !r.vars.get("PS2").IsSet() {
		set("PS2", "> ", false)
	}
	if !r.vars.get("PS4").IsSet() {
		set("PS4", "+ ", false)
	}
	if !r.vars.get("OPTIND").IsSet() {
		set("OPTIND", "1", false)
	}
	if !r.vars.get("PATH").IsSet() {
		set("PATH", "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin", false)
	}
	lvl := 1
	if v := r.vars.get("SHLVL"); v.IsSet() {
		fmt.Sscan(v.Str, &lvl)
		lvl++
	}
	set("SHLVL", fmt.Sprint(lvl), true)
	uid, euid := os.Getuid(), os.Geteuid()
	r.vars.global["UID"] = expand.Variable{Set: true, ReadOnly: true, Kind: expand.String, Str: fmt.Sprint(uid)}
	r.vars.global["EUID"] = expand.Variable{Set: true, ReadOnly: true, Kind: expand.String, Str: fmt.Sprint(euid)}
	if h, err := os.Hostname(); err == nil && !r.vars.get("HOSTNAME").IsSet() {
		set("HOSTNAME", h, false)
	}
	set("GOSH_VERSION", Version, false)
	r.initBashVars(set)
	r.importOptVars()
	r.vars.envDirty = true
}

// Version is gosh's version string.
const Version = "0.1.0"

// subshellCopy returns a copy of r for a subshell: variables, functions,
// options, directory, traps and a clone of the fd table (the caller must
// release it with sub.fds.release()).
func (r *Runner) subshellCopy() *Runner {
	s := &Runner{
		sh:          r.sh,
		vars:        r.vars.clone(),
		funcs:       r.funcs, // copied on write (see setFunc)
		aliases:     r.aliases,
		opts:        r.opts,
		dir:         r.dir,
		fds:         r.fds.clone(),
		params:      r.params,
		arg0:        r.arg0,
		traps:       subshellTraps(r.traps, r.opts.Errtrace),
		hash:        r.hash,
		hashPATH:    r.hashPATH,
		jobs:        r.jobs.Clone(),
		subshell:    r.subshell + 1,
		script:      r.script,
		lastStatus:  r.lastStatus,
		lastBg:      r.lastBg,
		line:        r.line,
		funcDepth:   r.funcDepth,
		funcNames:   slices.Clip(r.funcNames), // appends must not share
		ctx:         r.ctx,
		noErrexit:   r.noErrexit,
		pgroup:      r.pgroup,
		fg:          r.fg,
		integers:    r.integers,
		sourceDepth: r.sourceDepth,
		evalDepth:   r.evalDepth,
		substDepth:  r.substDepth,
		childHook:   r.childHook,
		compSpecs:   r.compSpecs,
		bindings:    r.bindings,
	}
	s.funcsShared = true
	return s
}

// subshellTraps: traps other than ignored ones are reset in a subshell;
// under set -E (errtrace) the ERR trap is inherited too.
func subshellTraps(t map[string]string, errtrace bool) map[string]string {
	n := make(map[string]string)
	for k, v := range t {
		if v == "" || (errtrace && k == "ERR") {
			n[k] = v
		}
	}
	return n
}

// stop reports whether statement lists must stop running now.
func (r *Runner) stop() bool {
	if r.exiting || r.returning || r.breakN > 0 || r.contN > 0 || r.discard {
		return true
	}
	return r.sh.intr.Load()
}

// errf prints a gosh: message on the runner's stderr.
func (r *Runner) errf(format string, a ...any) {
	msg := fmt.Sprintf(format, a...)
	r.sh.stderrMu.Lock()
	defer r.sh.stderrMu.Unlock()
	w := r.fds.writer(2)
	io.WriteString(w, "gosh: "+r.where()+msg+"\n")
}

// where returns the position prefix of runtime messages: "script: line N: "
// for scripts, nothing for interactive input.
func (r *Runner) where() string {
	if r.opts.Interactive && r.sourceDepth == 0 {
		return ""
	}
	script := r.script
	if script == "-c" {
		script = ""
	} else {
		script += ": "
	}
	if r.line == 0 {
		return script
	}
	return fmt.Sprintf("%sline %d: ", script, r.line)
}
