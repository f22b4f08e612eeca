package shell

import (
	"fmt"
	"sort"
	"strconv"
	"time"

	"mvdan.cc/sh/v3/expand"
	"mvdan.cc/sh/v3/syntax"
)

// setVar stores v under name, enforcing readonly and allexport.
func (r *Runner) setVar(name string, v expand.Variable) error {
	name = r.resolveRef(name)
	if !validName(name) && v.Kind == expand.String {
		return r.assignNamed(name, v.Str) // through a nameref to a[i]
	}
	old := r.vars.get(name)
	if old.Kind == expand.NameRef && v.Kind == expand.String {
		// A nameref without a target: the value names its target.
		v.Kind = expand.NameRef
	}
	if name == "SHELLOPTS" || name == "BASHOPTS" {
		old.ReadOnly = true // computed from the options, as in bash
	}
	if old.ReadOnly && v.Kind != expand.KeepValue {
		return readonlyError(name)
	}
	if v.Kind == expand.KeepValue {
		nv := old
		nv.Exported = nv.Exported || v.Exported
		nv.ReadOnly = nv.ReadOnly || v.ReadOnly
		r.vars.set(name, nv)
		return nil
	}
	if !v.IsSet() && v.Kind == expand.Unknown {
		r.vars.unset(name)
		return nil
	}
	v.Exported = v.Exported || old.Exported || r.opts.Allexport
	v.ReadOnly = v.ReadOnly || old.ReadOnly
	v.Local = old.Local
	if r.integers != nil {
		v = r.applyCase(name, v) // declare -l, -u
	}
	if r.integers != nil && r.integers[name] && v.Kind == expand.String {
		n, err := r.arithString(v.Str)
		if err != nil {
			return err
		}
		v.Str = strconv.Itoa(n)
	}
	if name == "SECONDS" {
		r.sh.secondsBase = time.Now()
	}
	r.vars.set(name, v)
	if name == "HISTSIZE" || name == "HISTFILESIZE" {
		r.histSizeChanged(name)
	}
	return nil
}

// setVarString sets a string value, keeping the variable's attributes.
// With add, an integer variable adds val instead of replacing.
func (r *Runner) setVarString(name, val string, add ...bool) error {
	name = r.resolveRef(name)
	old := r.vars.get(name)
	if len(add) > 0 && add[0] && r.isInteger(name) {
		n, err := r.arithString(val)
		if err != nil {
			return err
		}
		m, _ := strconv.Atoi(old.Str)
		val = strconv.Itoa(m + n)
	}
	if old.Kind == expand.Indexed || old.Kind == expand.Associative {
		return r.assignIndex(name, nil, val, false)
	}
	return r.setVar(name, expand.Variable{Set: true, Kind: expand.String, Str: val})
}

func (r *Runner) isInteger(name string) bool { return r.integers != nil && r.integers[name] }

// indexKey evaluates an array subscript: arithmetic for indexed arrays,
// a word for associative ones.
func (r *Runner) indexKey(v expand.Variable, idx syntax.ArithmExpr) (string, int, error) {
	if v.Kind == expand.Associative {
		if w, ok := idx.(*syntax.Word); ok {
			s, err := r.literal(w)
			return s, 0, err
		}
		return "", 0, fmt.Errorf("invalid associative array key")
	}
	n, err := r.arith(idx)
	return "", n, err
}

// assignIndex sets name[idx]=val (idx nil means element 0, or the key "0"
// of an associative array). With appendVal, val is appended.
func (r *Runner) assignIndex(name string, idx syntax.ArithmExpr, val string, appendVal bool) error {
	name = r.resolveRef(name)
	if !validName(name) {
		return badIdentError(name) // a nameref to a[i]
	}
	old := r.vars.get(name)
	if old.ReadOnly {
		return readonlyError(name)
	}
	v := old
	if v.Kind == expand.Associative {
		key := "0"
		if idx != nil {
			var err error
			key, _, err = r.indexKey(v, idx)
			if err != nil {
				return err
			}
		}
		m := make(map[string]string, len(v.Map)+1)
		for k, x := range v.Map {
			m[k] = x
		}
		if appendVal {
			val = m[key] + val
		}
		m[key] = val
		v.Map, v.Set = m, true
		return r.setVar(name, v)
	}
	n := 0
	if idx != nil {
		var err error
		_, n, err = r.indexKey(v, idx)
		if err != nil {
			return err
		}
		v = r.vars.get(name) // the subscript may assign: a[a[0]=1]=x
	}
	list, indexes := arrayOf(v)
	if n < 0 {
		max := -1
		if len(indexes) > 0 {
			max = indexes[len(indexes)-1]
		}
		n += max + 1
		if n < 0 {
			return fmt.Errorf("%s: bad array subscript", name)
		}
	}
	pos := sort.SearchInts(indexes, n)
	if pos < len(indexes) && indexes[pos] == n {
		list = append([]string(nil), list...)
		if appendVal {
			val = list[pos] + val
		}
		list[pos] = val
	} else {
		list = append(append(append([]string(nil), list[:pos]...), val), list[pos:]...)
		indexes = append(append(append([]int(nil), indexes[:pos]...), n), indexes[pos:]...)
	}
	v.Kind, v.Set = expand.Indexed, true
	v.List, v.Indexes = list, denseOrNil(indexes)
	return r.setVar(name, v)
}

// arrayOf returns the elements and indexes of v as an indexed array.
func arrayOf(v expand.Variable) ([]string, []int) {
	switch v.Kind {
	case expand.Indexed:
		if v.Indexes != nil {
			return v.List, v.Indexes
		}
		idx := make([]int, len(v.List))
		for i := range idx {
			idx[i] = i
		}
		return v.List, idx
	case expand.String:
		if v.IsSet() {
			return []string{v.Str}, []int{0}
		}
	}
	return nil, nil
}

func denseOrNil(idx []int) []int {
	for i, n := range idx {
		if i != n {
			return idx
		}
	}
	return nil
}

// assignArray performs name=(...) and name+=(...).
func (r *Runner) assignArray(as *syntax.Assign, prefix bool) error {
	name := r.resolveRef(as.Name.Value)
	if !validName(name) {
		return badIdentError(name) // a nameref to a[i]
	}
	old := r.vars.get(name)
	if old.ReadOnly {
		return readonlyError(name)
	}
	assoc := old.Kind == expand.Associative || r.declAssoc
	if assoc {
		m := map[string]string{}
		if as.Append {
			for k, x := range old.Map {
				m[k] = x
			}
		}
		if err := r.assocElems(name, as.Array.Elems, m); err != nil {
			return err
		}
		nv := old
		nv.Kind, nv.Set, nv.Map = expand.Associative, true, m
		return r.setVar(name, nv)
	}
	var list []string
	var indexes []int
	if as.Append {
		list, indexes = arrayOf(old)
		list = append([]string(nil), list...)
		indexes = append([]int(nil), indexes...)
	}
	list, indexes, err := r.indexedElems(name, old, as.Array.Elems, list, indexes)
	if err != nil {
		return err
	}
	nv := old
	nv.Kind, nv.Set, nv.List, nv.Indexes, nv.Map = expand.Indexed, true, list, denseOrNil(indexes), nil
	nv.Str = ""
	if prefix {
		nv.Exported = false
	}
	return r.setVar(name, nv)
}

// badIdentError is returned by assignNamed for a name that is neither a
// variable name nor name[subscript].
type badIdentError string

func (e badIdentError) Error() string { return fmt.Sprintf("`%s': not a valid identifier", string(e)) }

// assignNamed sets a variable named by a builtin's operand (printf -v,
// read): NAME or NAME[SUBSCRIPT], as bash allows.
func (r *Runner) assignNamed(name, val string) error {
	if validName(name) {
		return r.setVarString(name, val)
	}
	base, idx, ok := parseElemRef(name)
	if !ok {
		return badIdentError(name)
	}
	return r.assignIndex(base, idx, val, false)
}

// resolveRef follows namerefs (declare -n) from name to the variable an
// assignment writes.
func (r *Runner) resolveRef(name string) string {
	for range 100 {
		v := r.vars.get(name)
		if v.Kind != expand.NameRef || v.Str == "" {
			return name
		}
		name = v.Str
	}
	return name
}
