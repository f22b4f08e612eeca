package shell

import (
	"os/user"
	"strings"
	"unicode/utf8"

	"mvdan.cc/sh/v3/expand"
	"mvdan.cc/sh/v3/syntax"
)

// mvdan's expand splits expansion results treating every IFS character
// like whitespace: with IFS=: the value a::b gives two fields, not three
// as POSIX requires, and a leading : gives no empty field. When IFS holds
// a character other than space, tab and newline, gosh splits the
// unquoted expansions itself and hands expand words that need no more
// splitting (literal text quoted, glob characters left bare), so
// globbing, tilde and quote removal stay with expand.

// ifsNeedsSplit reports whether IFS has a non-whitespace character.
func ifsNeedsSplit(ifs string) bool {
	return strings.Trim(ifs, " \t\n") != ""
}

// fieldBuilder collects the parts of the fields of one word.
type fieldBuilder struct {
	words []*syntax.Word
	cur   []syntax.WordPart
	has   bool // the current field exists, even if empty
	// glob: the fields are for gosh's own pathname expansion (glob.go),
	// where a backslash in expanded text escapes the next character and
	// extended glob characters are active too.
	glob bool
}

func (b *fieldBuilder) add(p syntax.WordPart) {
	b.cur = append(b.cur, p)
	b.has = true
}

// end closes the current field, if there is one.
func (b *fieldBuilder) end() {
	if b.has {
		if len(b.cur) == 0 {
			b.cur = append(b.cur, &syntax.SglQuoted{})
		}
		b.words = append(b.words, &syntax.Word{Parts: b.cur})
	}
	b.cur, b.has = nil, false
}

// addText adds expanded text that is not split further: glob characters
// stay active, as they do in an unquoted expansion, the rest is quoted.
func (b *fieldBuilder) addText(s string) {
	meta := "*?["
	if b.glob {
		meta = "*?[\\@!+()|"
	}
	for s != "" {
		i := strings.IndexAny(s, meta)
		if i < 0 {
			i = len(s)
		}
		if i > 0 {
			b.add(&syntax.SglQuoted{Value: s[:i]})
			s = s[i:]
			continue
		}
		j := 1
		for j < len(s) && (strings.IndexByte("*?[]!", s[j]) >= 0 || b.glob && (s[j-1] == '\\' || strings.IndexByte("@+()|", s[j]) >= 0)) {
			j++
		}
		b.add(&syntax.Lit{Value: s[:j]})
		s = s[j:]
	}
}

// split adds the value of an unquoted expansion, split by ifs. IFS
// characters may be multibyte, as in bash.
func (b *fieldBuilder) split(s, ifs string) {
	// at reports whether s[i:] starts with an IFS character, whether that
	// is white space, and its length.
	at := func(i int) (isIFS, isWS bool, n int) {
		c, n := utf8.DecodeRuneInString(s[i:])
		if c == utf8.RuneError && n == 1 {
			return strings.IndexByte(ifs, s[i]) >= 0, false, 1 // a stray byte
		}
		isIFS = strings.ContainsRune(ifs, c)
		return isIFS, isIFS && (c == ' ' || c == '\t' || c == '\n'), n
	}
	skipWS := func(i int) int {
		for i < len(s) {
			_, ws, n := at(i)
			if !ws {
				break
			}
			i += n
		}
		return i
	}
	for i := 0; i < len(s); {
		if isIFS, _, _ := at(i); !isIFS {
			j := i
			for j < len(s) {
				isIFS, _, n := at(j)
				if isIFS {
					break
				}
				j += n
			}
			b.addText(s[i:j])
			b.has = true
			i = j
			continue
		}
		// One delimiter: IFS white space, at most one other IFS
		// character, IFS white space.
		i = skipWS(i)
		if i < len(s) {
			if isIFS, ws, n := at(i); isIFS && !ws {
				b.has = true // a field ends here even if it is empty
				i = skipWS(i + n)
			}
		}
		b.end()
	}
}

// splitWord expands the unquoted expansions of w and splits them by ifs;
// ok is false when w has a form this does not handle (left to expand).
func (r *Runner) splitWord(w *syntax.Word, ifs string, b *fieldBuilder) (ok bool, err error) {
	cfg := r.cfg()
	for _, wp := range w.Parts {
		switch wp := wp.(type) {
		case *syntax.ParamExp:
			if wp.Param != nil && (wp.Param.Value == "@" || wp.Param.Value == "*") ||
				wp.Index != nil || wp.Names != 0 {
				// $@, $* and arrays: each element is split on its own.
				pe := *wp
				if pe.Param != nil && pe.Param.Value == "*" && pe.Index == nil {
					pe.Param = &syntax.Lit{Value: "@"}
				}
				if idx, isWord := pe.Index.(*syntax.Word); isWord && idx.Lit() == "*" {
					return false, nil
				}
				elems, err := expand.Fields(cfg, &syntax.Word{Parts: []syntax.WordPart{
					&syntax.DblQuoted{Parts: []syntax.WordPart{&pe}}}})
				if err != nil {
					return false, err
				}
				// bash splits them as if joined by the first IFS
				// character: an empty element between others is an
				// empty field when that character is not white space.
				first, _ := utf8.DecodeRuneInString(ifs)
				b.split(strings.Join(elems, string(first)), ifs)
				continue
			}
			s, err := expand.Literal(cfg, &syntax.Word{Parts: []syntax.WordPart{wp}})
			if err != nil {
				return false, err
			}
			b.split(s, ifs)
		case *syntax.CmdSubst, *syntax.ArithmExp:
			s, err := expand.Literal(cfg, &syntax.Word{Parts: []syntax.WordPart{wp}})
			if err != nil {
				return false, err
			}
			b.split(s, ifs)
		case *syntax.Lit:
			if len(b.cur) > 0 && strings.HasPrefix(wp.Value, "~") {
				// Tilde expansion only applies at the start of a word;
				// keep it from applying in the middle of a new one.
				b.add(&syntax.SglQuoted{Value: "~"})
				if rest := wp.Value[1:]; rest != "" {
					b.add(&syntax.Lit{ValuePos: wp.ValuePos, ValueEnd: wp.ValueEnd, Value: rest})
				}
				continue
			}
			b.add(wp)
		case *syntax.DblQuoted:
			for _, p := range wp.Parts {
				if pe, isPE := p.(*syntax.ParamExp); isPE && (pe.Index != nil || pe.Param != nil && pe.Param.Value == "@") {
					return false, nil // "$@" and "${a[@]}" make several fields
				}
			}
			b.add(wp)
		case *syntax.SglQuoted:
			b.add(wp)
		case *syntax.ExtGlob:
			if !b.glob || !r.opts.ExtGlob {
				return false, nil
			}
			if err := r.splitExtGlob(wp, ifs, b); err != nil {
				return false, err
			}
		default:
			return false, nil
		}
	}
	b.end()
	return true, nil
}

// splitExtGlob adds an extended glob group to the fields of a word for
// pathname expansion: as in bash, the unquoted expansions inside it are
// split like any other (IFS=x; v=cxd; echo +($v) gives +(c and d) when
// nothing matches), while its literal and quoted text stay whole.
func (r *Runner) splitExtGlob(eg *syntax.ExtGlob, ifs string, b *fieldBuilder) error {
	lit := eg.Op.String()
	src := eg.Pattern.Value
	for i := 0; i < len(src); {
		c := src[i]
		if c == '\\' && i+1 < len(src) {
			lit += src[i : i+2]
			i += 2
			continue
		}
		if strings.IndexByte("'\"$`", c) >= 0 {
			n, val, quoted, err := r.extGlobPart(src[i:])
			if err != nil {
				return err
			}
			if n > 0 {
				if lit != "" {
					b.add(&syntax.Lit{Value: lit})
					lit = ""
				}
				if quoted {
					b.add(&syntax.SglQuoted{Value: val})
				} else {
					b.split(val, ifs)
				}
				i += n
				continue
			}
		}
		lit += string(c)
		i++
	}
	b.add(&syntax.Lit{Value: lit + ")"})
	return nil
}

// hasUnquotedExpansion reports whether w has an expansion that field
// splitting applies to.
func hasUnquotedExpansion(w *syntax.Word) bool {
	for _, wp := range w.Parts {
		switch wp := wp.(type) {
		case *syntax.ParamExp, *syntax.CmdSubst, *syntax.ArithmExp:
			return true
		case *syntax.ExtGlob:
			if strings.ContainsAny(wp.Pattern.Value, "$`") {
				return true
			}
		}
	}
	return false
}

// fieldsIFS expands words into fields, splitting by a non-whitespace IFS
// as POSIX says; words without unquoted expansions go to expand as is.
func (r *Runner) fieldsIFS(ifs string, words []*syntax.Word) ([]string, error) {
	var out []*syntax.Word
	for _, w := range words {
		if !hasUnquotedExpansion(w) {
			out = append(out, w)
			continue
		}
		var b fieldBuilder
		ok, err := r.splitWord(w, ifs, &b)
		if err != nil {
			return nil, err
		}
		if !ok {
			out = append(out, w)
			continue
		}
		out = append(out, b.words...)
	}
	return expand.Fields(r.cfg(), out...)
}

// colonTildes returns w with each ~ or ~user at its start or after an
// unquoted colon replaced by that home directory, as sh does in
// assignment values (PATH=~/bin:~/go/bin, x=~:y); expand only handles a
// tilde at the start, ended by a slash. The words of ${v-w} and its kin
// get the same treatment.
func (r *Runner) colonTildes(w *syntax.Word) *syntax.Word {
	if w == nil {
		return nil
	}
	var out *syntax.Word
	for i, wp := range w.Parts {
		var repl []syntax.WordPart
		switch p := wp.(type) {
		case *syntax.Lit:
			repl = r.litTildes(p.Value, i == 0, i+1 < len(w.Parts))
		case *syntax.ParamExp:
			if p.Exp != nil && p.Exp.Word != nil && tildeWordOp(p.Exp.Op) {
				if nw := r.colonTildes(p.Exp.Word); nw != p.Exp.Word {
					pe := *p
					pe.Exp = &syntax.Expansion{Op: p.Exp.Op, Word: nw}
					repl = []syntax.WordPart{&pe}
				}
			}
		}
		if repl == nil {
			if out != nil {
				out.Parts = append(out.Parts, wp)
			}
			continue
		}
		if out == nil {
			out = &syntax.Word{Parts: append([]syntax.WordPart(nil), w.Parts[:i]...)}
		}
		out.Parts = append(out.Parts, repl...)
	}
	if out == nil {
		return w
	}
	return out
}

// tildeWordOp reports the operators whose word bash expands as part of
// the assignment value.
func tildeWordOp(op syntax.ParExpOperator) bool {
	switch op {
	case syntax.DefaultUnset, syntax.DefaultUnsetOrNull, syntax.AlternateUnset, syntax.AlternateUnsetOrNull:
		return true // not ${v:=w}, whose word is expanded as v's value
	}
	return false
}

// litTildes returns the parts that replace s, unquoted text of an
// assignment value, with its tilde prefixes expanded (one at its start
// too when atStart), or nil when it has none. more tells that quoted or
// expanded parts follow s: a prefix running to the end of s is then not
// a tilde prefix (~"user").
func (r *Runner) litTildes(s string, atStart, more bool) []syntax.WordPart {
	var parts []syntax.WordPart
	done := 0 // s[:done] is in parts
	for k := 0; k < len(s); k++ {
		if s[k] != '~' || !(k == 0 && atStart || k > 0 && s[k-1] == ':') {
			continue
		}
		end := k + 1
		for end < len(s) && s[end] != '/' && s[end] != ':' {
			end++
		}
		if end == len(s) && more {
			break
		}
		home, found := r.homeDir(s[k+1 : end])
		if !found {
			continue
		}
		if k > done {
			parts = append(parts, &syntax.Lit{Value: s[done:k]})
		}
		parts = append(parts, &syntax.SglQuoted{Value: home})
		done = end
		k = end - 1
	}
	if parts == nil {
		return nil
	}
	if done < len(s) {
		parts = append(parts, &syntax.Lit{Value: s[done:]})
	}
	return parts
}

// homeDir returns the home directory for ~user, or $HOME for ~.
func (r *Runner) homeDir(name string) (string, bool) {
	if name == "" {
		h := r.vars.get("HOME")
		return h.Str, h.IsSet()
	}
	u, err := user.Lookup(name)
	if err != nil {
		return "", false
	}
	return u.HomeDir, true
}
