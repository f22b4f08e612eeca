package shell

import (
	"fmt"
	"os"
	"os/signal"
	"sort"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"time"

	"gosh/exec"
	"mvdan.cc/sh/v3/expand"
	"mvdan.cc/sh/v3/syntax"
)

func init() {
	builtins["trap"] = builtinTrap
}

// sigState receives the signals the shell catches: those with traps,
// and, in a non-interactive shell, the terminating signals it watches so
// that it can die by them the way sh does (after the EXIT trap, and for
// SIGINT only once its foreground child died of it too). All are caught
// with signal.Notify on the reaper's channel (exec.NotifyOrdered), so
// children start with default dispositions; trapped signals are recorded
// as pending and handled by the runner between commands.
type sigState struct {
	once    sync.Once
	pending atomic.Uint64 // bit n: signal n arrived
	mu      sync.Mutex
	wakeCh  chan struct{} // closed and replaced when a signal arrives
	// The masks below (bit n for signal n) describe the main runner and
	// are read by the signal goroutine.
	trapped  atomic.Uint64 // a trap, a handler or '' (ignore)
	handlers atomic.Uint64 // a trap with a handler
	watched  atomic.Uint64 // caught only to die by it as sh does
	exitTrap atomic.Bool   // the main runner has an EXIT trap
	touched  atomic.Uint64 // a trap changed the disposition (see ignoredOnEntry)
	// fgWait counts foreground waits in progress: SIGINT from the
	// terminal then waits for the child's fate.
	fgWait atomic.Int32
	// fgEnded (unix ns) and fgEndedByInt record the last foreground wait
	// to end and whether its job died of SIGINT: a SIGINT that the
	// kernel delivered during that wait can reach the shell's handler
	// just after it (children are reaped directly, not in order with
	// signals), and belongs to it.
	fgEnded      atomic.Int64
	fgEndedByInt atomic.Bool
}

// OnTrapReset has f called after `trap - SIG` gave sig back its default
// disposition, which drops every signal.Notify registration for it: the
// interactive shell registers its own handling again there. f runs on
// the runner's goroutine.
func (r *Runner) OnTrapReset(f func(syscall.Signal)) { r.sh.onTrapReset = f }

// Trapped reports whether sig has a trap (a handler, or an empty one to
// ignore it) set by the shell itself, not a subshell. It is safe to call
// from any goroutine: the interactive shell's own signal handlers defer
// to traps.
func (r *Runner) Trapped(sig syscall.Signal) bool {
	return r.sh.sigs.trapped.Load()&sigBit(sig) != 0
}

func sigBit(sig syscall.Signal) uint64 { return 1 << uint(sig) }

func (s *sigState) init() {
	s.once.Do(func() {
		s.wakeCh = make(chan struct{})
	})
}

// arrived records sig as pending and wakes the waiters.
func (s *sigState) arrived(sig syscall.Signal) {
	s.pending.Or(sigBit(sig))
	s.mu.Lock()
	close(s.wakeCh)
	s.wakeCh = make(chan struct{})
	s.mu.Unlock()
}

// killSelf delivers sig to the shell's own process as kill $$ does, but
// synchronously, as a single-threaded sh would see it: a trapped signal
// becomes pending for the next command boundary, an ignored one does
// nothing, a watched one ends the shell (after its EXIT trap) before the
// next command, and any other is raised on this very thread.
func (r *Runner) killSelf(sig syscall.Signal) error {
	s := &r.sh.sigs
	s.init()
	bit := sigBit(sig)
	switch {
	case sig == 0:
		return nil
	case s.handlers.Load()&bit != 0:
		s.arrived(sig)
		return nil
	case s.trapped.Load()&bit != 0:
		return nil
	case s.watched.Load()&bit != 0 && r.mainShell():
		r.dieOfSignal(sig)
	}
	return exec.Raise(sig)
}

// mustDieNow reports whether a watched signal ends the shell at once:
// when it has no trap, no EXIT trap must run first, and it is not a
// SIGINT arriving while a foreground child decides what it means.
func (s *sigState) mustDieNow(n syscall.Signal) bool {
	bit := sigBit(n)
	if s.watched.Load()&bit == 0 || s.trapped.Load()&bit != 0 || s.exitTrap.Load() {
		return false
	}
	if n != syscall.SIGINT {
		return true
	}
	if s.fgWait.Load() != 0 {
		return false
	}
	if time.Now().UnixNano()-s.fgEnded.Load() < int64(lateSigintWindow) {
		if s.fgEndedByInt.Load() {
			return true
		}
		s.pending.And(^sigBit(n)) // the job handled it: so does the shell
		return false
	}
	return true
}

// lateSigintWindow bounds how long after a foreground wait a SIGINT is
// still taken as sent during it.
const lateSigintWindow = 200 * time.Millisecond

// fatalSignals are the signals a non-interactive shell watches: those
// whose default action ends it and which a user or a terminal sends.
var fatalSignals = []syscall.Signal{syscall.SIGHUP, syscall.SIGINT, syscall.SIGTERM,
	syscall.SIGALRM, syscall.SIGUSR1, syscall.SIGUSR2}

// WatchFatalSignals makes a non-interactive shell catch the terminating
// signals instead of dying in the Go runtime: it then dies by them
// itself, after running its EXIT trap, and a SIGINT received while a
// foreground child runs kills the shell only if it killed the child too
// (a program that handles Ctrl-C, like an editor, lets the script go on).
//
// The watch is installed lazily, when it can first make a difference:
// before the first child process starts or the first trap is set. Until
// then a fatal signal's default action is exactly what the watch would
// do, and start-up stays free of os/signal work (see bench/RESULTS.md).
func (r *Runner) WatchFatalSignals() {
	r.sh.watchWanted = true
	// Until then, the signals the Go runtime would catch and drop must
	// have the kernel's default (death), as they would in sh.
	for _, sig := range []syscall.Signal{syscall.SIGUSR1, syscall.SIGUSR2, syscall.SIGALRM} {
		if !signal.Ignored(sig) {
			exec.DefaultSignal(sig)
		}
	}
}

// ensureWatch installs the fatal-signal watch if it was asked for.
func (sh *shared) ensureWatch() {
	if sh.watchWanted {
		sh.watchOnce.Do(sh.sigs.watchFatal)
	}
}

func (s *sigState) watchFatal() {
	s.init()
	var sigs []syscall.Signal
	for _, sig := range fatalSignals {
		if signal.Ignored(sig) {
			// Ignored on entry: a non-interactive shell keeps it so.
			continue
		}
		s.watched.Or(sigBit(sig))
		exec.RestoreSignal(sig) // undo WatchFatalSignals' DefaultSignal
		sigs = append(sigs, sig)
	}
	exec.NotifyOrdered(s.caught, sigs...)
}

// caught handles a signal the shell catches, trapped or watched, on the
// reaper's goroutine, in order with the exits of children. Each caught
// signal arrives here only, so a trap runs once per signal.
func (s *sigState) caught(sig syscall.Signal) {
	s.arrived(sig)
	if s.mustDieNow(sig) {
		exec.DieBySignal(sig)
	}
}

// enterRedirect records saved as the fd table outside the outermost
// redirection in progress (an EXIT trap run on a fatal signal writes
// there); the returned func forgets it when that redirection ends.
func (r *Runner) enterRedirect(saved *fdTable) (leave func()) {
	if r.unredirected != nil {
		return func() {}
	}
	r.unredirected = saved
	return func() { r.unredirected = nil }
}

// dieOfSignal ends the shell by sig, as if it had not caught it, after
// running the EXIT trap.
func (r *Runner) dieOfSignal(sig syscall.Signal) {
	r.sh.intr.Store(false)
	r.exiting, r.returning, r.breakN, r.contN = false, false, 0, 0
	if r.unredirected != nil {
		// Redirections of the command that was running are the
		// command's, not the trap's (in sh they are in the child).
		r.fds = *r.unredirected
	}
	r.Exit()
	exec.DieBySignal(sig)
}

// wake returns a channel closed at the next trapped signal.
func (s *sigState) wake() <-chan struct{} {
	s.init()
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.wakeCh
}

func (s *sigState) anyPending() bool { return s.pending.Load() != 0 }

// pendingSignal returns the lowest pending signal number, or 0.
func (r *Runner) pendingSignal() int {
	p := r.sh.sigs.pending.Load()
	for n := 1; n < 64; n++ {
		if p&(1<<uint(n)) != 0 {
			return n
		}
	}
	return 0
}

// runPendingTraps runs the handlers of signals that arrived. A watched
// signal without a trap ends the main shell.
func (r *Runner) runPendingTraps() {
	if r.sh.sigs.pending.Load() == 0 || r.inTrap || !r.mainShell() {
		// In-process subshells leave signals to the shell that owns
		// the process: their traps were reset.
		return
	}
	for n := 1; n < 64; n++ {
		bit := uint64(1) << uint(n)
		if r.sh.sigs.pending.Load()&bit == 0 {
			continue
		}
		r.sh.sigs.pending.And(^bit)
		name := signalNames[syscall.Signal(n)]
		if h, ok := r.traps[name]; ok {
			if h != "" {
				r.runTrapIn(h, trapInSignal)
			}
			continue
		}
		if r.sh.sigs.watched.Load()&bit != 0 && r.mainShell() {
			r.dieOfSignal(syscall.Signal(n))
		}
	}
}

// mainShell reports whether r is the runner of its process, not an
// in-process subshell.
func (r *Runner) mainShell() bool {
	return r.subshell == 0 || r.sh.pid != os.Getpid()
}

// pendingDeath returns a pending watched signal without a trap, other
// than SIGINT, that should end the main shell now; or 0.
func (r *Runner) pendingDeath() syscall.Signal {
	s := &r.sh.sigs
	p := s.pending.Load() & s.watched.Load() &^ s.trapped.Load() &^ sigBit(syscall.SIGINT)
	if p == 0 || !r.mainShell() {
		return 0
	}
	for n := 1; n < 64; n++ {
		if p&sigBit(syscall.Signal(n)) != 0 {
			return syscall.Signal(n)
		}
	}
	return 0
}

// afterForegroundWait applies a SIGINT that arrived while the shell
// waited for a foreground job: a watching shell dies of it if the job
// died of it, and forgets it if the job handled it.
func (r *Runner) afterForegroundWait(job *exec.Job) {
	s := &r.sh.sigs
	bit := sigBit(syscall.SIGINT)
	if s.pending.Load()&bit == 0 || s.watched.Load()&bit == 0 || s.trapped.Load()&bit != 0 || !r.mainShell() {
		return
	}
	for _, ws := range job.Statuses() {
		if ws.Signaled() && ws.Signal() == syscall.SIGINT {
			s.pending.And(^bit)
			r.dieOfSignal(syscall.SIGINT)
		}
	}
	s.pending.And(^bit)
}

// The kinds of trap handler in Runner.trapsIn.
const (
	trapInDebug uint8 = 1 << iota
	trapInErr
	trapInOther // EXIT, RETURN
	trapInSignal
)

// runTrap runs a trap handler; $? is preserved around it.
func (r *Runner) runTrap(handler string) { r.runTrapIn(handler, trapInOther) }

// runTrapIn runs a trap handler of the given kind.
func (r *Runner) runTrapIn(handler string, kind uint8) {
	saved, savedLine := r.lastStatus, r.line
	savedIn, savedKinds := r.inTrap, r.trapsIn
	r.inTrap = true
	r.trapsIn |= kind
	// LINENO in the handler is the line of the command that triggered
	// it, as in bash: pad the handler to start on that line. A signal's
	// handler counts its own lines.
	pad := ""
	if kind != trapInSignal {
		pad = strings.Repeat("\n", int(max(r.line, 1))-1)
	}
	f, err := parseAll([]byte(pad+handler), "trap")
	if err == nil {
		r.stmts(f.Stmts)
	} else {
		r.errf("trap: %s", parseErrorText("", err))
	}
	r.inTrap, r.trapsIn = savedIn, savedKinds
	r.line = savedLine
	if !r.exiting {
		r.lastStatus = saved
	}
}

// trapKey normalises a trap's signal operand to its name ("INT", "EXIT").
func trapKey(s string) (string, syscall.Signal, bool) {
	up := strings.TrimPrefix(strings.ToUpper(s), "SIG")
	switch up {
	case "EXIT", "0":
		return "EXIT", 0, true
	case "ERR", "DEBUG", "RETURN":
		return up, 0, true
	}
	sig, ok := parseSignal(s)
	if !ok || sig == 0 {
		return "", 0, false
	}
	name, ok := signalNames[sig]
	return name, sig, ok
}

func builtinTrap(r *Runner, args []string) int {
	args = args[1:]
	dashdash := len(args) > 0 && args[0] == "--"
	if dashdash {
		args = args[1:]
	}
	if len(args) == 0 || args[0] == "-p" {
		names := args
		if len(names) > 0 {
			names = names[1:]
		}
		r.printTraps(names)
		return 0
	}
	if args[0] == "-l" {
		return builtinKill(r, []string{"kill", "-l"})
	}
	if a := args[0]; len(a) > 1 && a[0] == '-' && !dashdash {
		r.errf("trap: %s: invalid option", a)
		fmt.Fprintln(r.fds.writer(2), "trap: usage: trap [-lp] [[arg] signal_spec ...]")
		return 2
	}
	handler := args[0]
	sigs := args[1:]
	reset := false
	if handler == "-" {
		reset = true
	} else if isUnsignedInt(handler) {
		// POSIX: a first operand that is a number makes every operand a
		// condition to reset (trap 0 2).
		sigs, reset = args, true
	} else if len(sigs) == 0 {
		// trap SIG... with one operand: a number or signal resets it.
		if _, _, ok := trapKey(handler); ok {
			sigs, reset = args, true
		}
	}
	if len(sigs) == 0 {
		r.errf("trap: usage: trap [-lp] [[arg] signal_spec ...]")
		return 2
	}
	if !reset && handler != "" {
		if _, err := parseAll([]byte(handler), "trap"); err != nil {
			r.errf("trap: %s", parseErrorText("", err)[1:])
			return 1
		}
	}
	r.sh.ensureWatch() // before any disposition changes, as at start-up
	status := 0
	for _, s := range sigs {
		name, sig, ok := trapKey(s)
		if !ok {
			r.errf("trap: %s: invalid signal specification", s)
			status = 1
			continue
		}
		if sig != 0 && r.ignoredOnEntry(sig) {
			continue // POSIX: neither trapped nor reset, silently
		}
		r.traps = copyTraps(r.traps)
		if name == "EXIT" && r.subshell == 0 {
			r.sh.sigs.exitTrap.Store(!reset && handler != "")
		}
		if reset {
			delete(r.traps, name)
		} else {
			r.traps[name] = handler
		}
		if sig != 0 && sig != syscall.SIGKILL && sig != syscall.SIGSTOP {
			r.applyTrapDisposition(name, sig, reset, handler == "")
		}
	}
	return status
}

// ignoredOnEntry reports a signal that was ignored when this non-interactive
// shell started (an asynchronous list's SIGINT, say) and that no trap has
// changed since: POSIX lets such a shell neither trap nor reset it.
func (r *Runner) ignoredOnEntry(sig syscall.Signal) bool {
	return !r.opts.Interactive && r.sh.sigs.touched.Load()&sigBit(sig) == 0 && signal.Ignored(sig)
}

func copyTraps(t map[string]string) map[string]string {
	n := make(map[string]string, len(t)+1)
	for k, v := range t {
		n[k] = v
	}
	return n
}

// applyTrapDisposition makes the process's disposition match a trap: a
// handler catches the signal with signal.Notify; `trap ”` ignores it, so
// that children inherit the ignore as POSIX requires; `trap -` restores
// the shell's default.
func (r *Runner) applyTrapDisposition(name string, sig syscall.Signal, reset, ignore bool) {
	if r.subshell > 0 && r.sh.pid == os.Getpid() {
		// An in-process subshell cannot own process-wide dispositions;
		// its handlers still run for signals the parent catches.
		return
	}
	s := &r.sh.sigs
	s.init()
	// os/signal must find its own handler in place (see exec.DefaultSignal).
	exec.RestoreSignal(sig)
	bit := sigBit(sig)
	s.touched.Or(bit)
	switch {
	case reset:
		s.trapped.And(^bit)
		s.handlers.And(^bit)
	case ignore:
		s.trapped.Or(bit)
		s.handlers.And(^bit)
	default:
		s.trapped.Or(bit)
		s.handlers.Or(bit)
	}
	switch {
	case ignore:
		signal.Ignore(sig)
	case reset:
		signal.Reset(sig)
		if sig == syscall.SIGQUIT && !r.opts.Interactive {
			exec.DefaultSignal(sig) // sh's default, not Go's stack dump
		}
		if r.sh.onTrapReset != nil {
			r.sh.onTrapReset(sig)
		}
		if s.watched.Load()&bit != 0 {
			exec.NotifyOrdered(s.caught, sig)
		}
	default:
		exec.NotifyOrdered(s.caught, sig)
	}
}

func (r *Runner) printTraps(names []string) {
	keys := names
	if len(keys) == 0 {
		for k := range r.traps {
			keys = append(keys, k)
		}
		sort.Slice(keys, func(a, b int) bool { return trapOrder(keys[a]) < trapOrder(keys[b]) })
	}
	for _, k := range keys {
		name, _, ok := trapKey(k)
		if !ok {
			continue
		}
		h, set := r.traps[name]
		if !set {
			continue
		}
		if name != "EXIT" && name != "ERR" && name != "DEBUG" && name != "RETURN" {
			name = "SIG" + name
		}
		fmt.Fprintf(r.out(), "trap -- %s %s\n", shellQuote(h), name)
	}
}

func trapOrder(name string) int {
	if name == "EXIT" {
		return -1
	}
	if s, ok := parseSignal(name); ok {
		return int(s)
	}
	return 100 + len(name)
}

var _ = strconv.Itoa

// errTrap runs the ERR trap after st failed where set -e would apply.
// Inside functions, subshells and command substitutions it runs only
// under set -E (errtrace), as in bash.
func (r *Runner) errTrap(st *syntax.Stmt) {
	h, ok := r.traps["ERR"]
	if !ok || h == "" || r.trapsIn&(trapInErr|trapInOther) != 0 || (r.funcDepth > 0 && !r.opts.Errtrace) || st == r.asyncTop {
		return
	}
	if _, simple := st.Cmd.(*syntax.CallExpr); !simple && !isPipe(st.Cmd) {
		// A compound command's own failing command already ran the trap;
		// bash does not run it again for the compound. A subshell's
		// status and a failed redirection do count.
		switch st.Cmd.(type) {
		case *syntax.TestClause, *syntax.ArithmCmd, *syntax.LetClause, *syntax.DeclClause, *syntax.Subshell:
		default:
			if len(st.Redirs) == 0 || r.lastStatus == 0 {
				return
			}
		}
	}
	r.line = st.Pos().Line() // LINENO is the failing command's line
	r.setBashCommand(st)
	r.runTrapIn(h, trapInErr)
}

// setBashCommand sets $BASH_COMMAND to the text of the command a DEBUG or
// ERR trap is about to run for; it is kept only while such traps exist.
func (r *Runner) setBashCommand(st *syntax.Stmt) {
	r.vars.set("BASH_COMMAND", expand.Variable{Set: true, Kind: expand.String, Str: nodeText(st.Cmd)})
}

// debugTrapAt runs the DEBUG trap before a compound command's own step:
// each iteration of for, and case (bash runs it there too).
func (r *Runner) debugTrapAt(line uint, cmd syntax.Command) {
	h, ok := r.traps["DEBUG"]
	if !ok || h == "" || r.trapsIn&(trapInDebug|trapInOther) != 0 || (r.funcDepth > 0 && !r.opts.Functrace) {
		return
	}
	text, _, _ := strings.Cut(nodeText(cmd), ";")
	r.vars.set("BASH_COMMAND", expand.Variable{Set: true, Kind: expand.String, Str: text})
	r.line = line
	r.runTrapIn(h, trapInDebug)
}

// debugTrap runs the DEBUG trap before a simple command, [[ ]], (( )),
// let or declaration; in functions only under set -T (functrace).
func (r *Runner) debugTrap(st *syntax.Stmt) {
	h, ok := r.traps["DEBUG"]
	if !ok || h == "" || r.trapsIn&(trapInDebug|trapInOther) != 0 || (r.funcDepth > 0 && !r.opts.Functrace) {
		return
	}
	switch st.Cmd.(type) {
	case *syntax.CallExpr, *syntax.TestClause, *syntax.ArithmCmd, *syntax.LetClause, *syntax.DeclClause:
		r.setBashCommand(st)
		r.runTrapIn(h, trapInDebug)
	}
}

func isUnsignedInt(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}
