package shell

import (
	"bytes"
	"fmt"
	"strings"

	"mvdan.cc/sh/v3/syntax"
)

// Alias expansion.
//
// mvdan's parser does not expand aliases, so gosh expands them when a
// simple command is about to run: if aliases are on (an interactive shell,
// or shopt -s expand_aliases) and the command's first word is an unquoted
// literal naming an alias, the command is rewritten as text (the alias
// value in place of that word, the other words printed back as source),
// re-parsed and run. The value may hold several commands, pipes or
// keywords, as in bash. Within one value, a first word naming another
// alias is replaced in turn, each alias at most once (so alias ls='ls -F'
// ends); a value ending in a blank makes the next word subject to
// expansion too.
//
// Bash expands aliases when it reads a line, so an alias defined on a line
// does not apply to the rest of that line. gosh records the line where
// each alias was defined (in the alias map under a key "\x00" + name that
// the alias builtin hides) and does not expand it in a command of the same
// script on that line or before. A difference remains: bash expands
// aliases in a function body when the function is defined, gosh when each
// command runs, so an alias defined after a function applies inside it.

// aliasDefKey is the hidden key under which an alias's definition site is
// kept in the alias map.
func aliasDefKey(name string) string { return "\x00" + name }

// aliasUsable reports whether alias name may expand in a command at the
// runner's current line.
func (r *Runner) aliasUsable(name string) (string, bool) {
	return r.aliasUsableAt(name, r.line)
}

// aliasUsableAt is aliasUsable for a command at line of the current script.
func (r *Runner) aliasUsableAt(name string, at uint) (string, bool) {
	val, ok := r.aliases[name]
	if !ok || strings.HasPrefix(name, "\x00") {
		return "", false
	}
	if def, ok := r.aliases[aliasDefKey(name)]; ok {
		var line uint
		script, rest, _ := strings.Cut(def, "\x00")
		fmt.Sscan(rest, &line)
		if script == r.script && at <= line {
			return "", false
		}
	}
	return val, true
}

// aliasApplies reports whether a simple command's first word is an alias
// to expand (pipeline stages use it to run such a command in-process).
func (r *Runner) aliasApplies(ce *syntax.CallExpr) bool {
	if !(r.opts.ExpandAliases || r.opts.Interactive) || len(r.aliases) == 0 || len(ce.Args) == 0 {
		return false
	}
	first := ce.Args[0].Lit()
	if first == "" {
		return false
	}
	_, ok := r.aliasUsable(first)
	return ok
}

// aliasCall expands the aliases of a simple command and runs the result.
// ok is false when no alias applies and the command should run as is.
func (r *Runner) aliasCall(ce *syntax.CallExpr) (status int, ok bool) {
	if !r.aliasApplies(ce) {
		return 0, false
	}
	first := ce.Args[0].Lit()
	val, _ := r.aliasUsable(first)
	text := r.expandFirst(val, map[string]bool{first: true})
	rest := ce.Args[1:]
	// A value ending in a blank exposes the next word to expansion (a
	// fresh expansion: the same alias may expand again there).
	for len(rest) > 0 && (strings.HasSuffix(text, " ") || strings.HasSuffix(text, "\t")) {
		w := rest[0].Lit()
		v, ok := r.aliasUsable(w)
		if w == "" || !ok {
			break
		}
		text += r.expandFirst(v, map[string]bool{w: true})
		rest = rest[1:]
	}
	var b bytes.Buffer
	pr := syntax.NewPrinter()
	for _, as := range ce.Assigns {
		pr.Print(&b, &syntax.CallExpr{Assigns: []*syntax.Assign{as}})
		b.WriteByte(' ')
	}
	b.WriteString(text)
	for _, w := range rest {
		b.WriteByte(' ')
		pr.Print(&b, w)
	}
	// Pad with newlines so positions in messages keep the command's line.
	src := strings.Repeat("\n", int(max(r.line, 1))-1) + b.String() + "\n"
	f, err := newParser(false).Parse(strings.NewReader(src), r.script)
	if err != nil {
		r.syntaxError(r.script, err)
		return 2, true
	}
	r.stmts(f.Stmts)
	return r.lastStatus, true
}

// expandFirst replaces the first word of an alias value while it names
// another alias not yet expanded. A first word that names an alias
// already expanded is escaped with a backslash, which keeps its meaning
// but stops the re-parsed command from being expanded again.
func (r *Runner) expandFirst(text string, seen map[string]bool) string {
	for {
		trimmed := strings.TrimLeft(text, " \t")
		end := strings.IndexAny(trimmed, " \t\n;&|()<>")
		if end < 0 {
			end = len(trimmed)
		}
		word := trimmed[:end]
		v, ok := r.aliasUsable(word)
		if word == "" || !ok {
			return text
		}
		if seen[word] {
			return text[:len(text)-len(trimmed)] + `\` + trimmed
		}
		seen[word] = true
		text = text[:len(text)-len(trimmed)] + v + trimmed[end:]
	}
}
