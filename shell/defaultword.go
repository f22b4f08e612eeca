package shell

import (
	"strings"

	"mvdan.cc/sh/v3/expand"
	"mvdan.cc/sh/v3/syntax"
)

// mvdan's expand turns the word of ${x-w} ${x:-w} ${x+w} ${x:+w} into one
// string and, unquoted, splits all of it: the quotes in ${x:-"a b" c} are
// lost (three fields instead of two). Inside double quotes it gets the
// other way wrong: in "${x:-'a'}" the single quotes are literal text in
// sh, and "${x:-~}" has no tilde expansion. gosh decides itself whether
// the word is used and, if so, puts the word's parts in the place of the
// expansion, where expand gives each part its own quoting; the unquoted
// literal text of the word becomes the default of a name no script can
// set (unsetName), so it is still split and globbed as expansion results
// are.

// unsetName is a parameter that is never set: ${gosh-unset-text}
// expands to text as an unquoted expansion would.
const unsetName = "gosh-unset"

// unquotedText returns a part that expands to s as the result of an
// unquoted expansion: split by IFS, then globbed.
func unquotedText(s string) syntax.WordPart {
	return &syntax.ParamExp{Param: &syntax.Lit{Value: unsetName},
		Exp: &syntax.Expansion{Op: syntax.DefaultUnset, Word: &syntax.Word{Parts: []syntax.WordPart{&syntax.Lit{Value: s}}}}}
}

// defaultWord reports a default or alternate value expansion whose word
// expand would get wrong: one with quotes, a tilde or $@ in it, or with
// such an expansion nested in it. $@ and $* are paramsDefault's.
func defaultWord(pe *syntax.ParamExp) bool {
	if pe.Exp == nil || pe.Exp.Word == nil || pe.Param == nil || pe.Param.Value == unsetName ||
		pe.Param.Value == "@" || pe.Param.Value == "*" || pe.Repl != nil || pe.Slice != nil {
		return false
	}
	switch pe.Exp.Op {
	case syntax.DefaultUnset, syntax.DefaultUnsetOrNull, syntax.AlternateUnset, syntax.AlternateUnsetOrNull:
	default:
		return false
	}
	if _, ok := pe.Index.(*syntax.Word); pe.Index != nil && !ok {
		return false // an arithmetic index is evaluated once, by expand
	}
	for _, p := range pe.Exp.Word.Parts {
		switch p := p.(type) {
		case *syntax.SglQuoted, *syntax.DblQuoted:
			return true
		case *syntax.Lit:
			if strings.Contains(p.Value, "~") {
				return true
			}
		case *syntax.ParamExp:
			if listExp(p) {
				return true // "${x:-$@}" is one field per parameter
			}
		}
	}
	return needsFix(pe.Exp.Word.Parts)
}

// defaultWordParts returns what pe, a defaultWord expansion, stands for
// in a word (inside double quotes when quoted): the parts of its word,
// or the plain parameter.
func (r *Runner) defaultWordParts(pe *syntax.ParamExp, quoted bool) ([]syntax.WordPart, error) {
	// expand itself tells whether the parameter is set (and not null).
	test := *pe
	test.Exp = &syntax.Expansion{Op: syntax.AlternateUnset, Word: &syntax.Word{Parts: []syntax.WordPart{&syntax.Lit{Value: "1"}}}}
	if pe.Exp.Op == syntax.DefaultUnsetOrNull || pe.Exp.Op == syntax.AlternateUnsetOrNull {
		test.Exp.Op = syntax.AlternateUnsetOrNull
	}
	set, err := expand.Literal(r.cfg(), &syntax.Word{Parts: []syntax.WordPart{&test}})
	if err != nil {
		return nil, err
	}
	alternate := pe.Exp.Op == syntax.AlternateUnset || pe.Exp.Op == syntax.AlternateUnsetOrNull
	switch {
	case alternate == (set != ""):
		return r.inlineWord(pe.Exp.Word, quoted), nil
	case alternate:
		return []syntax.WordPart{unquotedText("")}, nil // unset or null: empty
	}
	plain := *pe
	plain.Exp = nil
	return []syntax.WordPart{&plain}, nil
}

// inlineWord returns the parts of w, the word of a default or alternate
// value, to stand in its expansion's place, in double quotes when quoted.
func (r *Runner) inlineWord(w *syntax.Word, quoted bool) []syntax.WordPart {
	if w == nil || len(w.Parts) == 0 {
		return []syntax.WordPart{unquotedText("")}
	}
	out := make([]syntax.WordPart, 0, len(w.Parts))
	for i, p := range w.Parts {
		switch p := p.(type) {
		case *syntax.Lit:
			if quoted {
				out = append(out, p) // no tilde expansion in quotes
				continue
			}
			s := p.Value
			if i > 0 && strings.HasPrefix(s, "~") {
				// Only a tilde at the start of the word is expanded.
				out = append(out, &syntax.SglQuoted{Value: "~"})
				s = s[1:]
			}
			if i == 0 {
				if head, tail := tildeColon(s); tail != "" {
					out = append(out, unquotedText(head))
					s = tail
				}
			}
			if s != "" {
				out = append(out, unquotedText(s))
			}
		case *syntax.SglQuoted:
			if quoted && !p.Dollar {
				out = append(out, sglInDbl(p.Value)...)
				continue
			}
			out = append(out, p)
		default:
			out = append(out, p)
		}
	}
	return out
}

// sglInDbl returns the parts of 'text' inside "${x:-'text'}": the single
// quotes are literal there and text is expanded as in double quotes.
func sglInDbl(text string) []syntax.WordPart {
	q := &syntax.Lit{Value: "'"}
	var inner []syntax.WordPart
	if !strings.ContainsAny(text, "\"$`\\") {
		inner = []syntax.WordPart{&syntax.Lit{Value: text}}
	} else if w, err := syntax.NewParser().Document(strings.NewReader(text)); err == nil && !strings.Contains(text, "\"") {
		inner = w.Parts
	} else {
		inner = []syntax.WordPart{&syntax.Lit{Value: text}}
	}
	return append(append([]syntax.WordPart{q}, inner...), &syntax.Lit{Value: "'"})
}

// tildeColon splits s, literal text at the start of the word of an
// expansion such as ${x:-~:a}, where bash ends the tilde prefix at a
// colon as well as at a slash: head is the prefix, tail the rest from the
// colon on (empty when no colon ends the prefix).
func tildeColon(s string) (head, tail string) {
	if !strings.HasPrefix(s, "~") {
		return s, ""
	}
	end := strings.IndexAny(s, "/:")
	if end < 0 || s[end] != ':' {
		return s, ""
	}
	return s[:end], s[end:]
}

// tildeAssign reports ${x=~...} and ${x:=~...}: expand takes the tilde
// prefix up to a slash only, and expands it inside double quotes too,
// where bash leaves the word's tilde alone.
func tildeAssign(pe *syntax.ParamExp) bool {
	if pe.Exp == nil || pe.Exp.Word == nil || len(pe.Exp.Word.Parts) == 0 ||
		pe.Exp.Op != syntax.AssignUnset && pe.Exp.Op != syntax.AssignUnsetOrNull {
		return false
	}
	lit, ok := pe.Exp.Word.Parts[0].(*syntax.Lit)
	return ok && strings.HasPrefix(lit.Value, "~")
}

// tildeAssignExp returns pe, a tildeAssign expansion, with the tilde of
// its word quoted (inside double quotes) or, when a colon ends its prefix,
// expanded (expand would take the prefix on to a slash).
func (r *Runner) tildeAssignExp(pe *syntax.ParamExp, quoted bool) (*syntax.ParamExp, error) {
	lit := pe.Exp.Word.Parts[0].(*syntax.Lit)
	head, tail := "~", lit.Value[1:]
	if !quoted {
		if head, tail = tildeColon(lit.Value); tail == "" {
			return pe, nil
		}
		home, err := expand.Literal(r.cfg(), &syntax.Word{Parts: []syntax.WordPart{&syntax.Lit{Value: head}}})
		if err != nil {
			return nil, err
		}
		head = home
	}
	first := []syntax.WordPart{&syntax.SglQuoted{Value: head}}
	if tail != "" {
		first = append(first, &syntax.Lit{Value: tail})
	}
	t := *pe
	t.Exp = &syntax.Expansion{Op: pe.Exp.Op, Word: &syntax.Word{Parts: append(first, pe.Exp.Word.Parts[1:]...)}}
	return &t, nil
}
