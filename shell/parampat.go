package shell

import (
	"regexp"
	"strings"

	"mvdan.cc/sh/v3/expand"
	"mvdan.cc/sh/v3/pattern"
	"mvdan.cc/sh/v3/syntax"
)

// Two gaps in mvdan's expand that real scripts hit are closed here by
// rewriting a copy of the word just before it is expanded (the AST itself
// is shared by concurrent subshells and never edited):
//
//   - ${x#"$p"} and the other removal operators expand their pattern
//     without quoting, so a quoted * or ? in it still matches anything;
//     gosh passes the pattern patternWord makes, with quoted parts
//     escaped (patquote.go; globparam.go computes those with extglob).
//   - ${x/#pat/rep} and ${x/%pat/rep} (replacement anchored at the start or
//     the end) are not supported; gosh computes them itself.
//   - ${@:-word}, ${@+word} and the like ("${@:-.}" is a common idiom)
//     ignore the operator; gosh picks the word or plain $@ itself.
//
// Other files add rewrites to the same pass: defaultword.go (the quoting
// of the word of ${x:-word}), quotedlist.go ("-$@-", ""$x""), listrepl.go
// (${a[@]/#pat/rep}, which turns one word into several) and ansic.go
// ($'\cX').

// fixWord returns w, or a rewritten copy when it needs one of the fixes.
func (r *Runner) fixWord(w *syntax.Word) (*syntax.Word, error) {
	return r.fixWordIn(w, new(evalOrder))
}

// fixWordIn is fixWord for one of the words of an expansion; o records
// what the words before it left to expand.
func (r *Runner) fixWordIn(w *syntax.Word, o *evalOrder) (*syntax.Word, error) {
	if w == nil || !needsFix(w.Parts) {
		if w != nil {
			o.note(w.Parts)
		}
		return w, nil
	}
	parts, err := r.fixParts(w.Parts, false, o)
	if err != nil {
		return nil, err
	}
	return &syntax.Word{Parts: parts}, nil
}

func (r *Runner) fixWords(ws []*syntax.Word) ([]*syntax.Word, error) {
	var out []*syntax.Word
	var o evalOrder
	for i, w := range ws {
		if pe, quoted := listReplExp(w); pe != nil {
			// A word that becomes one word per element.
			more, err := r.listReplWords(w, pe, quoted)
			if err != nil {
				return nil, err
			}
			if out == nil {
				out = append(make([]*syntax.Word, 0, len(ws)+1), ws[:i]...)
			}
			for _, mw := range more {
				if mw, err = r.fixWordIn(mw, &o); err != nil {
					return nil, err
				}
				out = append(out, mw)
			}
			continue
		}
		fw, err := r.fixWordIn(w, &o)
		if err != nil {
			return nil, err
		}
		if fw != w && out == nil {
			out = append(make([]*syntax.Word, 0, len(ws)+1), ws[:i]...)
		}
		if out != nil {
			out = append(out, fw)
		}
	}
	if out == nil {
		return ws, nil
	}
	return out, nil
}

// needsFix reports whether parts hold a parameter expansion to rewrite.
func needsFix(parts []syntax.WordPart) bool {
	for _, p := range parts {
		switch p := p.(type) {
		case *syntax.DblQuoted:
			if needsFix(p.Parts) || needsQuoteSplit(p, len(parts)) {
				return true
			}
		case *syntax.SglQuoted:
			if ctrlEscapes(p) {
				return true
			}
		case *syntax.ParamExp:
			if anchoredRepl(p) || quotedRemoval(p) || paramsDefault(p) || defaultWord(p) ||
				quotedRepl(p) || subscriptToEval(p) || extGlobParam(p) {
				return true
			}
		case *syntax.ArithmExp:
			return true
		}
	}
	return false
}

func anchoredRepl(pe *syntax.ParamExp) bool {
	if pe.Repl == nil || pe.Repl.Orig == nil || len(pe.Repl.Orig.Parts) == 0 {
		return false
	}
	lit, ok := pe.Repl.Orig.Parts[0].(*syntax.Lit)
	return ok && (strings.HasPrefix(lit.Value, "#") || strings.HasPrefix(lit.Value, "%")) &&
		pe.Index == nil && pe.Param != nil && pe.Param.Value != "@" && pe.Param.Value != "*"
}

// paramsDefault reports ${@-w} ${@:-w} ${@+w} ${@:+w} and the same on $*.
func paramsDefault(pe *syntax.ParamExp) bool {
	if pe.Exp == nil || pe.Index != nil || pe.Param == nil || (pe.Param.Value != "@" && pe.Param.Value != "*") {
		return false
	}
	switch pe.Exp.Op {
	case syntax.DefaultUnset, syntax.DefaultUnsetOrNull, syntax.AlternateUnset, syntax.AlternateUnsetOrNull:
		return true
	}
	return false
}

// paramsDefaultParts returns what ${@:-w} and its kin stand for: the
// parts of w, or plain $@ (or $*). Unquoted, w is handed back as the
// default of a name no script can set, so expand still splits it.
func (r *Runner) paramsDefaultParts(pe *syntax.ParamExp, quoted bool) []syntax.WordPart {
	set := len(r.params) > 0
	null := strings.Join(r.params, "") == ""
	var useWord bool
	switch pe.Exp.Op {
	case syntax.DefaultUnset:
		useWord = !set
	case syntax.DefaultUnsetOrNull:
		useWord = !set || null
	case syntax.AlternateUnset:
		useWord = set
	case syntax.AlternateUnsetOrNull:
		useWord = set && !null
	}
	if useWord {
		if pe.Exp.Word == nil {
			return nil
		}
		return r.inlineWord(pe.Exp.Word, quoted)
	}
	plain := *pe
	plain.Exp = nil
	return []syntax.WordPart{&plain}
}

func quotedRemoval(pe *syntax.ParamExp) bool {
	if pe.Exp == nil || pe.Exp.Word == nil {
		return false
	}
	switch pe.Exp.Op {
	case syntax.RemSmallPrefix, syntax.RemLargePrefix, syntax.RemSmallSuffix, syntax.RemLargeSuffix:
	default:
		return false
	}
	return hasQuotedPart(pe.Exp.Word)
}

func (r *Runner) fixParts(parts []syntax.WordPart, quoted bool, o *evalOrder) ([]syntax.WordPart, error) {
	out := make([]syntax.WordPart, 0, len(parts))
	if !quoted && braceLit(parts) {
		// Brace expansion copies the parts: each copy is evaluated.
		o.write = true
	}
	for _, p := range parts {
		if pe, ok := p.(*syntax.ParamExp); ok && paramsDefault(pe) {
			inner, err := r.fixParts(r.paramsDefaultParts(pe, quoted), quoted, o)
			if err != nil {
				return nil, err
			}
			out = append(out, inner...)
			continue
		}
		if pe, ok := p.(*syntax.ParamExp); ok && defaultWord(pe) {
			parts, err := r.defaultWordParts(pe, quoted)
			if err != nil {
				return nil, err
			}
			inner, err := r.fixParts(parts, quoted, o)
			if err != nil {
				return nil, err
			}
			out = append(out, inner...)
			continue
		}
		out = append(out, p)
		i := len(out) - 1
		switch p := p.(type) {
		case *syntax.DblQuoted:
			if needsFix(p.Parts) {
				inner, err := r.fixParts(p.Parts, true, o)
				if err != nil {
					return nil, err
				}
				p = &syntax.DblQuoted{Left: p.Left, Right: p.Right, Dollar: p.Dollar, Parts: inner}
				out[i] = p
			}
			if !quoted && needsQuoteSplit(p, len(parts)) {
				out = append(out[:i], splitQuoted(p, len(parts))...)
			}
		case *syntax.SglQuoted:
			if ctrlEscapes(p) {
				out[i] = withCtrlEscapes(p)
			}
		case *syntax.ParamExp:
			if fixed, err := r.fixSubscript(p, o); err != nil {
				return nil, err
			} else if fixed != nil {
				p, out[i] = fixed, fixed
			}
			switch {
			case extGlobParam(p) && r.opts.ExtGlob:
				s, err := r.extGlobParamValue(p)
				if err != nil {
					return nil, err
				}
				out[i] = expansionValue(s, quoted)
			case quotedRepl(p):
				pat, err := r.patternWord(p.Repl.Orig)
				if err != nil {
					return nil, err
				}
				pe := *p
				pe.Repl = &syntax.Replace{All: p.Repl.All, Orig: &syntax.Word{Parts: []syntax.WordPart{&syntax.Lit{Value: pat}}}, With: p.Repl.With}
				out[i] = &pe
			case quotedRemoval(p):
				pat, err := r.patternWord(p.Exp.Word)
				if err != nil {
					return nil, err
				}
				pe := *p
				pe.Exp = &syntax.Expansion{Op: p.Exp.Op, Word: &syntax.Word{Parts: []syntax.WordPart{&syntax.Lit{Value: pat}}}}
				out[i] = &pe
			case anchoredRepl(p):
				s, err := r.anchoredReplace(p)
				if err != nil {
					return nil, err
				}
				out[i] = expansionValue(s, quoted)
			}
		case *syntax.ArithmExp:
			if o.allows(p.X) {
				lit, err := r.arithPart(p)
				if err != nil {
					return nil, err
				}
				out[i] = lit
				continue
			}
		}
		if dq, ok := p.(*syntax.DblQuoted); !ok || !needsFix(dq.Parts) {
			o.note(out[i:]) // left to expand; fixed quotes noted theirs
		}
	}
	return out, nil
}

// anchoredReplace computes ${x/#pat/rep} or ${x/%pat/rep}: the longest
// match of pat at the start (or end) of x is replaced by rep.
func (r *Runner) anchoredReplace(p *syntax.ParamExp) (string, error) {
	bare := *p
	bare.Repl = nil
	val, err := expand.Literal(r.cfg(), &syntax.Word{Parts: []syntax.WordPart{&bare}})
	if err != nil {
		return "", err
	}
	replace, err := r.anchoredReplacer(p)
	if err != nil {
		return "", err
	}
	return replace(val), nil
}

// anchoredReplacer returns the function that applies the anchored
// replacement of p to one value.
func (r *Runner) anchoredReplacer(p *syntax.ParamExp) (func(string) string, error) {
	orig := p.Repl.Orig
	first := orig.Parts[0].(*syntax.Lit)
	atEnd := first.Value[0] == '%'
	rest := &syntax.Word{Parts: append([]syntax.WordPart{&syntax.Lit{Value: first.Value[1:]}}, orig.Parts[1:]...)}
	pat, err := r.patternWord(rest)
	if err != nil {
		return nil, err
	}
	with := ""
	if p.Repl.With != nil {
		if with, err = expand.Literal(r.cfg(), p.Repl.With); err != nil {
			return nil, err
		}
	}
	same := func(val string) string { return val }
	rx, err := pattern.Regexp(pat, 0)
	if err != nil {
		return same, nil // a bad pattern matches nothing
	}
	re, err := regexp.Compile("^(?s:" + rx + ")$")
	if err != nil {
		return same, nil
	}
	return func(val string) string {
		if atEnd {
			for i := 0; i <= len(val); i++ {
				if re.MatchString(val[i:]) {
					return val[:i] + with
				}
			}
			return val
		}
		for i := len(val); i >= 0; i-- {
			if re.MatchString(val[:i]) {
				return with + val[i:]
			}
		}
		return val
	}, nil
}
