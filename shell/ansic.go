package shell

import (
	"fmt"
	"strings"

	"mvdan.cc/sh/v3/syntax"
)

// mvdan's expand decodes $'...' with its printf escapes, which lack \cX
// (the control character X & 0x1f, \c? being DEL). gosh rewrites each \cX
// in the quoted text to the \xHH escape of that character first.

// ctrlEscapes reports a $'...' part with a \c escape in it.
func ctrlEscapes(p *syntax.SglQuoted) bool {
	return p.Dollar && strings.Contains(p.Value, `\c`)
}

// withCtrlEscapes returns p with its \cX escapes written as \xHH.
func withCtrlEscapes(p *syntax.SglQuoted) *syntax.SglQuoted {
	s := p.Value
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if s[i] != '\\' || i+1 == len(s) {
			b.WriteByte(s[i])
			continue
		}
		if s[i+1] != 'c' || i+2 == len(s) {
			b.WriteString(s[i : i+2]) // another escape: expand decodes it
			i++
			continue
		}
		x := s[i+2]
		i += 2
		if x == '\\' && i+1 < len(s) && s[i+1] == '\\' {
			i++ // \c\\ is control-backslash
		}
		c := x & 0x1f
		if x == '?' {
			c = 0x7f
		}
		fmt.Fprintf(&b, `\x%02x`, c)
	}
	q := *p
	q.Value = b.String()
	return &q
}
