package shell

import (
	"io"
	"sort"

	"mvdan.cc/sh/v3/expand"
)

// This file is the interactive shell's window into the Runner
// (cmd/gosh's repl, completion and prompt): names to complete, the
// runner's output streams, and a way to add the history builtin, which
// lives with the history it lists.

// RegisterBuiltin adds or replaces the builtin name. It is meant for
// package init functions (it is not safe to call while a Runner runs).
// f gets its argv (args[0] is the name) and writes through r.Stdout and
// r.Stderr.
func RegisterBuiltin(name string, f func(r *Runner, args []string) int) {
	builtins[name] = f
}

// Stdout is the runner's fd 1 as the current command sees it.
func (r *Runner) Stdout() io.Writer { return r.out() }

// Stderr is the runner's fd 2 as the current command sees it.
func (r *Runner) Stderr() io.Writer { return r.errOut() }

// Dir is the shell's working directory.
func (r *Runner) Dir() string { return r.dir }

// CommandNames returns the sorted names of builtins, functions and
// aliases (not PATH executables).
func (r *Runner) CommandNames() []string {
	seen := make(map[string]bool)
	for name := range builtins {
		seen[name] = true
	}
	for name := range r.funcs {
		seen[name] = true
	}
	for name := range r.aliases {
		seen[name] = true
	}
	return sortedKeys(seen)
}

// VarNames returns the sorted names of the set variables.
func (r *Runner) VarNames() []string {
	seen := make(map[string]bool)
	r.vars.each(func(name string, v expand.Variable) bool {
		if v.IsSet() {
			seen[name] = true
		}
		return true
	})
	return sortedKeys(seen)
}

// JobCount is the number of jobs in the job table (the prompt's \j).
func (r *Runner) JobCount() int { return len(r.jobs.Jobs()) }

func sortedKeys(m map[string]bool) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// SetVar sets a shell variable as an assignment name=val would.
func (r *Runner) SetVar(name, val string) error { return r.setVarString(name, val) }

// IsSet reports whether the variable name is set.
func (r *Runner) IsSet(name string) bool { return runnerEnv{r}.Get(name).IsSet() }
