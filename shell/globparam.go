package shell

import (
	"strings"

	"mvdan.cc/sh/v3/expand"
	"mvdan.cc/sh/v3/syntax"
)

// mvdan's expand matches the patterns of ${x#pat}, ${x%pat} and
// ${x/pat/rep} without extended operators, so a group such as @(a|b) in
// them is literal text. gosh computes those expansions itself (see
// fixParts) with globMatcher.

// extGlobParam reports a removal or replacement on a plain parameter whose
// pattern holds an extended glob operator (the parser keeps it as text
// there).
func extGlobParam(pe *syntax.ParamExp) bool {
	if pe.Index != nil || pe.Param == nil || pe.Param.Value == "@" || pe.Param.Value == "*" {
		return false
	}
	var w *syntax.Word
	switch {
	case pe.Repl != nil:
		w = pe.Repl.Orig
	case pe.Exp != nil:
		switch pe.Exp.Op {
		case syntax.RemSmallPrefix, syntax.RemLargePrefix, syntax.RemSmallSuffix, syntax.RemLargeSuffix:
			w = pe.Exp.Word
		}
	}
	if w == nil {
		return false
	}
	for _, p := range w.Parts {
		if lit, ok := p.(*syntax.Lit); ok && hasExtGlob(lit.Value) {
			return true
		}
	}
	return false
}

// extGlobParamValue computes an expansion extGlobParam reports.
func (r *Runner) extGlobParamValue(pe *syntax.ParamExp) (string, error) {
	bare := *pe
	bare.Exp, bare.Repl = nil, nil
	val, err := expand.Literal(r.cfg(), &syntax.Word{Parts: []syntax.WordPart{&bare}})
	if err != nil {
		return "", err
	}
	if pe.Repl == nil {
		pat, err := r.pattern(pe.Exp.Word)
		if err != nil {
			return "", err
		}
		return removeGlob(val, matchFunc(pat), pe.Exp.Op), nil
	}
	orig := pe.Repl.Orig
	anchor := byte(0)
	if lit, ok := orig.Parts[0].(*syntax.Lit); ok && (strings.HasPrefix(lit.Value, "#") || strings.HasPrefix(lit.Value, "%")) {
		anchor = lit.Value[0]
		parts := append([]syntax.WordPart{&syntax.Lit{Value: lit.Value[1:]}}, orig.Parts[1:]...)
		orig = &syntax.Word{Parts: parts}
	}
	pat, err := r.pattern(orig)
	if err != nil {
		return "", err
	}
	with := ""
	if pe.Repl.With != nil {
		if with, err = expand.Literal(r.cfg(), pe.Repl.With); err != nil {
			return "", err
		}
	}
	return replaceGlob(val, matchFunc(pat), with, anchor, pe.Repl.All), nil
}

// removeGlob removes the shortest or longest prefix or suffix of s that
// match accepts.
func removeGlob(s string, match func(string) bool, op syntax.ParExpOperator) string {
	switch op {
	case syntax.RemSmallPrefix:
		for i := 0; i <= len(s); i++ {
			if match(s[:i]) {
				return s[i:]
			}
		}
	case syntax.RemLargePrefix:
		for i := len(s); i >= 0; i-- {
			if match(s[:i]) {
				return s[i:]
			}
		}
	case syntax.RemSmallSuffix:
		for i := len(s); i >= 0; i-- {
			if match(s[i:]) {
				return s[:i]
			}
		}
	case syntax.RemLargeSuffix:
		for i := 0; i <= len(s); i++ {
			if match(s[i:]) {
				return s[:i]
			}
		}
	}
	return s
}

// replaceGlob replaces the longest string match accepts at the leftmost
// place in s (anchored at the start with '#', at the end with '%'), or
// with all every such string, by with.
func replaceGlob(s string, match func(string) bool, with string, anchor byte, all bool) string {
	var b strings.Builder
	for i := 0; i <= len(s); {
		end := -1
		switch anchor {
		case '%':
			if match(s[i:]) {
				end = len(s)
			}
		default:
			for j := len(s); j >= i; j-- {
				if match(s[i:j]) {
					end = j
					break
				}
			}
		}
		if end >= 0 && (end > i || anchor != 0 || !all) {
			b.WriteString(with)
			if !all || end == len(s) {
				b.WriteString(s[end:])
				return b.String()
			}
			if end > i {
				i = end
				continue
			}
		}
		if anchor == '#' || i == len(s) {
			b.WriteString(s[i:])
			return b.String()
		}
		b.WriteByte(s[i])
		i++
	}
	return b.String()
}

// expansionValue returns a word part that expands to s as the result of a
// parameter expansion: quoted, or unquoted (then it is split and globbed,
// and makes no field when empty): the default value of a name no script
// can set.
func expansionValue(s string, quoted bool) syntax.WordPart {
	if quoted {
		return &syntax.SglQuoted{Value: s}
	}
	return &syntax.ParamExp{Param: &syntax.Lit{Value: "gosh-unset"},
		Exp: &syntax.Expansion{Op: syntax.DefaultUnset, Word: &syntax.Word{Parts: []syntax.WordPart{&syntax.Lit{Value: s}}}}}
}
