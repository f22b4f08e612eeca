package shell

import (
	"strings"

	"mvdan.cc/sh/v3/syntax"
)

// The parser reads @(a|b) and the other extended patterns of [[ ]] and
// case only when something is between the parentheses; bash takes @() as
// a pattern that matches the empty string (and !() as one that matches
// any other). parseEmptyExtGlobs retries with @(|), which means the same.

// parseEmptyExtGlobs parses src after writing a | into each empty extended
// pattern a parse error points at.
func parseEmptyExtGlobs(src []byte, name string, err error) (*syntax.File, bool) {
	return reparse(src, name, err, emptyExtGlobFix, func(*syntax.File) bool { return true })
}

// emptyExtGlobFix makes the () at pe, after one of @?*+!, a (|), where the
// error is one of [[ ]] or a case pattern.
func emptyExtGlobFix(src []byte, pe syntax.ParseError) ([]byte, bool) {
	off := int(pe.Pos.Offset())
	if !strings.Contains(pe.Text, "not a valid test operator: `(`") && !strings.Contains(pe.Text, "case patterns must be separated with `|`") ||
		off < 1 || off+1 >= len(src) || src[off] != '(' || src[off+1] != ')' || !strings.ContainsRune("@?*+!", rune(src[off-1])) {
		return nil, false
	}
	fixed := append([]byte(nil), src[:off+1]...)
	fixed = append(fixed, '|')
	return append(fixed, src[off+1:]...), true
}
