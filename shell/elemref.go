package shell

import (
	"fmt"
	"strconv"
	"strings"

	"mvdan.cc/sh/v3/expand"
	"mvdan.cc/sh/v3/syntax"
)

// parseElemRef parses s as name[subscript], the operand of printf -v,
// read, unset or test -v naming an array element. The subscript is
// parsed as in an assignment: quotes and expansions in it are evaluated
// when it is used, as bash does.
func parseElemRef(s string) (name string, idx syntax.ArithmExpr, ok bool) {
	open := strings.IndexByte(s, '[')
	if open <= 0 || !strings.HasSuffix(s, "]") || !validName(s[:open]) {
		return "", nil, false
	}
	f, err := syntax.NewParser(syntax.Variant(syntax.LangBash)).Parse(strings.NewReader(s+"="), "")
	if err != nil || len(f.Stmts) != 1 {
		return "", nil, false
	}
	ce, ok := f.Stmts[0].Cmd.(*syntax.CallExpr)
	if !ok || len(ce.Args) != 0 || len(ce.Assigns) != 1 || ce.Assigns[0].Index == nil {
		return "", nil, false
	}
	return ce.Assigns[0].Name.Value, ce.Assigns[0].Index, true
}

// elemSubscript evaluates the subscript of s, name[subscript], for the
// array v: the key of an associative array, or the index of an indexed
// one counted from the end when negative (ok is false when it is out of
// range). A subscript the parser refuses is taken literally as a key, or
// evaluated as an expression.
func (r *Runner) elemSubscript(v expand.Variable, s string) (key string, n int, ok bool, err error) {
	_, idx, parsed := parseElemRef(s)
	if v.Kind == expand.Associative {
		if !parsed {
			open := strings.IndexByte(s, '[')
			return s[open+1 : len(s)-1], 0, true, nil
		}
		key, err = r.arithKey(idx)
		return key, 0, err == nil, err
	}
	if parsed {
		n, err = r.arith(idx)
	} else {
		open := strings.IndexByte(s, '[')
		n, err = r.arithString(s[open+1 : len(s)-1])
	}
	if err != nil {
		return "", 0, false, err
	}
	if n < 0 {
		if _, ids := arrayOf(v); len(ids) > 0 {
			n += ids[len(ids)-1] + 1
		}
	}
	return "", n, n >= 0, nil
}

// varIsSet implements test -v: name is a set variable, or name[subscript]
// a set element.
func (r *Runner) varIsSet(s string) (bool, error) {
	open := strings.IndexByte(s, '[')
	if open < 0 {
		return runnerEnv{r}.Get(s).IsSet(), nil
	}
	if open == 0 || !strings.HasSuffix(s, "]") || !validName(s[:open]) {
		return false, nil
	}
	v := runnerEnv{r}.Get(s[:open])
	if sub := s[open+1 : len(s)-1]; (sub == "@" || sub == "*") && v.Kind != expand.Associative {
		list, _ := arrayOf(v)
		return len(list) > 0, nil // any element
	}
	key, n, ok, err := r.elemSubscript(v, s)
	if err != nil || !ok {
		return false, err
	}
	switch v.Kind {
	case expand.Associative:
		_, found := v.Map[key]
		return found, nil
	case expand.Indexed:
		_, ids := arrayOf(v)
		for _, i := range ids {
			if i == n {
				return true, nil
			}
		}
		return false, nil
	}
	return n == 0 && v.IsSet(), nil
}

// subscriptToEval reports a ${name[subscript]} whose subscript gosh
// evaluates itself (fixSubscript): anything but a plain number, @ or *,
// and any ${!name[subscript]}.
func subscriptToEval(pe *syntax.ParamExp) bool {
	if pe.Index == nil || pe.Param == nil || pe.Names != 0 {
		return false
	}
	if w, ok := pe.Index.(*syntax.Word); ok {
		if lit := w.Lit(); lit == "@" || lit == "*" {
			return pe.Excl // ${!a[@]} of an unset a
		}
	}
	if _, ok := litIndex(pe.Index); ok {
		return pe.Excl
	}
	return true
}

// fixSubscript returns pe with the subscript of an indexed array
// evaluated as bash does, or nil to leave pe to expand. expand reads
// a[$i] with i='1+2' as a[0] (it does not parse the value again), fails
// on a negative subscript before the first element where bash reports
// it and expands to nothing, and takes ${!a[0]} for the list of a's
// indexes where bash means the variable a[0] names. pending says that an
// expansion before pe in the word is left to expand: a subscript with
// side effects (an assignment, an expansion) is then left too, to keep
// the order of evaluation.
func (r *Runner) fixSubscript(pe *syntax.ParamExp, pending bool) (*syntax.ParamExp, error) {
	if !subscriptToEval(pe) {
		return nil, nil
	}
	name := r.resolveRef(pe.Param.Value)
	v := runnerEnv{r}.Get(name)
	if w, ok := pe.Index.(*syntax.Word); ok && (w.Lit() == "@" || w.Lit() == "*") {
		if v.IsSet() {
			return nil, nil
		}
		// expand calls it an invalid indirect expansion; bash has no
		// keys, as for "${a[@]}".
		fixed := *pe
		fixed.Excl = false
		return &fixed, nil
	}
	if v.Kind == expand.Associative || (pending && (arithAssigns(pe.Index) || !r.arithPlain(pe.Index))) {
		if pe.Excl && v.Kind == expand.Associative {
			return r.indirectElem(pe, pe)
		}
		return nil, nil
	}
	n, err := r.arith(pe.Index)
	if err != nil {
		return nil, err
	}
	if n < 0 {
		_, ids := arrayOf(v)
		max := -1
		if len(ids) > 0 {
			max = ids[len(ids)-1]
		}
		if n += max + 1; n < 0 {
			r.errf("%s: bad array subscript", name)
			n = max + 1 // unset: expands to nothing
		}
	}
	fixed := *pe
	fixed.Index = &syntax.Word{Parts: []syntax.WordPart{&syntax.Lit{Value: strconv.Itoa(n)}}}
	if pe.Excl {
		return r.indirectElem(pe, &fixed)
	}
	return &fixed, nil
}

// indirectElem turns ${!a[i]} into the expansion of the variable that
// a[i] names; elem is a[i] with its subscript evaluated.
func (r *Runner) indirectElem(pe, elem *syntax.ParamExp) (*syntax.ParamExp, error) {
	ref := &syntax.ParamExp{Param: elem.Param, Index: elem.Index}
	target, err := r.literal(&syntax.Word{Parts: []syntax.WordPart{ref}})
	if err != nil {
		return nil, err
	}
	fixed := *pe
	fixed.Excl, fixed.Index = false, nil
	if base, idx, ok := parseElemRef(target); ok {
		fixed.Param, fixed.Index = &syntax.Lit{Value: base}, idx
	} else if validName(target) || target == "@" || target == "*" || isSpecialParam(target) {
		fixed.Param = &syntax.Lit{Value: target}
	} else {
		return nil, fmt.Errorf("%s: invalid indirect expansion", nodeText(ref))
	}
	return &fixed, nil
}

// isSpecialParam reports a positional or special parameter name: 1, #, ?.
func isSpecialParam(s string) bool {
	if _, err := strconv.Atoi(s); err == nil {
		return true
	}
	return len(s) == 1 && strings.ContainsAny(s, "#?$!-0_")
}

// arithAssigns reports an expression that assigns a variable.
func arithAssigns(x syntax.ArithmExpr) bool {
	switch x := x.(type) {
	case *syntax.Word:
		for _, p := range x.Parts {
			if pe, ok := p.(*syntax.ParamExp); ok && pe.Index != nil && arithAssigns(pe.Index) {
				return true
			}
		}
	case *syntax.ParenArithm:
		return arithAssigns(x.X)
	case *syntax.UnaryArithm:
		return x.Op == syntax.Inc || x.Op == syntax.Dec || arithAssigns(x.X)
	case *syntax.BinaryArithm:
		_, assigns := assignOps[x.Op]
		return assigns || x.Op == syntax.Assgn || arithAssigns(x.X) || arithAssigns(x.Y)
	}
	return false
}
