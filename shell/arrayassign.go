package shell

import (
	"sort"

	"mvdan.cc/sh/v3/expand"
	"mvdan.cc/sh/v3/syntax"
)

// assocElems adds the elements of an associative array literal to m.
// [key]=value elements set one key each; a list whose first element has
// no subscript is read as key value key value... (bash 5.1), any element
// written [k]=v in it being a plain word. A subscript missing later is
// reported and the element skipped, as bash does.
func (r *Runner) assocElems(name string, elems []*syntax.ArrayElem, m map[string]string) error {
	if len(elems) > 0 && elems[0].Index == nil {
		var words []string
		for _, el := range elems {
			s, err := r.literal(el.Value)
			if err != nil {
				return err
			}
			if el.Index != nil {
				k, err := r.arithKey(el.Index)
				if err != nil {
					return err
				}
				s = "[" + k + "]=" + s
			}
			words = append(words, s)
		}
		for i := 0; i < len(words); i += 2 {
			val := ""
			if i+1 < len(words) {
				val = words[i+1]
			}
			m[words[i]] = val
		}
		return nil
	}
	for _, el := range elems {
		if el.Index == nil {
			w, err := r.literal(el.Value)
			if err != nil {
				return err
			}
			r.errf("%s: '%s': must use subscript when assigning associative array", name, w)
			continue
		}
		k, err := r.arithKey(el.Index)
		if err != nil {
			return err
		}
		val, err := r.literal(el.Value)
		if err != nil {
			return err
		}
		m[k] = val
	}
	return nil
}

// indexedElems puts the elements of an indexed array literal into list
// and indexes (sorted by index), in bash's order: every value is
// expanded first; then the subscripts are evaluated one by one, each
// seeing the array as the elements before it left it (a=([0]=2 [a[0]]=x)
// sets a[2]), so the variable is stored before a subscript that is not a
// plain number is evaluated.
func (r *Runner) indexedElems(name string, old expand.Variable, elems []*syntax.ArrayElem, list []string, indexes []int) ([]string, []int, error) {
	vals := make([][]string, len(elems))
	for i, el := range elems {
		var err error
		if el.Index != nil {
			var s string
			s, err = r.literal(r.colonTildes(el.Value)) // [k]=~:~ as in k=~:~
			vals[i] = []string{s}
		} else {
			vals[i], err = r.fields(el.Value)
		}
		if err != nil {
			return nil, nil, err
		}
	}
	next := 0
	if len(indexes) > 0 {
		next = indexes[len(indexes)-1] + 1
	}
	put := func(i int, val string) {
		pos := sort.SearchInts(indexes, i)
		if pos < len(indexes) && indexes[pos] == i {
			list[pos] = val
			return
		}
		list = append(list[:pos], append([]string{val}, list[pos:]...)...)
		indexes = append(indexes[:pos], append([]int{i}, indexes[pos:]...)...)
	}
	for i, el := range elems {
		if el.Index == nil {
			for _, f := range vals[i] {
				put(next, f)
				next++
			}
			continue
		}
		n, ok := litIndex(el.Index)
		if !ok {
			nv := old
			nv.Kind, nv.Set, nv.Map, nv.Str = expand.Indexed, true, nil, ""
			nv.List, nv.Indexes = append([]string(nil), list...), denseOrNil(append([]int(nil), indexes...))
			if err := r.setVar(name, nv); err != nil {
				return nil, nil, err
			}
			var err error
			if n, err = r.arith(el.Index); err != nil {
				return nil, nil, err
			}
		}
		put(n, vals[i][0])
		next = n + 1
	}
	return list, indexes, nil
}

// litIndex returns the value of a subscript written as a plain decimal
// number.
func litIndex(x syntax.ArithmExpr) (int, bool) {
	w, ok := x.(*syntax.Word)
	if !ok {
		return 0, false
	}
	lit, ok := litText(w)
	if !ok {
		return 0, false
	}
	return quickAtoi(lit)
}

// arrayOperand parses the operand of declare -a "x=(1 2)" (a value made
// by an expansion) as an array assignment, as bash does when the
// variable is an array by now; nil means a plain string value.
func arrayOperand(it declItem, v expand.Variable) *syntax.Assign {
	val := *it.value
	if v.Kind != expand.Indexed && v.Kind != expand.Associative || len(val) < 2 || val[0] != '(' || val[len(val)-1] != ')' {
		return nil
	}
	op := "="
	if it.append {
		op = "+="
	}
	as := parseAssign(it.name + op + val)
	if as == nil || as.Array == nil {
		return nil
	}
	return as
}
