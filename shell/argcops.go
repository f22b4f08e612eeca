package shell

import (
	"bytes"
	"strings"

	"mvdan.cc/sh/v3/syntax"
)

// The parser rejects ${###}, ${##2} and the like: $# with a # ## % or %%
// operator, which bash reads that way (${##} alone is the length of $#).
// parseArgcOps rewrites each into a substitution that applies the
// operator to a copy of $#.

// parseArgcOps parses src after rewriting the ${#op...} each parse error
// points at.
func parseArgcOps(src []byte, name string, err error) (*syntax.File, bool) {
	return reparse(src, name, err, argcOpFix, func(*syntax.File) bool { return true })
}

// argcOpFix rewrites the last ${#op word} that starts before the error pe
// into $(n=$#; printf %s "${n op word}").
func argcOpFix(src []byte, pe syntax.ParseError) ([]byte, bool) {
	if !strings.Contains(pe.Text, "cannot combine multiple parameter expansion operators") {
		return nil, false
	}
	i := bytes.LastIndex(src[:min(int(pe.Pos.Offset())+1, len(src))], []byte("${#"))
	if i < 0 {
		return nil, false
	}
	start := i + len("${#")
	n := bytes.IndexAny(src[start:], "}{\n")
	if n < 0 || src[start+n] != '}' {
		return nil, false
	}
	body := string(src[start : start+n])
	op := ""
	for _, o := range []string{"##", "#", "%%", "%"} {
		if strings.HasPrefix(body, o) {
			op = o
			break
		}
	}
	if op == "" {
		return nil, false
	}
	repl := `$(n=$#; printf %s "${n` + body + `}")`
	fixed := append([]byte(nil), src[:i]...)
	fixed = append(fixed, repl...)
	return append(fixed, src[start+n+1:]...), true
}
