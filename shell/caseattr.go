package shell

import (
	"strings"

	"mvdan.cc/sh/v3/expand"
)

// declare -l and -u: a variable with one of these attributes converts
// each value assigned to it to lower or upper case. The attribute is kept
// in the integers map (which subshells share copy-on-write and which a
// re-executed gosh receives) under the key caseKey(c, name), a name no
// variable can have.

func caseKey(c byte, name string) string { return "\x00" + string(c) + name }

// caseAttr returns 'l', 'u' or 0 for name.
func (r *Runner) caseAttr(name string) byte {
	if r.integers == nil {
		return 0
	}
	for _, c := range []byte("lu") {
		if r.integers[caseKey(c, name)] {
			return c
		}
	}
	return 0
}

// setCaseAttr gives name the attribute c ('l' or 'u'), which replaces
// the other one, or with c 0 removes both.
func (r *Runner) setCaseAttr(name string, c byte) {
	if r.caseAttr(name) == c {
		return
	}
	m := r.writableIntegers()
	delete(m, caseKey('l', name))
	delete(m, caseKey('u', name))
	if c != 0 {
		m[caseKey(c, name)] = true
	}
}

// applyCase converts the values of v as name's case attribute asks.
func (r *Runner) applyCase(name string, v expand.Variable) expand.Variable {
	conv := strings.ToLower
	switch r.caseAttr(name) {
	case 0:
		return v
	case 'u':
		conv = strings.ToUpper
	}
	switch v.Kind {
	case expand.String:
		v.Str = conv(v.Str)
	case expand.Indexed:
		list := make([]string, len(v.List))
		for i, s := range v.List {
			list[i] = conv(s)
		}
		v.List = list
	case expand.Associative:
		m := make(map[string]string, len(v.Map))
		for k, s := range v.Map {
			m[k] = conv(s)
		}
		v.Map = m
	}
	return v
}
