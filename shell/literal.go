package shell

import (
	"os"
	"strings"

	"mvdan.cc/sh/v3/syntax"
)

// literalWord prepares a word for expand.Literal, which (unlike
// expand.Fields) keeps the backslashes of unquoted literal text: in
// x=a\b or case a\b in, sh removes them. Each top-level literal part
// holding a backslash is split so that every escaped character becomes a
// single-quoted part, which Literal copies as is. The syntax tree is not
// modified; words without such a backslash are returned unchanged.
func literalWord(w *syntax.Word) *syntax.Word {
	if w == nil {
		return nil
	}
	var parts []syntax.WordPart
	for i, p := range w.Parts {
		lit, ok := p.(*syntax.Lit)
		if !ok || !strings.Contains(lit.Value, `\`) {
			if parts != nil {
				parts = append(parts, p)
			}
			continue
		}
		if parts == nil {
			parts = append(make([]syntax.WordPart, 0, len(w.Parts)+2), w.Parts[:i]...)
		}
		s := lit.Value
		var plain strings.Builder
		flush := func() {
			if plain.Len() > 0 {
				parts = append(parts, &syntax.Lit{ValuePos: lit.ValuePos, ValueEnd: lit.ValueEnd, Value: plain.String()})
				plain.Reset()
			}
		}
		for k := 0; k < len(s); k++ {
			if s[k] != '\\' || k+1 >= len(s) {
				plain.WriteByte(s[k])
				continue
			}
			k++
			flush()
			if s[k] == '\'' {
				parts = append(parts, &syntax.DblQuoted{Left: lit.ValuePos, Right: lit.ValuePos,
					Parts: []syntax.WordPart{&syntax.Lit{ValuePos: lit.ValuePos, ValueEnd: lit.ValueEnd, Value: "'"}}})
				continue
			}
			parts = append(parts, &syntax.SglQuoted{Left: lit.ValuePos, Right: lit.ValuePos, Value: s[k : k+1]})
		}
		flush()
	}
	if parts == nil {
		return w
	}
	return &syntax.Word{Parts: parts}
}

// assignTilde applies the tilde expansion of assignment values: besides
// a leading ~, one after each unquoted ':' (PATH=~/bin:~/sbin). The
// expanded directories become quoted parts; the rest is unchanged.
func (r *Runner) assignTilde(w *syntax.Word) *syntax.Word {
	if w == nil {
		return nil
	}
	var parts []syntax.WordPart
	changed := false
	for i, p := range w.Parts {
		lit, ok := p.(*syntax.Lit)
		leading := ok && i == 0 && strings.HasPrefix(lit.Value, "~") && strings.Contains(lit.Value, ":")
		if !ok || !(strings.Contains(lit.Value, ":~") || leading) {
			parts = append(parts, p)
			continue
		}
		segs := strings.Split(lit.Value, ":")
		var b strings.Builder
		flush := func() {
			if b.Len() > 0 {
				parts = append(parts, &syntax.Lit{ValuePos: lit.ValuePos, ValueEnd: lit.ValueEnd, Value: b.String()})
				b.Reset()
			}
		}
		for k, seg := range segs {
			if k > 0 {
				b.WriteByte(':')
			}
			if (k == 0 && !leading) || !strings.HasPrefix(seg, "~") {
				b.WriteString(seg)
				continue
			}
			user, rest, _ := strings.Cut(seg[1:], "/")
			hasSlash := strings.Contains(seg, "/")
			// The prefix must end the segment or the word part.
			if !hasSlash && k == len(segs)-1 && i+1 < len(w.Parts) {
				b.WriteString(seg)
				continue
			}
			home, ok := r.homeDir(user)
			if !ok {
				b.WriteString(seg)
				continue
			}
			flush()
			parts = append(parts, &syntax.SglQuoted{Left: lit.ValuePos, Right: lit.ValuePos, Value: home})
			if hasSlash {
				b.WriteString("/" + rest)
			}
			changed = true
		}
		flush()
	}
	if !changed {
		return w
	}
	return &syntax.Word{Parts: parts}
}

// homeDir is ~ ($HOME) or ~user.
func (r *Runner) homeDir(user string) (string, bool) {
	if user == "" {
		h := r.vars.get("HOME")
		return h.Str, h.IsSet()
	}
	data, err := os.ReadFile("/etc/passwd")
	if err != nil {
		return "", false
	}
	for _, line := range strings.Split(string(data), "\n") {
		f := strings.Split(line, ":")
		if len(f) >= 6 && f[0] == user {
			return f[5], true
		}
	}
	return "", false
}
