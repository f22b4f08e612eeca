package shell

import (
	"strconv"
	"strings"

	"mvdan.cc/sh/v3/expand"
	"mvdan.cc/sh/v3/syntax"
)

// The quick expanders below handle the words that make up most of a loop's
// work ([ $i -lt 10 ], i=$((i+1)), "$x") without the general expander,
// whose per-call setup (config preparation, IFS lookup, iterator and
// builder allocations) costs more than the expansion itself. Each returns
// ok=false as soon as a word needs anything they do not model exactly
// (globbing, field splitting, quoting escapes, tilde, brace expansion,
// command substitution, special parameters with side effects, set -u on an
// unset name); the caller then expands the whole word list the general
// way. They have no side effects, so giving up half way is always safe.

// quickFields expands words as command arguments, or reports !ok.
func (r *Runner) quickFields(words []*syntax.Word) ([]string, bool) {
	v, ok := r.plainVar("IFS")
	if !ok {
		return nil, false
	}
	ifs := " \t\n"
	if v.IsSet() {
		ifs = v.Str
	}
	fields := make([]string, 0, len(words))
	for _, w := range words {
		s, quoted, ok := r.quickWord(w, &ifs)
		if !ok {
			return nil, false
		}
		if s == "" && !quoted {
			continue // unquoted empty expansions make no field
		}
		fields = append(fields, s)
	}
	return fields, true
}

// quickLiteral expands w as an assignment value or case word.
func (r *Runner) quickLiteral(w *syntax.Word) (string, bool) {
	s, _, ok := r.quickWord(w, nil)
	return s, ok
}

// quickWord expands w's parts and concatenates them. A non-nil ifs makes w
// a command argument: then unquoted text must hold no glob character and
// unquoted expansions no IFS character either, so the word is exactly one
// field, or none when it is empty and not quoted (quoted reports a quoted
// part or a literal).
func (r *Runner) quickWord(w *syntax.Word, ifs *string) (s string, quoted, ok bool) {
	if w == nil {
		return "", false, false
	}
	if len(w.Parts) == 1 {
		// The common single-part word needs no builder.
		return r.quickPart(w.Parts[0], ifs, false)
	}
	var b strings.Builder
	for _, p := range w.Parts {
		ps, q, ok := r.quickPart(p, ifs, false)
		if !ok {
			return "", false, false
		}
		quoted = quoted || q
		b.WriteString(ps)
	}
	return b.String(), quoted, true
}

// isPattern reports whether unquoted text could be a glob pattern or holds
// an escape: *, ?, a [ closed later by ], a backslash, or a parenthesis
// (extended globs). A lone [ or ] (the test command) is literal.
func isPattern(s string) bool {
	open := false
	for i := 0; i < len(s); i++ {
		switch s[i] {
		case '*', '?', '\\', '(', ')':
			return true
		case '[':
			open = true
		case ']':
			if open {
				return true
			}
		}
	}
	return false
}

// hasByteOf reports whether s holds any byte of set (both short: the
// expansion of a counter, and IFS).
func hasByteOf(s, set string) bool {
	for i := 0; i < len(s); i++ {
		if strings.IndexByte(set, s[i]) >= 0 {
			return true
		}
	}
	return false
}

func (r *Runner) quickPart(p syntax.WordPart, ifs *string, inDbl bool) (s string, quoted, ok bool) {
	switch p := p.(type) {
	case *syntax.Lit:
		switch {
		case inDbl:
			if strings.IndexByte(p.Value, '\\') >= 0 {
				return "", false, false
			}
		case ifs == nil:
			if hasByteOf(p.Value, "~\\") {
				return "", false, false
			}
		default: // an argument: no glob, tilde or brace expansion
			if isPattern(p.Value) || hasByteOf(p.Value, "~{") {
				return "", false, false
			}
		}
		return p.Value, true, true
	case *syntax.SglQuoted:
		if p.Dollar {
			return "", false, false
		}
		return p.Value, true, true
	case *syntax.DblQuoted:
		if p.Dollar {
			return "", false, false
		}
		if len(p.Parts) == 1 {
			s, _, ok := r.quickPart(p.Parts[0], ifs, true)
			return s, true, ok
		}
		var b strings.Builder
		for _, q := range p.Parts {
			qs, _, ok := r.quickPart(q, ifs, true)
			if !ok {
				return "", false, false
			}
			b.WriteString(qs)
		}
		return b.String(), true, true
	case *syntax.ParamExp:
		s, ok = r.quickParam(p)
	case *syntax.ArithmExp:
		if p.Bracket || p.Unsigned {
			return "", false, false
		}
		var n int
		n, ok = r.quickArith(p.X)
		s = strconv.Itoa(n)
	}
	if !ok {
		return "", false, false
	}
	if ifs != nil && !inDbl && (isPattern(s) || hasByteOf(s, *ifs)) {
		return "", false, false
	}
	return s, inDbl, true
}

// quickParam returns the value of $name or ${name}.
func (r *Runner) quickParam(p *syntax.ParamExp) (string, bool) {
	if p.Param == nil || p.Flags != nil || p.Excl || p.Length || p.Width || p.IsSet ||
		p.Split != syntax.OptUnset || p.GlobSubst != syntax.OptUnset || p.RcExpand != syntax.OptUnset ||
		p.NestedParam != nil || p.Index != nil || len(p.Modifiers) != 0 || p.Slice != nil ||
		p.Repl != nil || p.Names != 0 || p.Exp != nil {
		return "", false
	}
	v, ok := r.plainVar(p.Param.Value)
	if !ok {
		return "", false
	}
	if !v.IsSet() && r.opts.Nounset {
		return "", false
	}
	return v.Str, true
}

// plainVar returns a variable whose reading has no side effect and whose
// value is a plain string (or unset), as the general expander would see
// it (runnerEnv computes the special and dynamic ones). $@, $*, RANDOM
// (reading it draws a number) and LINENO (expand takes it from the
// word's position) are left to the general path.
func (r *Runner) plainVar(name string) (expand.Variable, bool) {
	switch name {
	case "", "@", "*", "RANDOM", "SRANDOM", "LINENO":
		return expand.Variable{}, false
	}
	v := runnerEnv{r}.Get(name)
	if v.Kind != expand.String && (v.Kind != expand.Unknown || v.IsSet()) {
		return v, false
	}
	return v, true
}

// quickArith evaluates the side-effect-free arithmetic of loop counters:
// decimal numbers, names holding them, + - * / % and comparisons, unary
// + - !, parentheses. Anything else (assignment, other bases, division by
// zero, a name holding an expression) is left to the general evaluator.
func (r *Runner) quickArith(x syntax.ArithmExpr) (int, bool) {
	switch x := x.(type) {
	case *syntax.Word:
		if len(x.Parts) != 1 {
			return 0, false
		}
		var s string
		switch p := x.Parts[0].(type) {
		case *syntax.Lit:
			s = p.Value
		case *syntax.ParamExp:
			v, ok := r.quickParam(p)
			if !ok {
				return 0, false
			}
			s = v
		default:
			return 0, false
		}
		// A name is replaced by its value, recursively, as the general
		// evaluator does; an empty or unset one counts as 0.
		for depth := 0; s != "" && isNameStart(s[0]); depth++ {
			if depth > 8 || !validName(s) {
				return 0, false
			}
			v, ok := r.plainVar(s)
			if !ok || (!v.IsSet() && r.opts.Nounset) {
				return 0, false
			}
			if v.Str == "" {
				return 0, true
			}
			s = v.Str
		}
		return quickAtoi(s)
	case *syntax.ParenArithm:
		return r.quickArith(x.X)
	case *syntax.UnaryArithm:
		if x.Post {
			return 0, false
		}
		n, ok := r.quickArith(x.X)
		if !ok {
			return 0, false
		}
		switch x.Op {
		case syntax.Plus:
			return n, true
		case syntax.Minus:
			return -n, true
		case syntax.Not:
			return boolInt(n == 0), true
		}
		return 0, false
	case *syntax.BinaryArithm:
		switch x.Op {
		case syntax.Add, syntax.Sub, syntax.Mul, syntax.Quo, syntax.Rem,
			syntax.Lss, syntax.Gtr, syntax.Leq, syntax.Geq, syntax.Eql, syntax.Neq:
		default:
			return 0, false
		}
		a, ok := r.quickArith(x.X)
		if !ok {
			return 0, false
		}
		b, ok := r.quickArith(x.Y)
		if !ok {
			return 0, false
		}
		switch x.Op {
		case syntax.Add:
			return a + b, true
		case syntax.Sub:
			return a - b, true
		case syntax.Mul:
			return a * b, true
		case syntax.Quo:
			if b == 0 {
				return 0, false
			}
			return a / b, true
		case syntax.Rem:
			if b == 0 {
				return 0, false
			}
			return a % b, true
		case syntax.Lss:
			return boolInt(a < b), true
		case syntax.Gtr:
			return boolInt(a > b), true
		case syntax.Leq:
			return boolInt(a <= b), true
		case syntax.Geq:
			return boolInt(a >= b), true
		case syntax.Eql:
			return boolInt(a == b), true
		case syntax.Neq:
			return boolInt(a != b), true
		}
	}
	return 0, false
}

// quickAtoi parses a plain decimal number: no sign, no leading zero (octal),
// no base prefix, no spaces.
func quickAtoi(s string) (int, bool) {
	if s == "" || len(s) > 18 || (s[0] == '0' && len(s) > 1) {
		return 0, false
	}
	n := 0
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c < '0' || c > '9' {
			return 0, false
		}
		n = n*10 + int(c-'0')
	}
	return n, true
}

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}
