package shell

import "mvdan.cc/sh/v3/syntax"

// mvdan's expand makes one field per element of "$@" and "${a[@]}" only
// when the expansion is all of its double quotes: "-$@-" gives a single
// field. gosh splits such double quotes into several adjacent ones, each
// list expansion in its own ("-""$@""-"), which expand joins correctly:
// the text before goes onto the first field, the text after onto the last.
//
// expand also drops an empty "" next to an unquoted expansion, so
// ""$x"" loses the empty fields at either end when $x starts and ends with
// IFS white space; an empty single-quoted part stays.

// isListExp reports an expansion that makes one field per element in
// double quotes.
func isListExp(p syntax.WordPart) bool {
	pe, ok := p.(*syntax.ParamExp)
	if !ok || pe.Param == nil || pe.Length || pe.Width || pe.IsSet {
		return false
	}
	if w, ok := pe.Index.(*syntax.Word); ok && w.Lit() == "@" {
		return true
	}
	return pe.Param.Value == "@" && !pe.Excl || pe.Excl && pe.Names == syntax.NamesPrefixWords
}

// needsQuoteSplit reports whether dq, a part of a word of n parts, is to
// be split by splitQuoted.
func needsQuoteSplit(dq *syntax.DblQuoted, n int) bool {
	if len(dq.Parts) == 0 {
		return n > 1
	}
	if len(dq.Parts) == 1 {
		return false
	}
	for _, p := range dq.Parts {
		if isListExp(p) {
			return true
		}
	}
	return false
}

// splitQuoted returns the parts that replace dq, a part of an unquoted
// word of n parts: an empty single-quoted part for an empty "" beside
// other parts, or dq split around its list expansions.
func splitQuoted(dq *syntax.DblQuoted, n int) []syntax.WordPart {
	if len(dq.Parts) == 0 {
		if n > 1 {
			return []syntax.WordPart{&syntax.SglQuoted{}}
		}
		return []syntax.WordPart{dq}
	}
	var out []syntax.WordPart
	var run []syntax.WordPart
	flush := func() {
		if len(run) > 0 {
			out = append(out, &syntax.DblQuoted{Parts: run})
			run = nil
		}
	}
	for _, p := range dq.Parts {
		if isListExp(p) {
			flush()
			out = append(out, &syntax.DblQuoted{Parts: []syntax.WordPart{p}})
			continue
		}
		run = append(run, p)
	}
	flush()
	return out
}
