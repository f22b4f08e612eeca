package main

import (
	"fmt"
	"io"
	"os"
	"os/signal"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"

	goshexec "gosh/exec"
	"gosh/shell"

	"mvdan.cc/sh/v3/syntax"
)

// installSignals sets the shell's own signal handling: a non-interactive
// shell dies of SIGQUIT with the kernel's default action rather than Go's
// stack dump (goshexec.DefaultSignal, cheaper than catching it to die);
// every signal an interactive shell handles is caught with signal.Notify,
// so children start with default dispositions.
func installSignals(r *shell.Runner) {
	goshexec.DefaultSignal(syscall.SIGQUIT)
}

// interact runs the read-eval loop of an interactive shell.
func interact(r *shell.Runner, inv invocation, stdin, stdout, stderr *os.File) int {
	r.SetInteractive(true)
	// SIGQUIT is caught and does nothing, as in bash.
	goshexec.RestoreSignal(syscall.SIGQUIT)
	quit := make(chan os.Signal, 1)
	signal.Notify(quit, syscall.SIGQUIT)
	go func() {
		for range quit {
		}
	}()
	restore, err := setupJobControl(r, stdin)
	if err != nil {
		fmt.Fprintf(stderr, "gosh: no job control in this shell: %v\n", err)
	}
	defer restore()
	intr := make(chan os.Signal, 1)
	signal.Notify(intr, syscall.SIGINT, syscall.SIGTERM)
	go func() {
		for sig := range intr {
			if sig == syscall.SIGINT {
				r.Interrupt()
			}
		}
	}()
	// Order at startup, as bash: the startup file (~/.goshrc, or $ENV
	// in POSIX mode), then the history file (so the startup file may set
	// HISTFILE and HISTSIZE), then the loop. Each command is read whole
	// (PS2 for continuation lines while the parser says it is
	// incomplete), added to the history, and run. History needs no
	// saving at exit or hang-up: each command is in the file once read.
	if _, ok := os.LookupEnv("PS1"); !ok {
		r.SetVar("PS1", defaultPS1)
	}
	if rc := startupFile(r, inv); rc != "" {
		if src, err := os.ReadFile(rc); err == nil {
			r.RunSource(src, rc)
			if exiting, _ := r.Exiting(); exiting {
				return r.Exit()
			}
		}
	}
	setHistFile(r)
	hist := loadHistory(r)
	r.SetHistory(hist)
	defer r.SetHistory(nil)
	in := newLineReader(stdin, stdout, stderr, completer(r))
	defer in.Close()

	eofs := 0
	for {
		r.NotifyJobs()
		r.ClearInterrupt()
		// LINES and COLUMNS follow the terminal (bash's checkwinsize).
		if rows, cols, ok := in.Size(); ok {
			r.SetVar("LINES", strconv.Itoa(rows))
			r.SetVar("COLUMNS", strconv.Itoa(cols))
		}
		runPromptCommand(r)
		// Every prompt, not only after a change: it also puts the
		// editor's history position back at the newest entry.
		in.SetHistory(hist.Entries())
		in.SetPrompt(expandPrompt(r, r.Var("PS1"), hist.Next()))
		src, stmts, err := readCommand(r, in, hist, stderr)
		switch {
		case err == io.EOF:
			if ignore, ok := ignoreEOF(r); ok && eofs < ignore {
				eofs++
				fmt.Fprintf(stderr, "Use \"exit\" to leave the shell.\n")
				continue
			}
			if in.Editing() || isTTY(stderr) {
				fmt.Fprintln(stderr, "exit")
			}
			return r.Exit()
		case err == errHangup:
			return r.Exit()
		case err == errInterrupted:
			r.SetStatus(130)
			eofs = 0
			continue
		case err != nil:
			return r.Exit()
		}
		eofs = 0
		hist.Add(r, src)
		if stmts == nil {
			continue // a syntax error, reported
		}
		r.RunInteractive(stmts)
		if exiting, _ := r.Exiting(); exiting {
			return r.Exit()
		}
	}
}

// readCommand reads lines until they parse as a complete command (PS2
// before each continuation line). It returns the source, and its
// statements, or nil after reporting a syntax error or a history
// reference that matches nothing. Ctrl-C gives
// errInterrupted, and end of input io.EOF on an empty first line (at a
// continuation line it is a syntax error, as in bash).
func readCommand(r *shell.Runner, in *lineReader, hist *History, stderr io.Writer) (string, []*syntax.Stmt, error) {
	parser := syntax.NewParser(syntax.Variant(syntax.LangBash))
	src := ""
	for {
		line, err := in.ReadLine()
		if err == io.EOF && src != "" {
			fmt.Fprintf(stderr, "gosh: syntax error: unexpected end of file\n")
			r.SetStatus(2)
			return src, nil, nil
		}
		if err != nil {
			return "", nil, err
		}
		// History expansion, line by line as bash does: the expanded
		// line is shown, and a failed reference drops the command.
		expanded, changed, err := hist.Expand(line)
		if err != nil {
			fmt.Fprintf(stderr, "gosh: %v\n", err)
			r.SetStatus(1)
			return "", nil, nil
		}
		if changed {
			fmt.Fprintln(stderr, expanded)
			line = expanded
		}
		src += line + "\n"
		f, err := parser.Parse(strings.NewReader(src), "")
		if err != nil && syntax.IsIncomplete(err) {
			in.SetPrompt(expandPrompt(r, r.Var("PS2"), 0))
			continue
		}
		if err != nil {
			fmt.Fprintf(stderr, "gosh: %s\n", strings.TrimPrefix(err.Error(), ":"))
			r.SetStatus(2)
			return src, nil, nil
		}
		if f.Stmts == nil {
			f.Stmts = []*syntax.Stmt{}
		}
		return src, f.Stmts, nil
	}
}

// startupFile returns the file an interactive shell reads first, or "":
// in POSIX mode (invoked as sh, or POSIXLY_CORRECT set) the expansion of
// $ENV; otherwise --rcfile's file or ~/.goshrc, unless --norc. Only
// absolute paths are read (never a file in the current directory because
// HOME or ENV is empty or relative).
func startupFile(r *shell.Runner, inv invocation) string {
	if inv.norc {
		return ""
	}
	if filepath.Base(r.Var("0")) == "sh" || r.IsSet("POSIXLY_CORRECT") {
		env := r.Var("ENV")
		if env == "" {
			return ""
		}
		env = r.ExpandPrompt(env)
		if !filepath.IsAbs(env) {
			return ""
		}
		return env
	}
	if inv.rcfile != "" {
		return inv.rcfile
	}
	home := r.Var("HOME")
	if !filepath.IsAbs(home) {
		return ""
	}
	return filepath.Join(home, ".goshrc")
}

// ignoreEOF returns how many Ctrl-D on an empty line to ignore: the value
// of IGNOREEOF, 10 when it is set but not a number.
func ignoreEOF(r *shell.Runner) (int, bool) {
	if !r.IsSet("IGNOREEOF") {
		return 0, false
	}
	n, err := strconv.Atoi(strings.TrimSpace(r.Var("IGNOREEOF")))
	if err != nil {
		n = 10
	}
	return n, true
}

// runPromptCommand runs $PROMPT_COMMAND before the primary prompt,
// leaving $? as the last command set it.
func runPromptCommand(r *shell.Runner) {
	pc := r.Var("PROMPT_COMMAND")
	if pc == "" {
		return
	}
	st := r.Status()
	r.RunSource([]byte(pc), "PROMPT_COMMAND")
	r.SetStatus(st)
}

func dieBySignal(sig syscall.Signal) { goshexec.DieBySignal(sig) }
