package shell

import (
	"regexp"
	"slices"
	"strings"
	"unicode/utf8"

	"mvdan.cc/sh/v3/expand"
	"mvdan.cc/sh/v3/pattern"
	"mvdan.cc/sh/v3/syntax"
)

// Pattern operators that gosh matches itself (see paramops.go for how the
// result reaches expand): expand translates their patterns without
// extglob, escapes quoted characters only where they would be glob
// operators (so a quoted - or ] still acts inside a bracket expression),
// and takes & in a replacement literally where bash 5.2 (with
// patsub_replacement on, its default) puts the matched text.

// patternOp reports ${x/p/w} with an extended pattern or a quoted part in
// p, or an & in w, ${a[@]/#p/w} and ${a[@]/%p/w}, and ${x#p} and the other removals with an extended
// pattern. On a plain parameter, globparam.go computes an extended
// pattern.
func patternOp(pe *syntax.ParamExp) bool {
	if extGlobParam(pe) {
		return false
	}
	if pe.Repl != nil {
		if o := pe.Repl.Orig; o != nil && (extglobText(o.Parts) || slices.ContainsFunc(o.Parts, isQuoted)) {
			return true
		}
		if o := pe.Repl.Orig; o != nil && allIndex(pe) != "" && len(o.Parts) > 0 {
			// ${a[@]/#p/w}: expand has no anchored replacement.
			if lit, ok := o.Parts[0].(*syntax.Lit); ok && (strings.HasPrefix(lit.Value, "#") || strings.HasPrefix(lit.Value, "%")) {
				return true
			}
		}
		return pe.Repl.With != nil && slices.ContainsFunc(pe.Repl.With.Parts, func(p syntax.WordPart) bool {
			lit, ok := p.(*syntax.Lit)
			return ok && strings.Contains(lit.Value, "&")
		})
	}
	if pe.Exp != nil && pe.Exp.Word != nil {
		switch pe.Exp.Op {
		case syntax.RemSmallPrefix, syntax.RemLargePrefix, syntax.RemSmallSuffix, syntax.RemLargeSuffix:
			return extglobText(pe.Exp.Word.Parts)
		}
	}
	return false
}

// extglobText reports literal text holding an extended pattern.
func extglobText(parts []syntax.WordPart) bool {
	return slices.ContainsFunc(parts, func(p syntax.WordPart) bool {
		lit, ok := p.(*syntax.Lit)
		return ok && hasExtGlob(lit.Value)
	})
}

// patternParts computes a form patternOp reports, element by element.
func (r *Runner) patternParts(pe *syntax.ParamExp) ([]syntax.WordPart, error) {
	elems, list, err := r.paramElems(pe, true)
	if err != nil {
		return nil, err
	}
	var edit func(string) string
	if pe.Repl != nil {
		edit, err = r.replacer(pe.Repl)
	} else {
		edit, err = r.remover(pe.Exp.Op, pe.Exp.Word)
	}
	if err != nil {
		return nil, err
	}
	out := make([]string, len(elems))
	for i, e := range elems {
		out[i] = edit(e)
	}
	return r.valueParts(out, list, allIndex(pe)), nil
}

// patternText returns the pattern that parts spell: literal text as
// written, quoted text with every special character escaped, expansions
// as expand.Pattern makes them.
func (r *Runner) patternText(parts []syntax.WordPart) (string, error) {
	var b strings.Builder
	for _, p := range parts {
		w := &syntax.Word{Parts: []syntax.WordPart{p}}
		switch p := p.(type) {
		case *syntax.Lit:
			b.WriteString(p.Value)
		case *syntax.SglQuoted, *syntax.DblQuoted:
			s, err := expand.Literal(r.cfg(), w)
			if err != nil {
				return "", err
			}
			for _, c := range s {
				if c < utf8.RuneSelf && !('a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9') {
					b.WriteByte('\\')
				}
				b.WriteRune(c)
			}
		default:
			s, err := expand.Pattern(r.cfg(), w)
			if err != nil {
				return "", err
			}
			b.WriteString(s)
		}
	}
	return b.String(), nil
}

// patternRegexp compiles pat, anchored at both ends when whole is set; a
// bad pattern gives nil, which matches nothing.
func (r *Runner) patternRegexp(pat string, whole bool) *regexp.Regexp {
	var mode pattern.Mode
	if r.opts.ExtGlob {
		mode |= pattern.ExtendedOperators
	}
	rx, err := pattern.Regexp(pat, mode)
	if err != nil {
		return nil
	}
	if whole {
		rx = "^(?s:" + rx + ")$"
	}
	re, err := compileCached(rx)
	if err != nil {
		return nil
	}
	if !whole {
		re = re.Copy()
		re.Longest()
	}
	return re
}

// runeBounds returns the offsets in s where a character starts, and len(s).
func runeBounds(s string) []int {
	b := make([]int, 0, len(s)+1)
	for i := range s {
		b = append(b, i)
	}
	return append(b, len(s))
}

// remover returns ${x#p} (or ##, %, %%) as a function of x.
func (r *Runner) remover(op syntax.ParExpOperator, w *syntax.Word) (func(string) string, error) {
	pat, err := r.patternText(w.Parts)
	if err != nil {
		return nil, err
	}
	bytewise := r.byteLocale()
	if bytewise {
		pat = bytesAsRunes(pat)
	}
	re := r.patternRegexp(pat, true)
	return inBytes(bytewise, func(s string) string {
		if re == nil {
			return s
		}
		b := runeBounds(s)
		switch op {
		case syntax.RemLargePrefix, syntax.RemSmallSuffix:
			slices.Reverse(b)
		}
		for _, i := range b {
			switch op {
			case syntax.RemSmallPrefix, syntax.RemLargePrefix:
				if re.MatchString(s[:i]) {
					return s[i:]
				}
			default:
				if re.MatchString(s[i:]) {
					return s[:i]
				}
			}
		}
		return s
	}), nil
}

// replacer returns ${x/p/w} (or //, /#, /%) as a function of x. An & in
// the literal text of w stands for the matched text.
func (r *Runner) replacer(repl *syntax.Replace) (func(string) string, error) {
	parts := repl.Orig.Parts
	anchor := byte(0)
	if lit, ok := parts[0].(*syntax.Lit); ok && !repl.All && lit.Value != "" && (lit.Value[0] == '#' || lit.Value[0] == '%') {
		anchor = lit.Value[0]
		parts = append([]syntax.WordPart{&syntax.Lit{Value: lit.Value[1:]}}, parts[1:]...)
	}
	pat, err := r.patternText(parts)
	if err != nil {
		return nil, err
	}
	// The replacement: text, with a nil entry where the match goes.
	var with []*string
	if repl.With != nil {
		for i, p := range literalWord(repl.With).Parts {
			if lit, ok := p.(*syntax.Lit); ok {
				text := lit.Value
				if i == 0 && strings.HasPrefix(text, "~") {
					// A leading ~ or ~user is expanded, as in bash.
					prefix, _, _ := strings.Cut(text, "/")
					home, err := expand.Literal(r.cfg(), &syntax.Word{Parts: []syntax.WordPart{&syntax.Lit{Value: prefix}}})
					if err != nil {
						return nil, err
					}
					if home != prefix {
						with = append(with, &home)
						text = text[len(prefix):]
					}
				}
				for i, t := range strings.Split(text, "&") {
					if i > 0 {
						with = append(with, nil)
					}
					with = append(with, &t)
				}
				continue
			}
			s, err := expand.Literal(r.cfg(), &syntax.Word{Parts: []syntax.WordPart{p}})
			if err != nil {
				return nil, err
			}
			with = append(with, &s)
		}
	}
	subst := func(b *strings.Builder, match string) {
		for _, t := range with {
			if t == nil {
				b.WriteString(match)
			} else {
				b.WriteString(*t)
			}
		}
	}
	if pat == "" && anchor == 0 {
		return func(s string) string { return s }, nil
	}
	bytewise := r.byteLocale()
	if bytewise {
		pat = bytesAsRunes(pat)
		for i, t := range with {
			if t != nil {
				b := bytesAsRunes(*t)
				with[i] = &b
			}
		}
	}
	re := r.patternRegexp(pat, anchor != 0)
	return inBytes(bytewise, func(s string) string {
		if re == nil {
			return s
		}
		var b strings.Builder
		switch anchor {
		case '#':
			bounds := runeBounds(s)
			for _, i := range slices.Backward(bounds) {
				if re.MatchString(s[:i]) {
					subst(&b, s[:i])
					return b.String() + s[i:]
				}
			}
			return s
		case '%':
			for _, i := range runeBounds(s) {
				if re.MatchString(s[i:]) {
					b.WriteString(s[:i])
					subst(&b, s[i:])
					return b.String()
				}
			}
			return s
		}
		pos := 0
		for pos < len(s) {
			loc := re.FindStringIndex(s[pos:])
			if loc == nil {
				break
			}
			start, end := pos+loc[0], pos+loc[1]
			b.WriteString(s[pos:start])
			if start == end { // an empty match replaces nothing
				_, size := utf8.DecodeRuneInString(s[start:])
				b.WriteString(s[start : start+size])
				pos = start + size
				continue
			}
			subst(&b, s[start:end])
			pos = end
			if !repl.All {
				break
			}
		}
		return b.String() + s[pos:]
	}), nil
}

// bytePattern reports a pattern operator gosh computes itself because the
// locale is C (expand always matches characters).
func (r *Runner) bytePattern(pe *syntax.ParamExp) bool {
	return patternOperator(pe) && r.byteLocale()
}

// bytePatternIn reports a bytePattern among parts, in double quotes too.
func (r *Runner) bytePatternIn(parts []syntax.WordPart) bool {
	return hasPatternOperator(parts) && r.byteLocale()
}

// patternOperator reports ${x/p/w} and its variants, and ${x#p} and the
// other removals, on a parameter patternParts computes (an extended
// pattern on a plain parameter is globparam.go's).
func patternOperator(pe *syntax.ParamExp) bool {
	if pe.Param == nil || pe.Excl || pe.Length || pe.Width || pe.IsSet || pe.Slice != nil || extGlobParam(pe) {
		return false
	}
	if pe.Repl != nil {
		return pe.Repl.Orig != nil && len(pe.Repl.Orig.Parts) > 0
	}
	if pe.Exp == nil || pe.Exp.Word == nil {
		return false
	}
	switch pe.Exp.Op {
	case syntax.RemSmallPrefix, syntax.RemLargePrefix, syntax.RemSmallSuffix, syntax.RemLargeSuffix:
		return true
	}
	return false
}

func hasPatternOperator(parts []syntax.WordPart) bool {
	for _, p := range parts {
		switch p := p.(type) {
		case *syntax.DblQuoted:
			if hasPatternOperator(p.Parts) {
				return true
			}
		case *syntax.ParamExp:
			if patternOperator(p) {
				return true
			}
		}
	}
	return false
}

// byteLocale reports a C or POSIX locale (LC_ALL, else LC_CTYPE, else
// LANG), where a pattern matches bytes, not UTF-8 characters: ? matches
// one byte of a multibyte character.
func (r *Runner) byteLocale() bool {
	for _, name := range []string{"LC_ALL", "LC_CTYPE", "LANG"} {
		if v := r.vars.get(name).String(); v != "" {
			return v == "C" || v == "POSIX"
		}
	}
	return false
}

// bytesAsRunes returns s with each byte made the character of that
// number, so that matching it matches bytes; runesAsBytes undoes it.
func bytesAsRunes(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		b.WriteRune(rune(s[i]))
	}
	return b.String()
}

func runesAsBytes(s string) string {
	b := make([]byte, 0, len(s))
	for _, c := range s {
		b = append(b, byte(c))
	}
	return string(b)
}

// inBytes returns f, made to work on the bytes of its argument when
// bytewise is set (f's pattern went through bytesAsRunes).
func inBytes(bytewise bool, f func(string) string) func(string) string {
	if !bytewise {
		return f
	}
	return func(s string) string { return runesAsBytes(f(bytesAsRunes(s))) }
}
