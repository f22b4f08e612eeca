package main

import "gosh/shell"

// defaultPS1 is the prompt of an interactive shell whose environment has
// no PS1: user@host:dir$ , as most distributions' bashrc set it.
const defaultPS1 = `\u@\h:\w\$ `

// expandPrompt expands a prompt string; the escapes are the shell
// package's, shared with ${x@P}.
func expandPrompt(r *shell.Runner, ps string, histNum int) string {
	return r.PromptString(ps, histNum)
}
