package shell

import (
	"regexp"
	"strings"

	"mvdan.cc/sh/v3/syntax"
)

// regexWord expands the right side of [[ x =~ re ]] into a Go regular
// expression. As in bash, only the unquoted parts are regex syntax: what
// is quoted ('...', "...", a backslash-escaped character, or the result
// of tilde expansion) matches literally.
func (r *Runner) regexWord(w *syntax.Word) (string, error) {
	var b strings.Builder
	for i, p := range w.Parts {
		part := &syntax.Word{Parts: []syntax.WordPart{p}}
		switch p := p.(type) {
		case *syntax.SglQuoted, *syntax.DblQuoted:
			s, err := r.literal(part)
			if err != nil {
				return "", err
			}
			b.WriteString(regexp.QuoteMeta(s))
		case *syntax.Lit:
			v := p.Value
			if i == 0 && strings.HasPrefix(v, "~") {
				end := strings.IndexByte(v, '/')
				if end < 0 {
					end = len(v)
				}
				tw := &syntax.Word{Parts: []syntax.WordPart{&syntax.Lit{ValuePos: p.ValuePos, ValueEnd: p.ValueEnd, Value: v[:end]}}}
				s, err := r.literal(tw)
				if err != nil {
					return "", err
				}
				b.WriteString(regexp.QuoteMeta(s))
				v = v[end:]
			}
			for j := 0; j < len(v); j++ {
				if v[j] == '\\' && j+1 < len(v) {
					j++
					b.WriteString(regexp.QuoteMeta(v[j : j+1]))
					continue
				}
				if v[j] == '\\' {
					b.WriteString(`\\`)
					continue
				}
				b.WriteByte(v[j])
			}
		default:
			s, err := r.literal(part)
			if err != nil {
				return "", err
			}
			b.WriteString(s)
		}
	}
	return b.String(), nil
}
