package shell

import "mvdan.cc/sh/v3/syntax"

// evalOrder keeps fixWord's early evaluations in bash's order. fixWord
// evaluates some expansions ($(( )), subscripts) itself, before expand
// runs the rest of the words of the same expansion, left to right. An
// expression may be evaluated early only if that cannot be noticed: when
// nothing left to expand before it writes a variable, and, if it writes
// one itself, when nothing before it reads one ($i $((i++)) must show the
// old i).
type evalOrder struct {
	read  bool // an expansion left to expand reads variables
	write bool // one may assign (${x:=w}, $((i++)), a brace expansion's copies)
}

// allows reports whether x may be evaluated now.
func (o *evalOrder) allows(x syntax.ArithmExpr) bool {
	if o.write {
		return false
	}
	return !o.read || !arithAssigns(x) && !partsWrite(arithWords(x))
}

// note records parts left to expand.
func (o *evalOrder) note(parts []syntax.WordPart) {
	for _, p := range parts {
		switch p := p.(type) {
		case *syntax.DblQuoted:
			o.note(p.Parts)
		case *syntax.ParamExp, *syntax.CmdSubst, *syntax.ProcSubst:
			o.read = true
			o.write = o.write || partsWrite([]syntax.WordPart{p})
		case *syntax.ArithmExp:
			o.read = true
			o.write = o.write || arithAssigns(p.X) || partsWrite(arithWords(p.X))
		}
	}
}

// partsWrite reports parts whose expansion may assign a variable: an
// operator on a parameter (${x:=w}, or a word holding $((i++))), a
// subscript that is not a plain number, an arithmetic expansion that
// assigns.
func partsWrite(parts []syntax.WordPart) bool {
	for _, p := range parts {
		switch p := p.(type) {
		case *syntax.DblQuoted:
			if partsWrite(p.Parts) {
				return true
			}
		case *syntax.ParamExp:
			if p.Exp != nil || p.Repl != nil || p.Slice != nil {
				return true
			}
			if p.Index != nil {
				if _, ok := litIndex(p.Index); !ok && arithAssigns(p.Index) || partsWrite(arithWords(p.Index)) {
					return true
				}
			}
		case *syntax.ArithmExp:
			if arithAssigns(p.X) || partsWrite(arithWords(p.X)) {
				return true
			}
		}
	}
	return false
}

// arithWords returns the parts of the words of x.
func arithWords(x syntax.ArithmExpr) []syntax.WordPart {
	var parts []syntax.WordPart
	var walk func(syntax.ArithmExpr)
	walk = func(x syntax.ArithmExpr) {
		switch x := x.(type) {
		case *syntax.Word:
			parts = append(parts, x.Parts...)
		case *syntax.ParenArithm:
			walk(x.X)
		case *syntax.UnaryArithm:
			walk(x.X)
		case *syntax.BinaryArithm:
			walk(x.X)
			walk(x.Y)
		}
	}
	walk(x)
	return parts
}
