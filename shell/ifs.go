package shell

import (
	"os/user"
	"strings"

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

// split adds the value of an unquoted expansion, split by ifs.
func (b *fieldBuilder) split(s, ifs string) {
	isWS := func(c byte) bool { return (c == ' ' || c == '\t' || c == '\n') && strings.IndexByte(ifs, c) >= 0 }
	isIFS := func(c byte) bool { return strings.IndexByte(ifs, c) >= 0 }
	for i := 0; i < len(s); {
		if !isIFS(s[i]) {
			j := i
			for j < len(s) && !isIFS(s[j]) {
				j++
			}
			b.addText(s[i:j])
			b.has = true
			i = j
			continue
		}
		// One delimiter: IFS white space, at most one other IFS
		// character, IFS white space.
		for i < len(s) && isWS(s[i]) {
			i++
		}
		if i < len(s) && isIFS(s[i]) && !isWS(s[i]) {
			b.has = true // a field ends here even if it is empty
			i++
			for i < len(s) && isWS(s[i]) {
				i++
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
				for i, e := range elems {
					if i > 0 {
						b.end()
					}
					b.split(e, ifs)
				}
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
		default:
			return false, nil
		}
	}
	b.end()
	return true, nil
}

// hasUnquotedExpansion reports whether w has an expansion that field
// splitting applies to.
func hasUnquotedExpansion(w *syntax.Word) bool {
	for _, wp := range w.Parts {
		switch wp.(type) {
		case *syntax.ParamExp, *syntax.CmdSubst, *syntax.ArithmExp:
			return true
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

// colonTildes returns w with each ~ or ~user that follows an unquoted
// colon replaced by that home directory, as sh does in assignment values
// (PATH=~/bin:~/go/bin); expand only handles a tilde at the start.
func (r *Runner) colonTildes(w *syntax.Word) *syntax.Word {
	if w == nil {
		return nil
	}
	var out *syntax.Word
	for i, wp := range w.Parts {
		lit, ok := wp.(*syntax.Lit)
		if !ok || !strings.Contains(lit.Value, ":~") {
			if out != nil {
				out.Parts = append(out.Parts, wp)
			}
			continue
		}
		if out == nil {
			out = &syntax.Word{Parts: append([]syntax.WordPart(nil), w.Parts[:i]...)}
		}
		s := lit.Value
		for {
			k := strings.Index(s, ":~")
			if k < 0 {
				break
			}
			end := k + 2
			for end < len(s) && s[end] != '/' && s[end] != ':' {
				end++
			}
			home, found := r.homeDir(s[k+2 : end])
			if end == len(s) && i+1 < len(w.Parts) {
				found = false // ~user"quoted": not a tilde prefix
			}
			if !found {
				out.Parts = append(out.Parts, &syntax.Lit{Value: s[:end]})
			} else {
				out.Parts = append(out.Parts, &syntax.Lit{Value: s[:k+1]}, &syntax.SglQuoted{Value: home})
			}
			s = s[end:]
		}
		if s != "" {
			out.Parts = append(out.Parts, &syntax.Lit{Value: s})
		}
	}
	if out == nil {
		return w
	}
	return out
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
