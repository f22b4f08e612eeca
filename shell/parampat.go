package shell

import (
	"regexp"
	"strings"

	"mvdan.cc/sh/v3/expand"
	"mvdan.cc/sh/v3/pattern"
	"mvdan.cc/sh/v3/syntax"
)

// Gaps in mvdan's expand that real scripts hit are closed here by
// rewriting a copy of the word just before it is expanded (the AST itself
// is shared by concurrent subshells and never edited):
//
//   - ${x#"$p"} and the other removal operators expand their pattern
//     without quoting, so a quoted * or ? in it still matches anything;
//     gosh passes the pattern patternWord makes, with quoted parts
//     escaped (patquote.go; globparam.go computes those with extglob).
//   - ${x/#pat/rep} and ${x/%pat/rep} (replacement anchored at the start or
//     the end) are not supported; gosh computes them itself.
//   - the forms computed in paramops.go: indirection, the @ operators,
//     ${a[@]:-word} and ${@:-word} ("${@:-.}" is a common idiom), and
//     "x$@y" (one field per parameter).
//
// Other files add rewrites to the same pass: defaultword.go (the quoting
// of the word of ${x:-word}), quotedlist.go (""$x"") and ansic.go
// ($'\cX').

// fixWord returns w, or a rewritten copy when it needs one of the fixes.
func (r *Runner) fixWord(w *syntax.Word) (*syntax.Word, error) {
	return r.fixWordIn(w, new(evalOrder))
}

// fixWordIn is fixWord for one of the words of an expansion; o records
// what the words before it left to expand.
func (r *Runner) fixWordIn(w *syntax.Word, o *evalOrder) (*syntax.Word, error) {
	if w == nil || !needsFix(w.Parts) && !r.bytePatternIn(w.Parts) && !r.runtimeFix(w.Parts) {
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
		fw, err := r.fixWordIn(w, &o)
		if err != nil {
			return nil, err
		}
		if fw != w && out == nil {
			out = append([]*syntax.Word(nil), ws...)
		}
		if out != nil {
			out[i] = fw
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
			if needsFix(p.Parts) || listInQuotes(p.Parts) || emptyBeside(p, len(parts)) {
				return true
			}
		case *syntax.SglQuoted:
			if ctrlEscapes(p) {
				return true
			}
		case *syntax.ParamExp:
			if anchoredRepl(p) || quotedRemoval(p) || paramOp(p) || subscriptToEval(p) || extGlobParam(p) ||
				defaultWord(p) || tildeAssign(p) {
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
		if pe, ok := p.(*syntax.ParamExp); ok {
			fixed, err := r.assocKey(pe)
			if err != nil {
				return nil, err
			}
			p = fixed
		}
		if pe, ok := p.(*syntax.ParamExp); ok && (paramOp(pe) || r.bytePattern(pe)) {
			inner, err := r.paramOpParts(pe, quoted, o)
			if err != nil {
				return nil, err
			}
			o.note(inner)
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
		if dq, ok := p.(*syntax.DblQuoted); ok && !quoted && emptyBeside(dq, len(parts)) {
			out = append(out, &syntax.SglQuoted{}) // see quotedlist.go
			continue
		}
		out = append(out, p)
		i := len(out) - 1
		switch p := p.(type) {
		case *syntax.DblQuoted:
			if needsFix(p.Parts) || listInQuotes(p.Parts) || r.bytePatternIn(p.Parts) || r.runtimeFix(p.Parts) {
				inner, err := r.fixParts(p.Parts, true, o)
				if err != nil {
					return nil, err
				}
				out = append(out[:i], splitQuoted(p, inner)...)
				continue // the inner parts were noted
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
			case quotedRemoval(p):
				pat, err := r.patternWord(p.Exp.Word)
				if err != nil {
					return nil, err
				}
				pe := *p
				pe.Exp = &syntax.Expansion{Op: p.Exp.Op, Word: &syntax.Word{Parts: []syntax.WordPart{&syntax.Lit{Value: pat}}}}
				out[i] = &pe
			case tildeAssign(p):
				pe, err := r.tildeAssignExp(p, quoted)
				if err != nil {
					return nil, err
				}
				out[i] = pe
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
		if dq, ok := p.(*syntax.DblQuoted); !ok || !needsFix(dq.Parts) && !r.bytePatternIn(dq.Parts) {
			o.note(out[i : i+1]) // left to expand; fixed quotes noted theirs
		}
	}
	return out, nil
}

// anchoredReplace computes ${x/#pat/rep} or ${x/%pat/rep}: the longest
// match of pat at the start (or end) of x is replaced by rep.
func (r *Runner) anchoredReplace(p *syntax.ParamExp) (string, error) {
	cfg := r.cfg()
	bare := *p
	bare.Repl = nil
	val, err := expand.Literal(cfg, &syntax.Word{Parts: []syntax.WordPart{&bare}})
	if err != nil {
		return "", err
	}
	orig := p.Repl.Orig
	first := orig.Parts[0].(*syntax.Lit)
	atEnd := first.Value[0] == '%'
	rest := &syntax.Word{Parts: append([]syntax.WordPart{&syntax.Lit{Value: first.Value[1:]}}, orig.Parts[1:]...)}
	pat, err := expand.Pattern(cfg, rest)
	if err != nil {
		return "", err
	}
	with := ""
	if p.Repl.With != nil {
		if with, err = expand.Literal(cfg, p.Repl.With); err != nil {
			return "", err
		}
	}
	rx, err := pattern.Regexp(pat, 0)
	if err != nil {
		return val, nil // a bad pattern matches nothing
	}
	re, err := regexp.Compile("^(?s:" + rx + ")$")
	if err != nil {
		return val, nil
	}
	if atEnd {
		for i := 0; i <= len(val); i++ {
			if re.MatchString(val[i:]) {
				return val[:i] + with, nil
			}
		}
		return val, nil
	}
	for i := len(val); i >= 0; i-- {
		if re.MatchString(val[:i]) {
			return with + val[i:], nil
		}
	}
	return val, nil
}
