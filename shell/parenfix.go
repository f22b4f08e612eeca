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

// maxRetries bounds the reparses one fix may cost a program with errors.
const maxRetries = 8

// reparse parses src in bash mode after fix has changed it at each parse
// error, up to maxRetries times. ok reports whether the fixed source
// parsed and passed check.
func reparse(src []byte, name string, err error, fix func(src []byte, pe syntax.ParseError) ([]byte, bool), check func(*syntax.File) bool) (*syntax.File, bool) {
	for range maxRetries {
		var pe syntax.ParseError
		if !asParseError(err, &pe) {
			return nil, false
		}
		var ok bool
		if src, ok = fix(src, pe); !ok {
			return nil, false
		}
		var f *syntax.File
		f, err = newParser(false).Parse(newGuardReader(bytes.NewReader(src)), name)
		if err == nil {
			return f, checkFuncNames(f) == nil && check(f)
		}
		if isTooDeep(err) {
			return nil, false
		}
	}
	return nil, false
}

// parseSpaced parses src in bash mode after putting a space into the last
// `((` that starts before each parse error. Each `((` spaced must not be
// closed by `))`.
func parseSpaced(src []byte, name string, err error) (*syntax.File, bool) {
	var spaces []int // offsets of the spaces put in, in the current src
	fix := func(src []byte, pe syntax.ParseError) ([]byte, bool) {
		i := bytes.LastIndex(src[:min(int(pe.Pos.Offset())+2, len(src))], []byte("(("))
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
		return slices.Insert(slices.Clone(src), sp, ' '), true
	}
	return reparse(src, name, err, fix, func(f *syntax.File) bool { return !closedAsArith(f, spaces) })
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
