package shell

import (
	"bytes"
	"strings"

	"mvdan.cc/sh/v3/syntax"
)

// The parser wants an expression after each colon of ${x:offset:length},
// where bash takes an empty one as 0: ${a[@]::} and ${a[@]:1:} are empty,
// ${x: } is all of x. (${x:}, with nothing at all after the only colon,
// stays an error, as bash's bad substitution.) parseEmptySlices puts the
// 0 in.

// parseEmptySlices parses src after writing a 0 after each colon a parse
// error says lacks its expression.
func parseEmptySlices(src []byte, name string, err error) (*syntax.File, bool) {
	return reparse(src, name, err, emptySliceFix, func(*syntax.File) bool { return true })
}

// emptySliceFix inserts 0 after the colon at pe when only blanks are
// between it and the closing brace, and either there are blanks or the
// colon is the one before the length.
func emptySliceFix(src []byte, pe syntax.ParseError) ([]byte, bool) {
	off := int(pe.Pos.Offset())
	if !strings.Contains(pe.Text, "`:` must be followed by an expression") || off >= len(src) || src[off] != ':' {
		return nil, false
	}
	rest := src[off+1:]
	blanks := len(rest) - len(bytes.TrimLeft(rest, " \t"))
	if blanks == len(rest) || rest[blanks] != '}' {
		return nil, false
	}
	if blanks == 0 {
		start := bytes.LastIndex(src[:off], []byte("${"))
		if start < 0 || !bytes.Contains(src[start+2:off], []byte(":")) {
			return nil, false // ${x:}
		}
	}
	fixed := append([]byte(nil), src[:off+1]...)
	fixed = append(fixed, '0')
	return append(fixed, rest...), true
}
