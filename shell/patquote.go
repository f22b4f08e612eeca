package shell

import (
	"strings"

	"mvdan.cc/sh/v3/expand"
	"mvdan.cc/sh/v3/syntax"
)

// expand.Pattern escapes the quoted text of a pattern word with
// pattern.QuoteMeta, which leaves ] - ( ) | alone: a quoted ']' inside a
// bracket expression (${x//['[]']}) closes it, and a quoted '()' after an
// extended glob is a group. patternWord escapes every character that
// means something in a pattern.

// patternSpecial is what patternWord escapes in quoted text.
const patternSpecial = "*?[]\\()|!@+-^{}~#%/"

// escapePattern returns s with each pattern character escaped.
func escapePattern(s string) string {
	if !strings.ContainsAny(s, patternSpecial) {
		return s
	}
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if strings.IndexByte(patternSpecial, s[i]) >= 0 {
			b.WriteByte('\\')
		}
		b.WriteByte(s[i])
	}
	return b.String()
}

// patternWord returns the pattern w stands for: quoted parts match
// themselves, unquoted text and expansions keep their pattern characters.
func (r *Runner) patternWord(w *syntax.Word) (string, error) {
	w, err := r.fixWord(w)
	if err != nil || w == nil {
		return "", err
	}
	cfg := r.cfg()
	var b strings.Builder
	for i, p := range w.Parts {
		one := &syntax.Word{Parts: []syntax.WordPart{p}}
		switch p := p.(type) {
		case *syntax.Lit:
			if i == 0 && strings.HasPrefix(p.Value, "~") {
				s, err := expand.Pattern(cfg, one) // tilde expansion
				if err != nil {
					return "", err
				}
				b.WriteString(s)
				continue
			}
			b.WriteString(p.Value)
		case *syntax.SglQuoted, *syntax.DblQuoted:
			s, err := expand.Literal(cfg, one)
			if err != nil {
				return "", err
			}
			b.WriteString(escapePattern(s))
		case *syntax.ExtGlob:
			b.WriteString(p.Op.String() + p.Pattern.Value + ")")
		default:
			s, err := expand.Literal(cfg, one)
			if err != nil {
				return "", err
			}
			b.WriteString(s)
		}
	}
	pat := b.String()
	if strings.HasPrefix(pat, "~") {
		pat = `\` + pat // already expanded: keep expand from doing it again
	}
	return pat, nil
}

// hasQuotedPart reports whether w has a single- or double-quoted part.
func hasQuotedPart(w *syntax.Word) bool {
	for _, p := range w.Parts {
		switch p.(type) {
		case *syntax.SglQuoted, *syntax.DblQuoted:
			return true
		}
	}
	return false
}
