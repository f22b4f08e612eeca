// Command gosh is a Unix shell whose pipelines are real processes joined by
// kernel pipes it creates itself, with a tracer that shows what flows
// through them.
//
// main only wires things up: it parses the invocation (sh's options, -c,
// a script file, a script on stdin, or an interactive session), builds a
// shell.Runner and hands it the program. The interactive loop (repl.go)
// reads lines through lineread.go: readline when stdin and stdout are
// terminals, a plain reader otherwise. readline is imported nowhere else.
package main
