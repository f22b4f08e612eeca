// Package shell interprets shell programs parsed by mvdan.cc/sh/v3/syntax.
//
// A Runner holds one shell's state, grouped by lifetime: what every
// subshell shares (the process's pid, the signal state, hooks), what a
// subshell copies (variables, functions, options, directory, the fd
// table, traps), and what one run changes ($?, control flow). It walks the
// syntax tree directly: &&, ||, !, if, while and case only combine
// statuses; break, continue, return and exit are fields of the Runner,
// not errors.
//
// The fd table (fdTable) is a slice indexed by fd number whose entries are
// reference-counted open files; child processes see exactly that table.
// Redirections on a command edit a clone that is released afterwards, so
// nothing is restored by hand, and each open file is closed by the last
// table that names it.
//
// A pipeline is flattened into stages, each a subshell copy of the Runner.
// Stages that name external programs are started by package exec as real
// processes joined by pipes created here, in one process group under job
// control. Builtins, functions and compound commands run on goroutines
// that read and write the same kernel pipes, so they stream; a write into
// a pipe whose reader is gone ends such a stage with status 141, as
// SIGPIPE ends a process. Command substitution runs in-process the same
// way. A background job that is not a plain external pipeline runs in a
// re-executed gosh (see subshell.go) so that $! is a real pid. An
// in-process subshell's $BASHPID is a number above pid_max, its own but
// no process's (bashpid.go). With shopt -s lastpipe and no job control
// the last stage runs in the Runner itself, not a copy.
//
// Parsing (parseAll in interp.go): source reaches the parser through a
// guard (srcguard.go) that escapes bytes the parser would reject or drop
// and bounds nesting. Where the bash-mode parser rejects valid bash, the
// program is parsed again after a local fix: a space in a (( that is not
// arithmetic (parenfix.go), ${##2} rewritten (argcops.go), a 0 for the
// empty offset or length of ${a[@]::} (sliceempty.go), @(|) for an empty
// @() (extglobempty.go), then POSIX mode.
// A program that still does not parse runs up to the line that holds the
// error.
//
// Word expansion is mvdan.cc/sh/v3/expand, wired to the Runner through
// runnerEnv (variables and special parameters) and the command and process
// substitution callbacks. Forms expand lacks or gets wrong are rewritten
// in a copy of the word first (parampat.go, paramops.go, patsub.go):
// gosh computes the value, holds it in a hidden temporary variable of
// runnerEnv, and hands expand a reference to it with the original
// quoting. Prompt escapes (PS1, ${x@P}) are in prompt.go.
// Arithmetic is gosh's own (arith.go): (( )),
// let, for (( )) and array subscripts call it directly, and fixWord
// evaluates $(( )) and subscripts in words ahead of expand where the order
// of evaluation allows (evalorder.go). Other forms expand gets wrong are
// rewritten first, on a copy of the word (parampat.go and the files it
// names), into words it expands correctly. Words that carry a glob pattern
// get gosh's own pathname expansion instead (glob.go): fields are built
// with their quoted characters escaped and matched against directory
// entries by globMatcher (globmatch.go), which also serves !(list) in case
// and [[ ]]; it applies extglob, GLOBIGNORE, failglob, dotglob, globstar
// and nocaseglob as bash does.
//
// Jobs and signals (jobs.go, trap.go, pipeline.go): under job control
// (set -m with a terminal, WithTerminal) each foreground job gets its own
// process group and the terminal, and waitJob takes the terminal back when
// it exits or stops; a stopped job goes into the table of the main runner,
// with any pipeline stages still running in the shell as its Rest. Signals
// the shell catches (traps, and in scripts the terminating signals) arrive
// on the reaper's goroutine in order with children's exits; they are
// recorded as pending and acted on between commands by the runner of the
// process, never by an in-process subshell. A SIGINT that arrives while a
// foreground child runs kills a script only if it killed the child too.
//
// Interactive features the builtins keep state for: complete's
// completion specs and bind's readline tables are Runner fields that
// subshells share until they change them (copy on write); Runner.Complete
// runs a spec for the REPL's Tab. The history and fc builtins work on a
// HistoryList, the REPL's (SetHistory) or else one in memory.
//
// A Runner is not safe for concurrent use; subshells get their own copy.
// This package never imports os/exec.
package shell
