package main

import (
	"fmt"
	"io"
	"os"
	"os/signal"
	"path/filepath"
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
	intr := make(chan os.Signal, 1)
	signal.Notify(intr, syscall.SIGINT, syscall.SIGTERM)
	go func() {
		for sig := range intr {
			if sig == syscall.SIGINT {
				r.Interrupt()
			}
		}
	}()
	if !inv.norc {
		rc := inv.rcfile
		if rc == "" {
			if home, err := os.UserHomeDir(); err == nil {
				rc = filepath.Join(home, ".goshrc")
			}
		}
		if src, err := os.ReadFile(rc); err == nil {
			r.RunSource(src, rc)
		}
	}
	in := newLineReader(stdin, stderr)
	parser := syntax.NewParser(syntax.Variant(syntax.LangBash))
	for {
		r.NotifyJobs()
		r.ClearInterrupt()
		in.SetPrompt(prompt(r, "PS1"))
		src := ""
		var stmts []*syntax.Stmt
		var perr error
		for {
			line, err := in.ReadLine()
			if err != nil {
				if src == "" || err != io.EOF {
					if err == io.EOF {
						fmt.Fprintln(stderr, "exit")
						return r.Exit()
					}
					if err == errInterrupted {
						src = ""
						r.SetStatus(130)
						break
					}
				}
				return r.Exit()
			}
			src += line + "\n"
			f, err := parser.Parse(strings.NewReader(src), "")
			if err != nil && syntax.IsIncomplete(err) {
				in.SetPrompt(prompt(r, "PS2"))
				continue
			}
			if err != nil {
				perr = err
			} else {
				stmts = f.Stmts
			}
			break
		}
		if perr != nil {
			fmt.Fprintf(stderr, "gosh: %s\n", strings.TrimPrefix(perr.Error(), ":"))
			r.SetStatus(2)
			continue
		}
		if strings.TrimSpace(src) != "" {
			in.AddHistory(strings.TrimRight(src, "\n"))
		}
		r.RunInteractive(stmts)
		if exiting, _ := r.Exiting(); exiting {
			return r.Exit()
		}
	}
}

// prompt expands PS1 or PS2.
func prompt(r *shell.Runner, name string) string {
	return r.ExpandPrompt(r.Var(name))
}

func dieBySignal(sig syscall.Signal) { goshexec.DieBySignal(sig) }
