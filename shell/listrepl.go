package shell

import (
	"strings"

	"mvdan.cc/sh/v3/expand"
	"mvdan.cc/sh/v3/syntax"
)

// ${a[@]/#pat/rep} and ${a[@]/%pat/rep} (and the same on $@ and [*]) apply
// the anchored replacement to each element: "${flags[@]/#/--opt=}" is a
// common way to prefix every element. expand has no anchored replacement,
// so gosh computes the elements and turns the word into one word per
// element, the text before the expansion going onto the first and the
// text after onto the last, as expand does for "$@".

// listReplExp returns the list expansion with an anchored replacement in
// w, and whether it is double-quoted; nil when w has none, or more than
// one.
func listReplExp(w *syntax.Word) (pe *syntax.ParamExp, quoted bool) {
	for _, p := range w.Parts {
		switch p := p.(type) {
		case *syntax.ParamExp:
			if listAnchoredRepl(p) {
				if pe != nil {
					return nil, false
				}
				pe = p
			}
		case *syntax.DblQuoted:
			for _, q := range p.Parts {
				if qe, ok := q.(*syntax.ParamExp); ok && listAnchoredRepl(qe) {
					if pe != nil {
						return nil, false
					}
					pe, quoted = qe, true
				}
			}
		}
	}
	return pe, quoted
}

// listAnchoredRepl reports ${a[@]/#pat/rep} and the like.
func listAnchoredRepl(pe *syntax.ParamExp) bool {
	if pe.Repl == nil || pe.Repl.Orig == nil || len(pe.Repl.Orig.Parts) == 0 || pe.Param == nil || pe.Excl {
		return false
	}
	lit, ok := pe.Repl.Orig.Parts[0].(*syntax.Lit)
	if !ok || !strings.HasPrefix(lit.Value, "#") && !strings.HasPrefix(lit.Value, "%") {
		return false
	}
	return listIndex(pe) != ""
}

// listIndex returns "@" or "*" for $@, $*, ${a[@]} and ${a[*]}, else "".
func listIndex(pe *syntax.ParamExp) string {
	if pe.Index == nil {
		if v := pe.Param.Value; v == "@" || v == "*" {
			return v
		}
		return ""
	}
	if w, ok := pe.Index.(*syntax.Word); ok {
		if l := w.Lit(); l == "@" || l == "*" {
			return l
		}
	}
	return ""
}

// listReplWords returns the words that w, holding the list expansion pe
// (quoted or not), stands for.
func (r *Runner) listReplWords(w *syntax.Word, pe *syntax.ParamExp, quoted bool) ([]*syntax.Word, error) {
	cfg := r.cfg()
	bare := *pe
	bare.Repl = nil
	if bare.Index == nil {
		bare.Param = &syntax.Lit{Value: "@"}
	} else {
		bare.Index = &syntax.Word{Parts: []syntax.WordPart{&syntax.Lit{Value: "@"}}}
	}
	elems, err := expand.Fields(cfg, &syntax.Word{Parts: []syntax.WordPart{&syntax.DblQuoted{Parts: []syntax.WordPart{&bare}}}})
	if err != nil {
		return nil, err
	}
	replace, err := r.anchoredReplacer(pe)
	if err != nil {
		return nil, err
	}
	for i, e := range elems {
		elems[i] = replace(e)
	}
	if quoted && listIndex(pe) == "*" {
		elems = []string{strings.Join(elems, r.ifsFirst())}
	}
	// Split w around pe: the parts before it and after it, inside its
	// double quotes or not.
	var before, after []syntax.WordPart
	cur := &before
	for _, p := range w.Parts {
		dq, isDq := p.(*syntax.DblQuoted)
		switch {
		case p == syntax.WordPart(pe):
			cur = &after
		case isDq && quoted && containsPart(dq.Parts, pe):
			for _, q := range dq.Parts {
				if q == syntax.WordPart(pe) {
					cur = &after
					continue
				}
				*cur = append(*cur, &syntax.DblQuoted{Parts: []syntax.WordPart{q}})
			}
		default:
			*cur = append(*cur, p)
		}
	}
	if len(elems) == 0 {
		if len(before)+len(after) == 0 {
			return nil, nil
		}
		return []*syntax.Word{{Parts: append(before, after...)}}, nil
	}
	words := make([]*syntax.Word, len(elems))
	for i, e := range elems {
		var parts []syntax.WordPart
		if i == 0 {
			parts = append(parts, before...)
		}
		parts = append(parts, expansionValue(e, quoted))
		if i == len(elems)-1 {
			parts = append(parts, after...)
		}
		words[i] = &syntax.Word{Parts: parts}
	}
	return words, nil
}

// containsPart reports whether p is one of parts.
func containsPart(parts []syntax.WordPart, p syntax.WordPart) bool {
	for _, q := range parts {
		if q == p {
			return true
		}
	}
	return false
}

// ifsFirst is what "$*" joins with: the first character of IFS.
func (r *Runner) ifsFirst() string {
	ifs := r.vars.get("IFS")
	if !ifs.IsSet() {
		return " "
	}
	for _, c := range ifs.Str {
		return string(c)
	}
	return ""
}
