package shell

import (
	"bytes"
	"slices"

	"mvdan.cc/sh/v3/syntax"
)

// bash reads `$((` and `((` by trying arithmetic first: text that does not
// parse as an expression is a command substitution or a subshell holding
// a subshell, as in $((cmd) 2>/dev/null) or ((a); b), unless it is closed
// by `))`, which makes it arithmetic, and an error. The parser commits to
// arithmetic, so parseAll retries with a space put into such a `((`
// (parseSpaced), and rejects a POSIX-mode parse that turned `((` ... `))`
// into two subshells (arithAsSubshells).

// maxSpacedRetries bounds the reparses a program with errors may cost.
const maxSpacedRetries = 8

// parseSpaced parses src in bash mode after putting a space into the last
// `((` that starts before each parse error, up to maxSpacedRetries times.
// Each `((` spaced must not be closed by `))`.
func parseSpaced(src []byte, name string, err error) (*syntax.File, bool) {
	var spaces []int // offsets of the spaces put in, in the current src
	for range maxSpacedRetries {
		var pe syntax.ParseError
		if !asParseError(err, &pe) {
			return nil, false
		}
		end := min(int(pe.Pos.Offset())+2, len(src))
		i := bytes.LastIndex(src[:end], []byte("(("))
		if i < 0 {
			return nil, false
		}
		sp := i + 1
		for k, s := range spaces {
			if s >= sp {
				spaces[k]++
			}
		}
		spaces = append(spaces, sp)
		src = slices.Insert(slices.Clone(src), sp, ' ')
		var f *syntax.File
		f, err = newParser(false).Parse(newGuardReader(bytes.NewReader(src)), name)
		if err == nil {
			if checkFuncNames(f) != nil || closedAsArith(f, spaces) {
				return nil, false
			}
			return f, true
		}
		if isTooDeep(err) {
			return nil, false
		}
	}
	return nil, false
}

// closedAsArith reports a `$( (` or `( (` made by putting a space at one
// of spaces that the parse closed with two adjacent parentheses.
func closedAsArith(f *syntax.File, spaces []int) bool {
	found := false
	spaced := func(p syntax.Pos) bool { return slices.Contains(spaces, int(p.Offset())) }
	syntax.Walk(f, func(n syntax.Node) bool {
		switch n := n.(type) {
		case *syntax.CmdSubst:
			if len(n.Stmts) == 1 && spaced(posAdd(n.Left, 2)) {
				if in, ok := n.Stmts[0].Cmd.(*syntax.Subshell); ok && in.Rparen.Offset()+1 == n.Right.Offset() {
					found = true
				}
			}
		case *syntax.Subshell:
			if len(n.Stmts) == 1 && spaced(posAdd(n.Lparen, 1)) {
				if in, ok := n.Stmts[0].Cmd.(*syntax.Subshell); ok && in.Rparen.Offset()+1 == n.Rparen.Offset() {
					found = true
				}
			}
		}
		return !found
	})
	return found
}

func posAdd(p syntax.Pos, n uint) syntax.Pos { return syntax.NewPos(p.Offset()+n, p.Line(), p.Col()+n) }

// arithAsSubshells reports a subshell in f that opens with `((` and
// closes with `))`, both adjacent: bash reads that as arithmetic.
func arithAsSubshells(f *syntax.File) bool {
	found := false
	syntax.Walk(f, func(n syntax.Node) bool {
		outer, ok := n.(*syntax.Subshell)
		if !ok || found || len(outer.Stmts) != 1 {
			return !found
		}
		inner, ok := outer.Stmts[0].Cmd.(*syntax.Subshell)
		if ok && inner.Lparen.Offset() == outer.Lparen.Offset()+1 && inner.Rparen.Offset()+1 == outer.Rparen.Offset() {
			found = true
		}
		return !found
	})
	return found
}
