package shell

import (
	"strconv"

	"mvdan.cc/sh/v3/expand"
	"mvdan.cc/sh/v3/syntax"
)

// mvdan's expand counts ${#m[@]} of an associative array as 1 (it joins
// the values into one string first). fixAssocLen returns words in which
// each such expansion, bare or inside double quotes, is replaced by a
// literal holding the number of keys. Words without one are returned as
// they are, so the common case allocates nothing; the syntax tree itself
// is never modified.
func (r *Runner) fixAssocLen(words []*syntax.Word) []*syntax.Word {
	var out []*syntax.Word
	for i, w := range words {
		if w == nil {
			if out != nil {
				out = append(out, w)
			}
			continue
		}
		parts, changed := r.fixAssocParts(w.Parts)
		if !changed {
			if out != nil {
				out = append(out, w)
			}
			continue
		}
		if out == nil {
			out = append(make([]*syntax.Word, 0, len(words)), words[:i]...)
		}
		out = append(out, &syntax.Word{Parts: parts})
	}
	if out == nil {
		return words
	}
	return out
}

func (r *Runner) fixAssocParts(parts []syntax.WordPart) ([]syntax.WordPart, bool) {
	var out []syntax.WordPart
	for i, p := range parts {
		np := p
		switch p := p.(type) {
		case *syntax.ParamExp:
			if n, ok := r.assocLen(p); ok {
				np = &syntax.Lit{ValuePos: p.Pos(), ValueEnd: p.End(), Value: strconv.Itoa(n)}
			}
		case *syntax.DblQuoted:
			if inner, changed := r.fixAssocParts(p.Parts); changed {
				np = &syntax.DblQuoted{Left: p.Left, Right: p.Right, Dollar: p.Dollar, Parts: inner}
			}
		}
		if np != p && out == nil {
			out = append(make([]syntax.WordPart, 0, len(parts)), parts[:i]...)
		}
		if out != nil {
			out = append(out, np)
		}
	}
	if out == nil {
		return parts, false
	}
	return out, true
}

// assocLen reports the key count for ${#name[@]} or ${#name[*]} when name
// is an associative array.
func (r *Runner) assocLen(pe *syntax.ParamExp) (int, bool) {
	if !pe.Length || pe.Index == nil || pe.Param == nil {
		return 0, false
	}
	w, ok := pe.Index.(*syntax.Word)
	if !ok {
		return 0, false
	}
	if lit := w.Lit(); lit != "@" && lit != "*" {
		return 0, false
	}
	v := r.vars.get(pe.Param.Value)
	if v.Kind != expand.Associative {
		return 0, false
	}
	return len(v.Map), true
}
