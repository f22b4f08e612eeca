package shell

import (
	"strings"

	"mvdan.cc/sh/v3/expand"
	"mvdan.cc/sh/v3/syntax"
)

// expandBraces does brace expansion on words ahead of expand.Fields, as
// bash does it: before every other expansion. Each resulting word has its
// adjacent literal parts joined, so that a tilde an alternative brings to
// the front is expanded ({foo~,~}/bar, ~{/src,root}), and an alternative
// that leaves the word empty ({X,,Y}) gives no field. Words without a
// brace are returned as they are.
func expandBraces(words []*syntax.Word) ([]*syntax.Word, error) {
	i := 0
	for i < len(words) && !mayHaveBrace(words[i]) {
		i++
	}
	if i == len(words) {
		return words, nil
	}
	out := append([]*syntax.Word(nil), words[:i]...)
	for _, w := range words[i:] {
		cp := *w
		if !mayHaveBrace(w) || !syntax.SplitBraces(&cp) {
			out = append(out, w)
			continue
		}
		for bw, err := range expand.BracesSeq(nil, &cp) {
			if err != nil {
				return nil, err
			}
			bw = joinLits(bw)
			if isEmptyLit(bw) {
				continue
			}
			out = append(out, bw)
		}
	}
	return out, nil
}

// mayHaveBrace reports an unquoted literal part with a '{' in w.
func mayHaveBrace(w *syntax.Word) bool {
	for _, p := range w.Parts {
		if l, ok := p.(*syntax.Lit); ok && strings.IndexByte(l.Value, '{') >= 0 {
			return true
		}
	}
	return false
}

// joinLits returns w with each run of adjacent literal parts made one.
func joinLits(w *syntax.Word) *syntax.Word {
	parts := make([]syntax.WordPart, 0, len(w.Parts))
	for _, p := range w.Parts {
		l, ok := p.(*syntax.Lit)
		if n := len(parts); ok && n > 0 {
			if prev, ok := parts[n-1].(*syntax.Lit); ok {
				parts[n-1] = &syntax.Lit{ValuePos: prev.ValuePos, ValueEnd: l.ValueEnd, Value: prev.Value + l.Value}
				continue
			}
		}
		parts = append(parts, p)
	}
	return &syntax.Word{Parts: parts}
}

// isEmptyLit reports a word with no parts or only an empty literal.
func isEmptyLit(w *syntax.Word) bool {
	if len(w.Parts) == 0 {
		return true
	}
	l, ok := w.Parts[0].(*syntax.Lit)
	return len(w.Parts) == 1 && ok && l.Value == ""
}
