package shell

import (
	"strings"

	"mvdan.cc/sh/v3/syntax"
)

// emptyHomeTilde returns w with a leading ~ removed when HOME is set but
// empty: bash expands ~ to nothing there, where expand.Literal would
// leave it as it is.
func (r *Runner) emptyHomeTilde(w *syntax.Word) *syntax.Word {
	if w == nil || len(w.Parts) == 0 {
		return w
	}
	lit, ok := w.Parts[0].(*syntax.Lit)
	if !ok || !strings.HasPrefix(lit.Value, "~") {
		return w
	}
	if rest := lit.Value[1:]; rest != "" && rest[0] != '/' || len(w.Parts) > 1 && rest == "" {
		return w // ~user, or ~ followed by a quoted part
	}
	if h := r.vars.get("HOME"); !h.IsSet() || h.Str != "" {
		return w
	}
	parts := append([]syntax.WordPart{&syntax.Lit{ValuePos: lit.ValuePos, ValueEnd: lit.ValueEnd, Value: lit.Value[1:]}}, w.Parts[1:]...)
	return &syntax.Word{Parts: parts}
}
