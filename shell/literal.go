package shell

import (
	"strings"

	"mvdan.cc/sh/v3/syntax"
)

// literalWord prepares a word for expand.Literal, which (unlike
// expand.Fields) keeps the backslashes of unquoted literal text: in
// x=a\b or case a\b in, sh removes them. Each top-level literal part
// holding a backslash is split so that every escaped character becomes a
// single-quoted part, which Literal copies as is. The syntax tree is not
// modified; words without such a backslash are returned unchanged.
func literalWord(w *syntax.Word) *syntax.Word {
	if w == nil {
		return nil
	}
	var parts []syntax.WordPart
	for i, p := range w.Parts {
		lit, ok := p.(*syntax.Lit)
		if !ok || !strings.Contains(lit.Value, `\`) {
			if parts != nil {
				parts = append(parts, p)
			}
			continue
		}
		if parts == nil {
			parts = append(make([]syntax.WordPart, 0, len(w.Parts)+2), w.Parts[:i]...)
		}
		s := lit.Value
		var plain strings.Builder
		flush := func() {
			if plain.Len() > 0 {
				parts = append(parts, &syntax.Lit{ValuePos: lit.ValuePos, ValueEnd: lit.ValueEnd, Value: plain.String()})
				plain.Reset()
			}
		}
		for k := 0; k < len(s); k++ {
			if s[k] != '\\' || k+1 >= len(s) {
				plain.WriteByte(s[k])
				continue
			}
			k++
			flush()
			if s[k] == '\'' {
				parts = append(parts, &syntax.DblQuoted{Left: lit.ValuePos, Right: lit.ValuePos,
					Parts: []syntax.WordPart{&syntax.Lit{ValuePos: lit.ValuePos, ValueEnd: lit.ValueEnd, Value: "'"}}})
				continue
			}
			parts = append(parts, &syntax.SglQuoted{Left: lit.ValuePos, Right: lit.ValuePos, Value: s[k : k+1]})
		}
		flush()
	}
	if parts == nil {
		return w
	}
	return &syntax.Word{Parts: parts}
}
