package shell

import (
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
	as := parseAssign(s + "=")
	if as == nil || as.Index == nil {
		return "", nil, false
	}
	return as.Name.Value, as.Index, true
}

// parseAssign parses src as a lone assignment (a[1]=x, a=(1 2)); nil
// when it is anything else.
func parseAssign(src string) *syntax.Assign {
	f, err := syntax.NewParser(syntax.Variant(syntax.LangBash)).Parse(strings.NewReader(src), "")
	if err != nil || len(f.Stmts) != 1 {
		return nil
	}
	ce, ok := f.Stmts[0].Cmd.(*syntax.CallExpr)
	if !ok || len(ce.Args) != 0 || len(ce.Assigns) != 1 {
		return nil
	}
	return ce.Assigns[0]
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
// evaluates itself (fixSubscript), and ${!a[@]}. ${!a[i]} (indirection
// through an element) is paramops.go's.
func subscriptToEval(pe *syntax.ParamExp) bool {
	if pe.Index == nil || pe.Param == nil || pe.Names != 0 {
		return false
	}
	if w, ok := pe.Index.(*syntax.Word); ok {
		if lit := w.Lit(); lit == "@" || lit == "*" {
			return pe.Excl // ${!a[@]} of an unset a
		}
	}
	if pe.Excl {
		return false
	}
	// Names, numbers and operators are left to expand, which gets them
	// right but for a name holding an expression or the key of an
	// associative array (runtimeSubscript sees to those): what it gets
	// wrong is text from an expansion, a negative subscript, an
	// assignment, a division by zero.
	return !arithPlainNonNeg(pe.Index, anyLit) || arithAssigns(pe.Index)
}

func anyLit(string) bool { return true }

// isNumber reports a decimal literal.
func isNumber(s string) bool {
	_, ok := quickAtoi(s)
	return ok
}

// arithPlainNonNeg reports an expression of literal words that plain
// accepts only, and no unary minus nor division.
func arithPlainNonNeg(x syntax.ArithmExpr, plain func(string) bool) bool {
	switch x := x.(type) {
	case *syntax.Word:
		lit, ok := litText(x)
		return ok && plain(lit)
	case *syntax.ParenArithm:
		return arithPlainNonNeg(x.X, plain)
	case *syntax.UnaryArithm:
		return x.Op != syntax.Minus && arithPlainNonNeg(x.X, plain)
	case *syntax.BinaryArithm:
		// expand reads a division by zero as 0 where bash reports it.
		return x.Op != syntax.Sub && x.Op != syntax.Quo && x.Op != syntax.Rem &&
			arithPlainNonNeg(x.X, plain) && arithPlainNonNeg(x.Y, plain)
	}
	return false
}

// plainOperand reports a number, or a name whose value expand reads as
// bash does: a non-negative decimal number, or nothing.
func (r *Runner) plainOperand(s string) bool {
	if isNumber(s) {
		return true
	}
	if !validName(s) {
		return false
	}
	v := r.vars.get(s)
	if v.Kind != expand.String && v.Kind != expand.Unknown {
		return false
	}
	if v.Str == "" {
		return v.IsSet() || !r.opts.Nounset // set -u: see arith
	}
	return isNumber(v.Str)
}

// fixSubscript returns pe with the subscript of an indexed array
// evaluated as bash does, or nil to leave pe to expand. expand reads
// a[$i] with i='1+2' as a[0] (it does not parse the value again), fails
// on a negative subscript before the first element where bash reports
// it and expands to nothing, and calls ${!a[@]} of an unset a an invalid
// indirect expansion where bash finds no keys. A subscript that o says
// cannot be evaluated ahead of what is left to expand is left too.
func (r *Runner) fixSubscript(pe *syntax.ParamExp, o *evalOrder) (*syntax.ParamExp, error) {
	if !subscriptToEval(pe) && !r.runtimeSubscript(pe) {
		return nil, nil
	}
	name := r.resolveRef(pe.Param.Value)
	v := runnerEnv{r}.Get(name)
	if w, ok := pe.Index.(*syntax.Word); ok && (w.Lit() == "@" || w.Lit() == "*") {
		if v.Kind == expand.Associative && len(v.Map) == 0 {
			// expand makes one empty field of "${m[@]}" and "${!m[@]}"
			// for an empty map; bash none, as for an empty array.
			fixed := *pe
			fixed.Param = r.paramTmp(expand.Variable{Set: true, Kind: expand.Indexed, List: []string{}}, "").Param
			return &fixed, nil
		}
		if v.IsSet() {
			return nil, nil
		}
		// expand calls it an invalid indirect expansion; bash has no
		// keys, as for "${a[@]}".
		fixed := *pe
		fixed.Excl = false
		return &fixed, nil
	}
	if v.Kind == expand.Associative || pe.Excl || !o.allows(pe.Index) ||
		arithPlainNonNeg(pe.Index, r.plainOperand) && !arithAssigns(pe.Index) {
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
	return &fixed, nil
}

// runtimeSubscript reports a ${name[subscript]} that fixSubscript must
// see though subscriptToEval, which looks at the text only, does not
// want it: a subscript naming a variable that holds an expression, a
// key of an associative array the parser took for an expression, and
// "${m[@]}" or "${!m[@]}" of an associative array with no elements.
func (r *Runner) runtimeSubscript(pe *syntax.ParamExp) bool {
	if pe.Param == nil || pe.Index == nil || pe.Names != 0 {
		return false
	}
	w, isWord := pe.Index.(*syntax.Word)
	all := isWord && (w.Lit() == "@" || w.Lit() == "*")
	v := runnerEnv{r}.Get(r.resolveRef(pe.Param.Value))
	switch {
	case all:
		return w.Lit() == "@" && v.Kind == expand.Associative && len(v.Map) == 0
	case v.Kind == expand.Associative:
		return !isWord // see assocKey
	}
	return !pe.Excl && !arithPlainNonNeg(pe.Index, r.plainOperand)
}

// runtimeFix reports a runtimeSubscript expansion in parts.
func (r *Runner) runtimeFix(parts []syntax.WordPart) bool {
	for _, p := range parts {
		switch p := p.(type) {
		case *syntax.DblQuoted:
			if r.runtimeFix(p.Parts) {
				return true
			}
		case *syntax.ParamExp:
			if r.runtimeSubscript(p) {
				return true
			}
		}
	}
	return false
}

// assocKey returns pe with its subscript made a word when it names an
// element of an associative array: the parser, not knowing the array is
// associative, took a key like i+1 for an expression, and expand wants
// a word. It returns pe itself otherwise.
func (r *Runner) assocKey(pe *syntax.ParamExp) (*syntax.ParamExp, error) {
	if _, ok := pe.Index.(*syntax.Word); ok || pe.Index == nil || pe.Param == nil ||
		(runnerEnv{r}).Get(r.resolveRef(pe.Param.Value)).Kind != expand.Associative {
		return pe, nil
	}
	key, err := r.arithKey(pe.Index)
	if err != nil {
		return nil, err
	}
	fixed := *pe
	fixed.Index = &syntax.Word{Parts: []syntax.WordPart{&syntax.SglQuoted{Value: key}}}
	return &fixed, nil
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
