package shell

import (
	"fmt"
	"strconv"
	"strings"

	"mvdan.cc/sh/v3/expand"
	"mvdan.cc/sh/v3/syntax"
)

// Arithmetic is evaluated here rather than by mvdan's expand.Arithm,
// which differs from bash where scripts notice: bash expands the text of
// an expression ($x, "...", $(cmd)) before parsing it, so x='1 + 2' makes
// $(( $x * 3 )) 7; a variable holding an expression is evaluated as one
// (x='1 + 2' makes $(( x * 3 )) 9); a[i] is assigned anywhere in an
// expression; a name that is an array means its element 0; malformed
// constants (09, 0x1X, 2#A), unset names under set -u and shift counts
// follow bash.
//
// An expression whose words are all literals or bare names is evaluated
// from the syntax tree as parsed; otherwise its text is expanded,
// reassembled and parsed again (arithText), so expansions cost a parse
// while plain counters do not.

// maxArithDepth bounds the nesting of variables holding expressions.
const maxArithDepth = 1024

// arithError is an error in an arithmetic expression; the message has
// bash's shape, "expr: reason (error token is "tok")".
type arithError struct {
	expr, msg, tok string
}

func (e *arithError) Error() string {
	s := e.msg
	if e.expr != "" {
		s = e.expr + ": " + s
	}
	if e.tok != "" {
		s += fmt.Sprintf(" (error token is %q)", e.tok)
	}
	return s
}

// arithText modes: the source text of an expression (for messages), or
// its expanded text in a command ((( )), let, a subscript), where quotes
// are removed, or in a word ($(( ))), where single quotes are an error.
const (
	textSource = iota
	textCommand
	textWord
)

// arithEval evaluates x as bash does; mode is textCommand or textWord.
func (r *Runner) arithEval(x syntax.ArithmExpr, mode int) (int, error) {
	if !r.arithPlain(x) {
		s, err := r.arithText(x, mode)
		if err != nil {
			return 0, err
		}
		return r.arithSource(s, 0)
	}
	n, err := r.arithNode(x, 0)
	if ae, ok := err.(*arithError); ok && ae.expr == "" {
		ae.expr, _ = r.arithText(x, textSource)
	}
	return n, err
}

// arithString evaluates s, the value of a variable or an operand of a
// builtin, as an arithmetic expression. s is data: an expansion in it is
// an error, never run.
func (r *Runner) arithString(s string) (int, error) {
	if n, ok := quickAtoi(strings.TrimSpace(s)); ok {
		return n, nil
	}
	return r.arithSource(s, 0)
}

// arithSource parses and evaluates the text of an expression.
func (r *Runner) arithSource(s string, depth int) (int, error) {
	if depth > maxArithDepth {
		return 0, &arithError{expr: s, msg: "expression recursion level exceeded"}
	}
	t := strings.TrimSpace(s)
	if t == "" {
		return 0, nil
	}
	if n, ok := quickAtoi(t); ok {
		return n, nil
	}
	x, err := syntax.NewParser(syntax.Variant(syntax.LangBash)).Arithmetic(strings.NewReader(t))
	if err != nil || x == nil {
		return 0, &arithError{expr: s, msg: "syntax error in expression", tok: t}
	}
	// The parser stops after one expression: text left over, as in
	// "1 0", is an error in bash.
	if end := int(x.End().Offset()); end < len(t) {
		return 0, &arithError{expr: s, msg: "syntax error in expression", tok: strings.TrimSpace(t[end:])}
	}
	n, err := r.arithNode(x, depth)
	if ae, ok := err.(*arithError); ok && ae.expr == "" {
		ae.expr = s
	}
	return n, err
}

// arithPlain reports whether every word of x is a literal or a bare
// name[index] whose index is plain too or is the key of an associative
// array (a word, expanded as one).
func (r *Runner) arithPlain(x syntax.ArithmExpr) bool {
	switch x := x.(type) {
	case *syntax.Word:
		for _, p := range x.Parts {
			switch p := p.(type) {
			case *syntax.Lit:
			case *syntax.ParamExp:
				if p.Dollar.IsValid() {
					return false
				}
				if p.Index != nil && !r.arithPlain(p.Index) && r.vars.get(p.Param.Value).Kind != expand.Associative {
					return false
				}
			default:
				return false
			}
		}
		return true
	case *syntax.ParenArithm:
		return r.arithPlain(x.X)
	case *syntax.UnaryArithm:
		return r.arithPlain(x.X)
	case *syntax.BinaryArithm:
		return r.arithPlain(x.X) && r.arithPlain(x.Y)
	}
	return false
}

// arithText returns the text of x: its source text, or (textCommand,
// textWord) the text its expanded words make, to be parsed again.
func (r *Runner) arithText(x syntax.ArithmExpr, mode int) (string, error) {
	expand := mode != textSource
	var b strings.Builder
	var walk func(x syntax.ArithmExpr) error
	walk = func(x syntax.ArithmExpr) error {
		switch x := x.(type) {
		case *syntax.Word:
			for _, p := range x.Parts {
				if !expand {
					b.WriteString(nodeText(p))
					continue
				}
				pe, ok := p.(*syntax.ParamExp)
				if ok && !pe.Dollar.IsValid() {
					b.WriteString(pe.Param.Value)
					if pe.Index != nil {
						b.WriteByte('[')
						if err := walk(pe.Index); err != nil {
							return err
						}
						b.WriteByte(']')
					}
					continue
				}
				if q, ok := p.(*syntax.SglQuoted); ok && mode == textWord {
					s := "'" + q.Value + "'"
					return &arithError{expr: s, msg: "syntax error: operand expected", tok: s}
				}
				s, err := r.literal(&syntax.Word{Parts: []syntax.WordPart{p}})
				if err != nil {
					return err
				}
				b.WriteString(s)
			}
		case *syntax.ParenArithm:
			b.WriteByte('(')
			if err := walk(x.X); err != nil {
				return err
			}
			b.WriteByte(')')
		case *syntax.UnaryArithm:
			if x.Post {
				if err := walk(x.X); err != nil {
					return err
				}
				b.WriteString(x.Op.String())
				return nil
			}
			b.WriteString(x.Op.String())
			// A space keeps - -1 or - $x from reading as --1.
			if inner, ok := x.X.(*syntax.UnaryArithm); (expand || ok && !inner.Post) && x.Op != syntax.Inc && x.Op != syntax.Dec {
				b.WriteByte(' ')
			}
			return walk(x.X)
		case *syntax.BinaryArithm:
			if err := walk(x.X); err != nil {
				return err
			}
			if x.Op == syntax.Comma {
				b.WriteString(", ")
			} else {
				b.WriteString(" " + x.Op.String() + " ")
			}
			return walk(x.Y)
		default:
			return &arithError{msg: "syntax error in expression"}
		}
		return nil
	}
	if err := walk(x); err != nil {
		return "", err
	}
	return b.String(), nil
}

// arithNode evaluates a parsed expression whose words are literals and
// bare names.
func (r *Runner) arithNode(x syntax.ArithmExpr, depth int) (int, error) {
	switch x := x.(type) {
	case *syntax.Word:
		if ref, ok, err := r.arithRef(x, depth); ok || err != nil {
			if err != nil {
				return 0, err
			}
			return r.arithRefValue(ref, depth)
		}
		lit, ok := litText(x)
		if !ok {
			return 0, &arithError{msg: "syntax error: operand expected", tok: nodeText(x)}
		}
		return bashAtoi(lit)
	case *syntax.ParenArithm:
		return r.arithNode(x.X, depth)
	case *syntax.UnaryArithm:
		if x.Op == syntax.Inc || x.Op == syntax.Dec {
			ref, err := r.arithLvalue(x.X, depth)
			if err != nil {
				return 0, err
			}
			old, err := r.arithRefValue(ref, depth)
			if err != nil {
				return 0, err
			}
			val := old + 1
			if x.Op == syntax.Dec {
				val = old - 1
			}
			if err := r.arithAssign(ref, val); err != nil {
				return 0, err
			}
			if x.Post {
				return old, nil
			}
			return val, nil
		}
		n, err := r.arithNode(x.X, depth)
		if err != nil {
			return 0, err
		}
		switch x.Op {
		case syntax.Not:
			return boolInt(n == 0), nil
		case syntax.BitNegation:
			return ^n, nil
		case syntax.Minus:
			return -n, nil
		}
		return n, nil
	case *syntax.BinaryArithm:
		switch x.Op {
		case syntax.Comma:
			if _, err := r.arithNode(x.X, depth); err != nil {
				return 0, err
			}
			return r.arithNode(x.Y, depth)
		case syntax.TernQuest:
			cond, err := r.arithNode(x.X, depth)
			if err != nil {
				return 0, err
			}
			alt, ok := x.Y.(*syntax.BinaryArithm)
			if !ok || alt.Op != syntax.TernColon {
				return 0, &arithError{msg: "`:' expected for conditional expression"}
			}
			if cond != 0 {
				return r.arithNode(alt.X, depth)
			}
			return r.arithNode(alt.Y, depth)
		case syntax.AndArit, syntax.OrArit:
			a, err := r.arithNode(x.X, depth)
			if err != nil {
				return 0, err
			}
			if (a != 0) == (x.Op == syntax.OrArit) {
				return boolInt(a != 0), nil
			}
			b, err := r.arithNode(x.Y, depth)
			return boolInt(b != 0), err
		}
		if base, ok := assignOps[x.Op]; ok || x.Op == syntax.Assgn {
			ref, err := r.arithLvalue(x.X, depth)
			if err != nil {
				return 0, err
			}
			arg, err := r.arithNode(x.Y, depth)
			if err != nil {
				return 0, err
			}
			val := arg
			if x.Op != syntax.Assgn {
				old, err := r.arithRefValue(ref, depth)
				if err != nil {
					return 0, err
				}
				if val, err = arithBinary(base, old, arg); err != nil {
					return 0, err
				}
			}
			return val, r.arithAssign(ref, val)
		}
		a, err := r.arithNode(x.X, depth)
		if err != nil {
			return 0, err
		}
		b, err := r.arithNode(x.Y, depth)
		if err != nil {
			return 0, err
		}
		return arithBinary(x.Op, a, b)
	}
	return 0, &arithError{msg: "syntax error in expression"}
}

// litText returns the text of a word made only of literals.
func litText(w *syntax.Word) (string, bool) {
	if len(w.Parts) == 1 {
		l, ok := w.Parts[0].(*syntax.Lit)
		if ok {
			return l.Value, true
		}
		return "", false
	}
	var b strings.Builder
	for _, p := range w.Parts {
		l, ok := p.(*syntax.Lit)
		if !ok {
			return "", false
		}
		b.WriteString(l.Value)
	}
	return b.String(), true
}

// arithVarRef is a variable or array element named in an expression.
type arithVarRef struct {
	name    string
	indexed bool   // name[...]
	key     string // the subscript of an associative array
	n       int    // the subscript of an indexed array, made non-negative
}

// arithRef returns the variable a word names: a bare name or name[index].
// ok is false for a word that names no variable (a number).
func (r *Runner) arithRef(w *syntax.Word, depth int) (ref arithVarRef, ok bool, err error) {
	if len(w.Parts) == 1 {
		if pe, isPE := w.Parts[0].(*syntax.ParamExp); isPE && !pe.Dollar.IsValid() {
			name := pe.Param.Value
			if !validName(name) {
				return ref, false, &arithError{msg: "syntax error: invalid arithmetic operator", tok: nodeText(w)}
			}
			ref.name = r.resolveRef(name)
			if pe.Index == nil {
				return ref, true, nil
			}
			ref.indexed = true
			v := r.vars.get(ref.name)
			if v.Kind == expand.Associative {
				ref.key, err = r.arithKey(pe.Index)
				return ref, true, err
			}
			if ref.n, err = r.arithIndex(pe.Index, depth); err != nil {
				return ref, true, err
			}
			if ref.n < 0 {
				_, ids := arrayOf(v)
				if len(ids) > 0 {
					ref.n += ids[len(ids)-1] + 1
				}
				if ref.n < 0 {
					return ref, true, &arithError{expr: nodeText(w), msg: "bad array subscript"}
				}
			}
			return ref, true, nil
		}
	}
	lit, isLit := litText(w)
	if isLit && validName(lit) {
		return arithVarRef{name: lit}, true, nil // namerefs: see arithRefValue
	}
	return ref, false, nil
}

// arithIndex evaluates the subscript of an indexed array. One with
// quotes or expansions comes from the text of a variable's value (in an
// expression as written, arithEval expanded them): bash expands it, as
// it does a key, before evaluating it.
func (r *Runner) arithIndex(idx syntax.ArithmExpr, depth int) (int, error) {
	if r.arithPlain(idx) {
		return r.arithNode(idx, depth)
	}
	s, err := r.arithText(idx, textCommand)
	if err != nil {
		return 0, err
	}
	return r.arithSource(s, depth+1)
}

// arithKey is the text of an associative array subscript.
func (r *Runner) arithKey(idx syntax.ArithmExpr) (string, error) {
	if w, ok := idx.(*syntax.Word); ok {
		return r.literal(w)
	}
	return r.arithText(idx, textCommand)
}

// arithLvalue returns the variable an assignment operator writes.
func (r *Runner) arithLvalue(x syntax.ArithmExpr, depth int) (arithVarRef, error) {
	w, ok := x.(*syntax.Word)
	if !ok {
		tok, _ := r.arithText(x, textSource)
		return arithVarRef{}, &arithError{msg: "attempted assignment to non-variable", tok: tok}
	}
	ref, ok, err := r.arithRef(w, depth)
	if err != nil {
		return ref, err
	}
	if !ok {
		return ref, &arithError{msg: "attempted assignment to non-variable", tok: nodeText(w)}
	}
	return ref, nil
}

// arithRefValue is the numeric value of a named variable or element; its
// text is evaluated as an expression in turn.
func (r *Runner) arithRefValue(ref arithVarRef, depth int) (int, error) {
	v := runnerEnv{r}.Get(ref.name)
	if v.Kind == expand.NameRef {
		v = runnerEnv{r}.Get(r.resolveRef(ref.name))
	}
	var s string
	set := false
	switch v.Kind {
	case expand.Associative:
		key := "0"
		if ref.indexed {
			key = ref.key
		}
		s, set = v.Map[key]
	case expand.Indexed:
		list, ids := arrayOf(v)
		for i, id := range ids {
			if id == ref.n {
				s, set = list[i], true
				break
			}
		}
	default:
		if v.IsSet() && (!ref.indexed || ref.n == 0) {
			s, set = v.Str, true
		}
	}
	if !set {
		if r.opts.Nounset {
			return 0, expand.UnsetParameterError{
				Node:    &syntax.ParamExp{Param: &syntax.Lit{Value: ref.name}},
				Message: "unbound variable",
			}
		}
		return 0, nil
	}
	if n, ok := quickAtoi(s); ok {
		return n, nil
	}
	return r.arithSource(s, depth+1)
}

// arithAssign stores val in the variable or element ref names.
func (r *Runner) arithAssign(ref arithVarRef, val int) error {
	s := strconv.Itoa(val)
	if !ref.indexed {
		return r.setVarString(ref.name, s)
	}
	var idx syntax.WordPart = &syntax.SglQuoted{Value: ref.key}
	if r.vars.get(ref.name).Kind != expand.Associative {
		idx = &syntax.Lit{Value: strconv.Itoa(ref.n)}
	}
	return r.assignIndex(ref.name, &syntax.Word{Parts: []syntax.WordPart{idx}}, s, false)
}

// arithCmdError reports an error of (( )) or let, which, unlike one in
// $(( )), does not end the shell: the command fails with status 1. An
// unset name under set -u is still fatal.
func (r *Runner) arithCmdError(cmd string, err error) int {
	if _, ok := err.(*arithError); !ok {
		return r.expandError(err)
	}
	r.errf("%s: %v", cmd, err)
	return 1
}

// assignOps maps each assignment operator but = to the operator it
// applies: + for +=.
var assignOps = map[syntax.BinAritOperator]syntax.BinAritOperator{
	syntax.AddAssgn: syntax.Add, syntax.SubAssgn: syntax.Sub, syntax.MulAssgn: syntax.Mul,
	syntax.QuoAssgn: syntax.Quo, syntax.RemAssgn: syntax.Rem, syntax.AndAssgn: syntax.And,
	syntax.OrAssgn: syntax.Or, syntax.XorAssgn: syntax.Xor, syntax.ShlAssgn: syntax.Shl,
	syntax.ShrAssgn: syntax.Shr,
}

// arithBinary applies a binary operator with bash's (C's, on 64 bits)
// results: shift counts are taken modulo 64.
func arithBinary(op syntax.BinAritOperator, a, b int) (int, error) {
	switch op {
	case syntax.Add:
		return a + b, nil
	case syntax.Sub:
		return a - b, nil
	case syntax.Mul:
		return a * b, nil
	case syntax.Quo, syntax.Rem:
		if b == 0 {
			return 0, &arithError{msg: "division by 0", tok: "0"}
		}
		if op == syntax.Quo {
			return a / b, nil
		}
		return a % b, nil
	case syntax.Pow:
		if b < 0 {
			return 0, &arithError{msg: "exponent less than 0", tok: strconv.Itoa(b)}
		}
		n := 1
		for ; b > 0; b >>= 1 {
			if b&1 != 0 {
				n *= a
			}
			a *= a
		}
		return n, nil
	case syntax.Shl:
		return a << (uint(b) & 63), nil
	case syntax.Shr:
		return a >> (uint(b) & 63), nil
	case syntax.And:
		return a & b, nil
	case syntax.Or:
		return a | b, nil
	case syntax.Xor:
		return a ^ b, nil
	case syntax.Lss:
		return boolInt(a < b), nil
	case syntax.Gtr:
		return boolInt(a > b), nil
	case syntax.Leq:
		return boolInt(a <= b), nil
	case syntax.Geq:
		return boolInt(a >= b), nil
	case syntax.Eql:
		return boolInt(a == b), nil
	case syntax.Neq:
		return boolInt(a != b), nil
	}
	return 0, &arithError{msg: "syntax error: invalid arithmetic operator", tok: op.String()}
}

// bashAtoi parses an integer constant: decimal, 0x hex, 0 octal or
// base#digits (base 2 to 64; above 36, a-z, A-Z, @ and _ are 10 to 63).
// Overflow wraps, as in bash.
func bashAtoi(s string) (int, error) {
	base := uint64(10)
	digits := s
	switch {
	case strings.HasPrefix(s, "0x") || strings.HasPrefix(s, "0X"):
		base, digits = 16, s[2:]
	case strings.Contains(s, "#"):
		b, rest, _ := strings.Cut(s, "#")
		if b == "" || b[0] == '0' {
			return 0, &arithError{msg: "invalid number", tok: s}
		}
		n, err := strconv.Atoi(b)
		if err != nil {
			return 0, &arithError{msg: "invalid number", tok: s}
		}
		if n < 2 || n > 64 {
			return 0, &arithError{msg: "invalid arithmetic base", tok: s}
		}
		base, digits = uint64(n), rest
		if digits == "" {
			return 0, &arithError{msg: "invalid integer constant", tok: s}
		}
	case len(s) > 1 && s[0] == '0':
		base, digits = 8, s[1:]
	}
	var n uint64
	for i := 0; i < len(digits); i++ {
		c := digits[i]
		var d uint64
		switch {
		case c >= '0' && c <= '9':
			d = uint64(c - '0')
		case c >= 'a' && c <= 'z':
			d = uint64(c-'a') + 10
		case c >= 'A' && c <= 'Z':
			d = uint64(c-'A') + 10
			if base > 36 {
				d += 26
			}
		case c == '@':
			d = 62
		case c == '_':
			d = 63
		default:
			return 0, &arithError{msg: "syntax error: invalid arithmetic operator", tok: digits[i:]}
		}
		if d >= base {
			return 0, &arithError{msg: "value too great for base", tok: s}
		}
		n = n*base + d
	}
	return int(n), nil
}

// arithPart evaluates $(( )) in a word, for fixWord: expand would use
// its own evaluator. Its value is evaluated in order with the parts
// before it only when those are literals, so the caller rewrites it only
// then.
func (r *Runner) arithPart(p *syntax.ArithmExp) (syntax.WordPart, error) {
	n, ok := r.quickArith(p.X)
	var err error
	if !ok {
		n, err = r.arithEval(p.X, textWord)
	}
	if err != nil {
		return nil, err
	}
	return &syntax.Lit{ValuePos: p.Pos(), ValueEnd: p.End(), Value: strconv.Itoa(n)}, nil
}

// braceLit reports an unquoted literal that may hold a brace expansion.
func braceLit(parts []syntax.WordPart) bool {
	for _, p := range parts {
		if l, ok := p.(*syntax.Lit); ok && strings.Contains(l.Value, "{") {
			return true
		}
	}
	return false
}
