// Command gosh is a Unix shell whose pipelines are real processes joined by
// kernel pipes it creates itself, with a tracer that shows what flows
// through them.
//
// main only wires things up: it parses the invocation (sh's options, -c,
// a script file, a script on stdin, or an interactive session), builds a
// shell.Runner and hands it the program. The interactive loop (repl.go)
// reads lines through lineread.go: readline when stdin and stdout are
// terminals, a plain reader otherwise. readline is imported nowhere else.
// history.go keeps the session's history (saved to HISTFILE as each
// command is entered) and hands it to the Runner as a shell.HistoryList
// for the history and fc builtins; complete.go's Tab follows the
// completion specs complete stored in the Runner (Runner.Complete).
//
// Job control (jobctl.go) starts with the REPL: gosh waits for the
// foreground (stopped by SIGTTIN while in the background), takes a process
// group and the terminal of its own through exec.Terminal, and catches the
// terminal's stop signals so that only its jobs stop. signals.go ends an
// interactive shell on SIGHUP (its jobs get SIGHUP, hooks such as the
// history's run, then gosh dies by it). A script's shell catches the
// terminating signals through the Runner (WatchFatalSignals) so that it
// runs its EXIT trap and then dies by the signal, as sh does.
package main
