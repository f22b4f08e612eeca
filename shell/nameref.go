package shell

import (
	"strings"

	"mvdan.cc/sh/v3/expand"
	"mvdan.cc/sh/v3/syntax"
)

// refElement reads name[subscript], the target of a nameref such as
// declare -n ref='a[2]', as bash does: the subscript is evaluated when
// the reference is used. It returns an unset variable for anything else.
func (r *Runner) refElement(name string) expand.Variable {
	if !validRefTarget(name) {
		return expand.Variable{}
	}
	f, err := syntax.NewParser(syntax.Variant(syntax.LangBash)).Parse(strings.NewReader(name+"="), "")
	if err != nil || len(f.Stmts) != 1 {
		return expand.Variable{}
	}
	ce, ok := f.Stmts[0].Cmd.(*syntax.CallExpr)
	if !ok || len(ce.Args) != 0 || len(ce.Assigns) != 1 || ce.Assigns[0].Index == nil {
		return expand.Variable{}
	}
	as := ce.Assigns[0]
	pe := &syntax.ParamExp{Param: as.Name, Index: as.Index}
	set := &syntax.ParamExp{Param: as.Name, Index: as.Index, Exp: &syntax.Expansion{Op: syntax.AlternateUnset, Word: &syntax.Word{Parts: []syntax.WordPart{&syntax.Lit{Value: "x"}}}}}
	w := &syntax.Word{Parts: []syntax.WordPart{&syntax.DblQuoted{Parts: []syntax.WordPart{set}}}}
	if s, err := r.literal(w); err != nil || s == "" {
		return expand.Variable{}
	}
	w.Parts[0].(*syntax.DblQuoted).Parts[0] = pe
	s, err := r.literal(w)
	if err != nil {
		return expand.Variable{}
	}
	return expand.Variable{Set: true, Kind: expand.String, Str: s}
}
