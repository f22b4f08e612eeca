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

	"mvdan.cc/sh/v3/expand"
	"mvdan.cc/sh/v3/syntax"
)

func init() {
	builtins["trap"] = builtinTrap
}

// sigState receives the signals that have traps: caught with
// signal.Notify, recorded as pending, and handled by the runner between
// commands.
type sigState struct {
	once    sync.Once
	ch      chan os.Signal
	pending atomic.Uint64 // bit n: signal n arrived
	mu      sync.Mutex
	wakeCh  chan struct{} // closed and replaced when a signal arrives
}

func (s *sigState) init() {
	s.once.Do(func() {
		s.ch = make(chan os.Signal, 16)
		s.wakeCh = make(chan struct{})
		go func() {
			for sig := range s.ch {
				n := sig.(syscall.Signal)
				s.pending.Or(1 << uint(n))
				s.mu.Lock()
				close(s.wakeCh)
				s.wakeCh = make(chan struct{})
				s.mu.Unlock()
			}
		}()
	})
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

// runPendingTraps runs the handlers of signals that arrived.
func (r *Runner) runPendingTraps() {
	if r.sh.sigs.pending.Load() == 0 || r.inTrap {
		return
	}
	for n := 1; n < 64; n++ {
		bit := uint64(1) << uint(n)
		if r.sh.sigs.pending.Load()&bit == 0 {
			continue
		}
		r.sh.sigs.pending.And(^bit)
		name := signalNames[syscall.Signal(n)]
		if h, ok := r.traps[name]; ok && h != "" {
			r.runTrap(h)
		}
	}
}

// runTrap runs a trap handler; $? is preserved around it.
func (r *Runner) runTrap(handler string) {
	saved, savedLine := r.lastStatus, r.line
	r.inTrap = true
	// LINENO in the handler is the line of the command that triggered
	// it, as in bash: pad the handler to start on that line.
	pad := strings.Repeat("\n", int(max(r.line, 1))-1)
	f, err := parseAll([]byte(pad+handler), "trap")
	if err == nil {
		r.stmts(f.Stmts)
	} else {
		r.errf("trap: %s", parseErrorText("", err))
	}
	r.inTrap = false
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
	if len(args) > 0 && args[0] == "--" {
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
	status := 0
	for _, s := range sigs {
		name, sig, ok := trapKey(s)
		if !ok {
			r.errf("trap: %s: invalid signal specification", s)
			status = 1
			continue
		}
		r.traps = copyTraps(r.traps)
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
	r.sh.sigs.init()
	switch {
	case ignore:
		signal.Ignore(sig)
	case reset:
		signal.Reset(sig)
		if r.sh.onTrapReset != nil {
			r.sh.onTrapReset(sig)
		}
	default:
		signal.Notify(r.sh.sigs.ch, sig)
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
	if !ok || h == "" || r.inTrap || (r.funcDepth > 0 && !r.opts.Errtrace) {
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
	r.runTrap(h)
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
	if !ok || h == "" || r.inTrap || (r.funcDepth > 0 && !r.opts.Functrace) {
		return
	}
	text, _, _ := strings.Cut(nodeText(cmd), ";")
	r.vars.set("BASH_COMMAND", expand.Variable{Set: true, Kind: expand.String, Str: text})
	r.line = line
	r.runTrap(h)
}

// debugTrap runs the DEBUG trap before a simple command, [[ ]], (( )),
// let or declaration; in functions only under set -T (functrace).
func (r *Runner) debugTrap(st *syntax.Stmt) {
	h, ok := r.traps["DEBUG"]
	if !ok || h == "" || r.inTrap || (r.funcDepth > 0 && !r.opts.Functrace) {
		return
	}
	switch st.Cmd.(type) {
	case *syntax.CallExpr, *syntax.TestClause, *syntax.ArithmCmd, *syntax.LetClause, *syntax.DeclClause:
		r.setBashCommand(st)
		r.runTrap(h)
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
