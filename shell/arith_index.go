package shell

import (
	"fmt"
	"strconv"

	"mvdan.cc/sh/v3/expand"
	"mvdan.cc/sh/v3/syntax"
)

// mvdan's expand.Arithm assigns only to plain names: (( a[i] = 1 )),
// (( a[i] += 2 )) and (( a[i]++ )) lose the subscript. arithIndexed
// evaluates those forms itself, at the top of an expression or of a comma
// list or parentheses; ok is false for any other expression, which
// expand.Arithm then evaluates.
func (r *Runner) arithIndexed(x syntax.ArithmExpr) (n int, ok bool, err error) {
	switch x := x.(type) {
	case *syntax.ParenArithm:
		return r.arithIndexed(x.X)
	case *syntax.BinaryArithm:
		if x.Op == syntax.Comma {
			if !hasIndexedAssign(x) {
				return 0, false, nil
			}
			if _, err := r.arith(x.X); err != nil {
				return 0, true, err
			}
			n, err := r.arith(x.Y)
			return n, true, err
		}
		pe := indexedLHS(x.X)
		if pe == nil || !isAssignOp(x.Op) {
			return 0, false, nil
		}
		arg, err := r.arith(x.Y)
		if err != nil {
			return 0, true, err
		}
		old, err := r.elemValue(pe)
		if err != nil {
			return 0, true, err
		}
		val, err := applyAssign(x.Op, old, arg)
		if err != nil {
			return 0, true, err
		}
		return val, true, r.assignIndex(pe.Param.Value, pe.Index, strconv.Itoa(val), false)
	case *syntax.UnaryArithm:
		pe := indexedLHS(x.X)
		if pe == nil || (x.Op != syntax.Inc && x.Op != syntax.Dec) {
			return 0, false, nil
		}
		old, err := r.elemValue(pe)
		if err != nil {
			return 0, true, err
		}
		val := old + 1
		if x.Op == syntax.Dec {
			val = old - 1
		}
		if err := r.assignIndex(pe.Param.Value, pe.Index, strconv.Itoa(val), false); err != nil {
			return 0, true, err
		}
		if x.Post {
			return old, true, nil
		}
		return val, true, nil
	}
	return 0, false, nil
}

func hasIndexedAssign(x syntax.ArithmExpr) bool {
	switch x := x.(type) {
	case *syntax.ParenArithm:
		return hasIndexedAssign(x.X)
	case *syntax.BinaryArithm:
		if x.Op == syntax.Comma {
			return hasIndexedAssign(x.X) || hasIndexedAssign(x.Y)
		}
		return isAssignOp(x.Op) && indexedLHS(x.X) != nil
	case *syntax.UnaryArithm:
		return (x.Op == syntax.Inc || x.Op == syntax.Dec) && indexedLHS(x.X) != nil
	}
	return false
}

// indexedLHS returns the name[index] an arithmetic operand names, if any.
func indexedLHS(x syntax.ArithmExpr) *syntax.ParamExp {
	w, ok := x.(*syntax.Word)
	if !ok || len(w.Parts) != 1 {
		return nil
	}
	pe, ok := w.Parts[0].(*syntax.ParamExp)
	if !ok || pe.Index == nil || pe.Param == nil || pe.Excl || pe.Length || pe.Exp != nil || pe.Repl != nil || pe.Slice != nil {
		return nil
	}
	return pe
}

func isAssignOp(op syntax.BinAritOperator) bool {
	switch op {
	case syntax.Assgn, syntax.AddAssgn, syntax.SubAssgn, syntax.MulAssgn, syntax.QuoAssgn,
		syntax.RemAssgn, syntax.AndAssgn, syntax.OrAssgn, syntax.XorAssgn, syntax.ShlAssgn, syntax.ShrAssgn:
		return true
	}
	return false
}

// elemValue is the arithmetic value of name[index] (0 when unset).
func (r *Runner) elemValue(pe *syntax.ParamExp) (int, error) {
	s, err := expand.Literal(r.cfg(), &syntax.Word{Parts: []syntax.WordPart{pe}})
	if err != nil {
		return 0, err
	}
	return r.arithString(s)
}

func applyAssign(op syntax.BinAritOperator, val, arg int) (int, error) {
	switch op {
	case syntax.Assgn:
		return arg, nil
	case syntax.AddAssgn:
		return val + arg, nil
	case syntax.SubAssgn:
		return val - arg, nil
	case syntax.MulAssgn:
		return val * arg, nil
	case syntax.QuoAssgn, syntax.RemAssgn:
		if arg == 0 {
			return 0, fmt.Errorf("division by 0")
		}
		if op == syntax.QuoAssgn {
			return val / arg, nil
		}
		return val % arg, nil
	case syntax.AndAssgn:
		return val & arg, nil
	case syntax.OrAssgn:
		return val | arg, nil
	case syntax.XorAssgn:
		return val ^ arg, nil
	case syntax.ShlAssgn:
		return val << uint(arg), nil
	case syntax.ShrAssgn:
		return val >> uint(arg), nil
	}
	return val, nil
}
