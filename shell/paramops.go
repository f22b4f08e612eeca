package shell

import (
	"fmt"
	"maps"
	"slices"
	"strconv"
	"strings"
	"unicode"

	"mvdan.cc/sh/v3/expand"
	"mvdan.cc/sh/v3/syntax"
)

// Parameter expansions that mvdan's expand gets wrong or lacks are
// computed here, in the word-rewriting step of parampat.go:
//
//   - ${!ref...}: indirection with an operator (${!ref-w}, ${!ref:=w},
//     ${!ref@Q}, ${!ref[@]:1}), through an array element (${!a[0]}), or to
//     a target that is not a plain name (ref='a[1]', ref=@).
//   - ${x@Q}, ${x@P}, ${x@a} and the other @ operators, element by element
//     on arrays and $@.
//   - ${a[@]-w} and the other default and alternate operators on arrays,
//     and on anything when the word has side effects ($((i++)), $(cmd)):
//     bash expands the word only when it is used.
//   - "${@:1}": a slice of $@ in double quotes is still one field per
//     parameter.
//   - pattern operators with extglob, quoted brackets or & (patsub.go).
//
// The value is computed here and the expansion is replaced by a reference
// to a hidden temporary variable (see paramTmp) with the same quoting, so
// expand still splits, globs and joins it as it would the original.

// tmpMark starts the names of the temporaries; no script can spell one.
const tmpMark = "\x00tmp"

// paramTmp returns a reference to a new temporary holding v. The
// temporaries live until dropParamTmps releases them after the word is
// expanded.
func (r *Runner) paramTmp(v expand.Variable, index string) *syntax.ParamExp {
	r.paramTmps = append(r.paramTmps, v)
	pe := &syntax.ParamExp{Param: &syntax.Lit{Value: tmpMark + strconv.Itoa(len(r.paramTmps)-1)}}
	if index != "" {
		pe.Index = &syntax.Word{Parts: []syntax.WordPart{&syntax.Lit{Value: index}}}
	}
	return pe
}

// paramTmpVar is the temporary a name made by paramTmp refers to.
func (r *Runner) paramTmpVar(name string) (expand.Variable, bool) {
	rest, ok := strings.CutPrefix(name, tmpMark)
	if !ok {
		return expand.Variable{}, false
	}
	i, err := strconv.Atoi(rest)
	if err != nil || i < 0 || i >= len(r.paramTmps) {
		return expand.Variable{}, true
	}
	return r.paramTmps[i], true
}

// dropParamTmps releases the temporaries made since mark.
func (r *Runner) dropParamTmps(mark int) {
	if mark < len(r.paramTmps) {
		clear(r.paramTmps[mark:])
		r.paramTmps = r.paramTmps[:mark]
	}
}

// allIndex returns "@" or "*" when pe is ${a[@]} or ${a[*]}-like (or $@,
// $*), else "".
func allIndex(pe *syntax.ParamExp) string {
	if pe.Param != nil && (pe.Param.Value == "@" || pe.Param.Value == "*") && pe.Index == nil {
		return pe.Param.Value
	}
	if w, ok := pe.Index.(*syntax.Word); ok {
		if l := w.Lit(); l == "@" || l == "*" {
			return l
		}
	}
	return ""
}

// hasOp reports whether pe has an operator besides the name and index.
func hasOp(pe *syntax.ParamExp) bool {
	return pe.Exp != nil || pe.Slice != nil || pe.Repl != nil || pe.Length || pe.Width || pe.IsSet
}

// paramOp reports whether pe is one of the forms computed in this file.
func paramOp(pe *syntax.ParamExp) bool {
	if pe.Param == nil {
		return false
	}
	if pe.Excl {
		// ${!prefix*} and the keys ${!a[@]} stay with expand.
		return pe.Names == 0 && !(pe.Index != nil && allIndex(pe) != "" && !hasOp(pe))
	}
	if pe.Exp != nil {
		switch pe.Exp.Op {
		case syntax.OtherParamOps:
			return true
		case syntax.DefaultUnset, syntax.DefaultUnsetOrNull, syntax.AlternateUnset, syntax.AlternateUnsetOrNull:
			return allIndex(pe) != "" || wordHasEffects(pe.Exp.Word)
		}
	}
	return pe.Slice != nil && pe.Index == nil && pe.Param.Value == "@" || arraySliceLen(pe) ||
		slashPattern(pe) || replEscapes(pe) || patternOp(pe)
}

// replEscapes reports ${x/p/a\b}: expand keeps the backslashes of the
// replacement, which bash removes.
func replEscapes(pe *syntax.ParamExp) bool {
	if pe.Repl == nil || pe.Repl.With == nil {
		return false
	}
	for _, p := range pe.Repl.With.Parts {
		if lit, ok := p.(*syntax.Lit); ok && strings.Contains(lit.Value, `\`) {
			return true
		}
	}
	return false
}

// slashPattern reports ${x///w} and ${x////w}: after //, bash takes a
// first / as part of the pattern, where the parser saw an empty pattern.
func slashPattern(pe *syntax.ParamExp) bool {
	if pe.Repl == nil || !pe.Repl.All || (pe.Repl.Orig != nil && len(pe.Repl.Orig.Parts) > 0) {
		return false
	}
	if pe.Repl.With != nil {
		return true
	}
	// ${x///} and ${x//} parse alike; only the length tells them apart.
	return pe.Index == nil && pe.Dollar.IsValid() && pe.Rbrace.IsValid() &&
		int(pe.Rbrace.Offset()-pe.Dollar.Offset()) == len(pe.Param.Value)+5
}

// slashPatternExp returns ${x//pat/w} for a form slashPattern reports:
// the pattern is / and what the parser read as the replacement up to its
// first /, the replacement what follows.
func slashPatternExp(pe *syntax.ParamExp) *syntax.ParamExp {
	pat := []syntax.WordPart{&syntax.Lit{Value: "/"}}
	var with *syntax.Word
	if w := pe.Repl.With; w != nil {
		with = &syntax.Word{}
		for i, p := range w.Parts {
			lit, ok := p.(*syntax.Lit)
			if !ok || !strings.Contains(lit.Value, "/") {
				pat = append(pat, p)
				continue
			}
			before, after, _ := strings.Cut(lit.Value, "/")
			pat = append(pat, &syntax.Lit{Value: before})
			with.Parts = append([]syntax.WordPart{&syntax.Lit{Value: after}}, w.Parts[i+1:]...)
			break
		}
		if len(with.Parts) == 0 {
			with = nil
		}
	}
	t := *pe
	t.Repl = &syntax.Replace{All: true, Orig: &syntax.Word{Parts: pat}, With: with}
	return &t
}

// wordHasEffects reports whether expanding w may run commands or assign,
// or holds a backslash that double quotes would keep or drop (which the
// word of ${x-w} inside "..." must decide as a quoted word).
func wordHasEffects(w *syntax.Word) bool {
	if w == nil {
		return false
	}
	for _, p := range w.Parts {
		switch p := p.(type) {
		case *syntax.CmdSubst, *syntax.ArithmExp, *syntax.ProcSubst:
			return true
		case *syntax.Lit:
			if strings.Contains(p.Value, `\`) {
				return true
			}
		case *syntax.DblQuoted:
			if wordHasEffects(&syntax.Word{Parts: p.Parts}) {
				return true
			}
		case *syntax.ParamExp:
			if p.Exp != nil && (p.Exp.Op == syntax.AssignUnset || p.Exp.Op == syntax.AssignUnsetOrNull ||
				wordHasEffects(p.Exp.Word)) {
				return true
			}
		}
	}
	return false
}

// paramOpParts returns the parts that stand for pe, one of the forms
// paramOp reports, in a word that is double-quoted when quoted is set.
func (r *Runner) paramOpParts(pe *syntax.ParamExp, quoted bool, o *evalOrder) ([]syntax.WordPart, error) {
	if pe.Excl {
		target, err := r.indirectTarget(pe)
		if err != nil {
			return nil, err
		}
		if target == nil {
			return []syntax.WordPart{pe}, nil // a nameref: expand knows
		}
		return r.fixParts([]syntax.WordPart{target}, quoted, o)
	}
	if slashPattern(pe) {
		return r.fixParts([]syntax.WordPart{slashPatternExp(pe)}, quoted, o)
	}
	if replEscapes(pe) {
		t := *pe
		t.Repl = &syntax.Replace{All: pe.Repl.All, Orig: pe.Repl.Orig, With: literalWord(pe.Repl.With)}
		return r.fixParts([]syntax.WordPart{&t}, quoted, o)
	}
	if patternOp(pe) || r.bytePattern(pe) {
		return r.patternParts(pe)
	}
	if pe.Exp != nil && pe.Exp.Op != syntax.OtherParamOps {
		return r.defaultParts(pe, quoted, o)
	}
	if arraySliceLen(pe) {
		return r.arraySliceParts(pe)
	}
	if pe.Slice != nil {
		return r.paramsSliceParts(pe)
	}
	elems, list, err := r.paramElems(pe, true)
	if err != nil {
		return nil, err
	}
	vals, err := r.atOperator(pe, elems, list)
	if err != nil {
		return nil, err
	}
	return r.valueParts(vals, list, allIndex(pe)), nil
}

// valueParts returns a reference to a temporary holding vals: a list
// expanded as ${tmp[@]} (or [*]), or the one string.
func (r *Runner) valueParts(vals []string, list bool, index string) []syntax.WordPart {
	if list {
		if vals == nil {
			vals = []string{}
		}
		return []syntax.WordPart{r.paramTmp(expand.Variable{Set: true, Kind: expand.Indexed, List: vals}, index)}
	}
	s := ""
	if len(vals) > 0 {
		s = vals[0]
	}
	return []syntax.WordPart{r.paramTmp(expand.Variable{Set: true, Kind: expand.String, Str: s}, "")}
}

// bare returns pe without its operators: the plain parameter reference.
func bare(pe *syntax.ParamExp) *syntax.ParamExp {
	return &syntax.ParamExp{Dollar: pe.Dollar, Rbrace: pe.Rbrace, Param: pe.Param, Index: pe.Index}
}

// paramElems returns the values pe refers to: every element (list set)
// for $@, $* and ${a[@]}, else the one value (none when it is unset).
// Under set -u an unset value is an error only when strict is set.
func (r *Runner) paramElems(pe *syntax.ParamExp, strict bool) ([]string, bool, error) {
	if idx := allIndex(pe); idx != "" {
		if pe.Index == nil {
			return slices.Clone(r.params), true, nil
		}
		_, vr := r.resolveVar(pe.Param.Value)
		return varElems(vr), true, nil
	}
	if !strict {
		set := &syntax.ParamExp{Param: pe.Param, Index: pe.Index,
			Exp: &syntax.Expansion{Op: syntax.AlternateUnset, Word: &syntax.Word{Parts: []syntax.WordPart{&syntax.Lit{Value: "1"}}}}}
		isSet, err := expand.Literal(r.cfg(), &syntax.Word{Parts: []syntax.WordPart{set}})
		if err != nil || isSet == "" {
			return nil, false, err
		}
	}
	s, err := expand.Literal(r.cfg(), &syntax.Word{Parts: []syntax.WordPart{bare(pe)}})
	if err != nil || !strict || s != "" {
		return []string{s}, false, err
	}
	// An empty value: set, or unset with set -u off?
	return r.paramElems(pe, false)
}

// resolveVar looks name up, following namerefs.
func (r *Runner) resolveVar(name string) (string, expand.Variable) {
	vr := runnerEnv{r}.Get(name)
	if n, v := vr.Resolve(runnerEnv{r}); n != "" {
		return n, v
	}
	return name, vr
}

// varElems returns the elements of an array in index order (an
// associative array's in key order, as ${!a[@]} lists the keys), or the
// value of a set string.
func varElems(vr expand.Variable) []string {
	switch vr.Kind {
	case expand.Indexed:
		return slices.Clone(vr.List)
	case expand.Associative:
		keys := slices.Sorted(maps.Keys(vr.Map))
		out := make([]string, len(keys))
		for i, k := range keys {
			out[i] = vr.Map[k]
		}
		return out
	}
	if vr.IsSet() {
		return []string{vr.Str}
	}
	return nil
}

// atOperator applies ${x@OP} to each of elems.
func (r *Runner) atOperator(pe *syntax.ParamExp, elems []string, list bool) ([]string, error) {
	op := pe.Exp.Word.Lit()
	out := make([]string, 0, len(elems))
	switch op {
	case "a":
		_, vr := r.resolveVar(pe.Param.Value)
		if !list && len(elems) == 0 && !vr.Declared() {
			return nil, nil
		}
		flags := ""
		if validName(pe.Param.Value) { // $@ and $1 have no attributes
			flags = r.varFlags(pe.Param.Value, vr)
		}
		n := len(elems)
		if !list {
			n = 1
		}
		for range n {
			out = append(out, flags)
		}
		return out, nil
	case "A", "K", "k":
		name, vr := r.resolveVar(pe.Param.Value)
		switch {
		case !list || pe.Index == nil:
		case op == "A" && vr.IsSet():
			// The whole array as declare -p shows it, a word at a time.
			return []string{"declare", "-" + r.varFlags(name, vr), name + "=" + valueText(vr)}, nil
		case op != "A" && (vr.Kind == expand.Indexed || vr.Kind == expand.Associative):
			pairs := keyValues(vr)
			if op == "k" {
				return pairs, nil // each key and value a word
			}
			var b strings.Builder
			for i := 0; i < len(pairs); i += 2 {
				if i > 0 && vr.Kind == expand.Indexed {
					b.WriteByte(' ')
				}
				b.WriteString(pairs[i] + " " + dquote(pairs[i+1]))
				if vr.Kind == expand.Associative {
					b.WriteByte(' ') // bash ends each pair with a space
				}
			}
			return []string{b.String()}, nil
		}
		if op != "A" || pe.Index != nil {
			break
		}
		if len(elems) == 0 {
			return nil, nil
		}
		flags := r.varFlags(name, vr)
		s := name + "=" + bashQuote(elems[0])
		if flags != "" {
			s = "declare -" + flags + " " + s
		}
		return []string{s}, nil
	}
	for _, e := range elems {
		switch op {
		case "Q", "K", "k":
			e = bashQuote(e)
		case "E":
			e = ansiCString(e)
		case "P":
			e = r.promptString(e)
		case "U":
			e = strings.ToUpper(e)
		case "L":
			e = strings.ToLower(e)
		case "u":
			if rs := []rune(e); len(rs) > 0 {
				rs[0] = unicode.ToUpper(rs[0])
				e = string(rs)
			}
		case "A":
		default:
			return nil, &statusError{status: 1, msg: fmt.Sprintf("%s: bad substitution", "${"+pe.Param.Value+"@"+op+"}")}
		}
		out = append(out, e)
	}
	return out, nil
}

// keyValues returns an array's keys and values, alternating, in the
// order ${!a[@]} lists the keys.
func keyValues(vr expand.Variable) []string {
	var out []string
	if vr.Kind == expand.Associative {
		for _, k := range slices.Sorted(maps.Keys(vr.Map)) {
			out = append(out, k, vr.Map[k])
		}
		return out
	}
	list, idx := arrayOf(vr)
	for i, v := range list {
		out = append(out, strconv.Itoa(idx[i]), v)
	}
	return out
}

// varFlags returns the attribute letters of ${x@a}.
func (r *Runner) varFlags(name string, vr expand.Variable) string {
	var b strings.Builder
	switch vr.Kind {
	case expand.Indexed:
		b.WriteByte('a')
	case expand.Associative:
		b.WriteByte('A')
	}
	if r.isInteger(name) {
		b.WriteByte('i')
	}
	if vr.ReadOnly {
		b.WriteByte('r')
	}
	if vr.Exported {
		b.WriteByte('x')
	}
	return b.String()
}

// bashQuote quotes s as ${x@Q} does: in single quotes, or as $'...' when
// it holds control characters.
func bashQuote(s string) string {
	if hasControl(s) {
		return ansiQuote(s)
	}
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}

// ansiCString expands the backslash escapes of s as $'...' does.
func ansiCString(s string) string {
	if !strings.Contains(s, `\`) {
		return s
	}
	var src strings.Builder
	src.WriteString("$'")
	for i := 0; i < len(s); i++ {
		switch {
		case s[i] == '\\' && i+1 < len(s):
			src.WriteString(s[i : i+2])
			i++
		case s[i] == '\\':
			src.WriteString(`\\`)
		case s[i] == '\'':
			src.WriteString(`\'`)
		default:
			src.WriteByte(s[i])
		}
	}
	src.WriteString("'")
	f, err := syntax.NewParser().Parse(strings.NewReader(src.String()), "")
	if err != nil || len(f.Stmts) != 1 {
		return s
	}
	call, ok := f.Stmts[0].Cmd.(*syntax.CallExpr)
	if !ok || len(call.Args) != 1 {
		return s
	}
	out, err := expand.Literal(nil, call.Args[0])
	if err != nil {
		return s
	}
	return out
}

// defaultParts computes ${a[@]-w}, ${a[*]:+w} and the like, and the
// default and alternate operators whose word has side effects: the parts
// of w when it is used, else the plain parameter.
func (r *Runner) defaultParts(pe *syntax.ParamExp, quoted bool, o *evalOrder) ([]syntax.WordPart, error) {
	elems, list, err := r.paramElems(pe, false)
	if err != nil {
		return nil, err
	}
	idx := allIndex(pe)
	set := len(elems) > 0
	null := !set || elems[0] == ""
	if list {
		// "${a[*]}" joins with IFS; unquoted (and for @) bash tests the
		// elements joined with spaces.
		sep := " "
		if idx == "*" && quoted {
			sep = r.ifsJoiner()
		}
		null = strings.Join(elems, sep) == ""
	}
	var useWord bool
	switch pe.Exp.Op {
	case syntax.DefaultUnset:
		useWord = !set
	case syntax.DefaultUnsetOrNull:
		useWord = null
	case syntax.AlternateUnset:
		useWord = set
	case syntax.AlternateUnsetOrNull:
		useWord = !null
	}
	if !useWord {
		return r.valueParts(elems, list, idx), nil
	}
	if pe.Exp.Word == nil {
		return nil, nil
	}
	if quoted {
		return r.fixParts(inDoubleQuotes(pe.Exp.Word.Parts), quoted, o)
	}
	if !slices.ContainsFunc(pe.Exp.Word.Parts, isQuoted) {
		// The default of a name no script can set: expand splits it.
		return []syntax.WordPart{&syntax.ParamExp{Param: &syntax.Lit{Value: "gosh-unset"},
			Exp: &syntax.Expansion{Op: syntax.DefaultUnset, Word: pe.Exp.Word}}}, nil
	}
	// Quoted parts stay whole; the literal text between them is split.
	parts := slices.Clone(literalWord(pe.Exp.Word).Parts)
	for i, p := range parts {
		if lit, ok := p.(*syntax.Lit); ok {
			parts[i] = r.valueParts([]string{lit.Value}, false, "")[0]
		}
	}
	return r.fixParts(parts, quoted, o)
}

func isQuoted(p syntax.WordPart) bool {
	switch p.(type) {
	case *syntax.SglQuoted, *syntax.DblQuoted:
		return true
	}
	return false
}

// inDoubleQuotes returns the parts of the word of "${x-w}" as they read
// inside the double quotes: single quotes there are plain characters.
func inDoubleQuotes(parts []syntax.WordPart) []syntax.WordPart {
	if !slices.ContainsFunc(parts, isQuoted) {
		return parts
	}
	out := make([]syntax.WordPart, len(parts))
	esc := strings.NewReplacer(`\`, `\\`, `$`, `\$`, "`", "\\`", `"`, `\"`)
	for i, p := range parts {
		out[i] = p
		if sq, ok := p.(*syntax.SglQuoted); ok && !sq.Dollar {
			out[i] = &syntax.Lit{Value: "'" + esc.Replace(sq.Value) + "'"}
		}
	}
	return out
}

// ifsJoiner is the separator "$*" joins with: the first character of IFS.
func (r *Runner) ifsJoiner() string {
	ifs := runnerEnv{r}.Get("IFS")
	if !ifs.IsSet() {
		return " "
	}
	if ifs.Str == "" {
		return ""
	}
	rs := []rune(ifs.Str)
	return string(rs[0])
}

// paramsSliceParts computes ${@:off:len}: offset 0 is $0, a negative
// offset counts from the end.
func (r *Runner) paramsSliceParts(pe *syntax.ParamExp) ([]syntax.WordPart, error) {
	all := append([]string{r.arg0}, r.params...)
	off, n := 0, len(all)
	var err error
	if pe.Slice.Offset != nil {
		if off, err = r.arith(pe.Slice.Offset); err != nil {
			return nil, err
		}
	}
	if off < 0 {
		off += len(all)
		if off < 0 {
			return r.valueParts(nil, true, "@"), nil
		}
	}
	off = min(off, len(all))
	if pe.Slice.Length != nil {
		if n, err = r.arith(pe.Slice.Length); err != nil {
			return nil, err
		}
		if n < 0 {
			return nil, &discardError{fmt.Sprintf("%d: substring expression < 0", n)}
		}
	}
	end := min(len(all), off+n)
	return r.valueParts(slices.Clone(all[off:end]), true, "@"), nil
}

// arraySliceLen reports ${a[@]:off:len}, whose negative len expand
// takes as counting from the end where bash refuses it.
func arraySliceLen(pe *syntax.ParamExp) bool {
	return pe.Slice != nil && pe.Slice.Length != nil && pe.Index != nil && allIndex(pe) != ""
}

// arraySliceParts evaluates the offset and length of ${a[@]:off:len},
// once each and in order, refusing a negative length as bash does; expand
// slices with the values.
func (r *Runner) arraySliceParts(pe *syntax.ParamExp) ([]syntax.WordPart, error) {
	slice := *pe.Slice
	for _, x := range []*syntax.ArithmExpr{&slice.Offset, &slice.Length} {
		if *x == nil {
			continue
		}
		n, err := r.arith(*x)
		if err != nil {
			return nil, err
		}
		if x == &slice.Length && n < 0 {
			return nil, &discardError{fmt.Sprintf("%d: substring expression < 0", n)}
		}
		*x = &syntax.Word{Parts: []syntax.WordPart{&syntax.Lit{Value: strconv.Itoa(n)}}}
	}
	t := *pe
	t.Slice = &slice
	return []syntax.WordPart{&t}, nil
}

// indirectTarget resolves ${!ref...}: the expansion it stands for, with
// ref's value as the parameter and pe's operators. It returns nil for a
// nameref, whose ${!ref} is the name it refers to.
func (r *Runner) indirectTarget(pe *syntax.ParamExp) (*syntax.ParamExp, error) {
	var ref string
	if idx := allIndex(pe); idx != "" {
		elems, _, err := r.paramElems(pe, false)
		if err != nil {
			return nil, err
		}
		if len(elems) == 0 {
			return nil, r.indirectUnset(pe.Param.Value + "[" + idx + "]")
		}
		ref = strings.Join(elems, " ")
	} else {
		if pe.Index == nil {
			if v := r.vars.get(pe.Param.Value); v.Kind == expand.NameRef {
				return nil, nil
			}
		}
		elems, _, err := r.paramElems(pe, false)
		if err != nil {
			return nil, err
		}
		if len(elems) == 0 {
			return nil, r.indirectUnset(pe.Param.Value)
		}
		ref = elems[0]
	}
	param, index, ok := parseParamRef(ref)
	if !ok {
		return nil, &discardError{ref + ": invalid variable name"}
	}
	t := *pe
	t.Excl = false
	t.Rbrace = syntax.Pos{} // the text no longer spans Dollar..Rbrace (see slashPattern)
	t.Param = &syntax.Lit{Value: param}
	t.Index = index
	return &t, nil
}

// indirectUnset is the error of ${!ref} with ref unset: it ends the
// command; under set -u it ends the shell too.
func (r *Runner) indirectUnset(name string) error {
	msg := name + ": invalid indirect expansion"
	if r.opts.Nounset {
		return fmt.Errorf("%s", msg)
	}
	return &discardError{msg}
}

// A discardError ends the top-level command it happens in with status 1,
// and the shell goes on with the next one, as bash does after
// "invalid variable name" and the like (unlike errors such as ${x?},
// which end a script).
type discardError struct{ msg string }

func (e *discardError) Error() string { return e.msg }

// parseParamRef splits what ${!ref} names: a variable, an array element
// name[sub], a positional parameter or a special one.
func parseParamRef(s string) (string, syntax.ArithmExpr, bool) {
	if s == "" {
		return "", nil, false
	}
	if len(s) == 1 && strings.Contains("@*#?-$!0123456789", s) {
		return s, nil, true
	}
	if _, err := strconv.Atoi(s); err == nil && s[0] != '-' && s[0] != '+' {
		return s, nil, true
	}
	if validName(s) {
		return s, nil, true
	}
	name, sub, ok := strings.Cut(s, "[")
	if !ok || !validName(name) || !strings.HasSuffix(sub, "]") || len(sub) < 2 {
		return "", nil, false
	}
	f, err := syntax.NewParser(syntax.Variant(syntax.LangBash)).Parse(strings.NewReader(": \"${"+s+"}\""), "")
	if err != nil || len(f.Stmts) != 1 {
		return "", nil, false
	}
	call, ok := f.Stmts[0].Cmd.(*syntax.CallExpr)
	if !ok || len(call.Args) != 2 || len(call.Args[1].Parts) != 1 {
		return "", nil, false
	}
	dq, ok := call.Args[1].Parts[0].(*syntax.DblQuoted)
	if !ok || len(dq.Parts) != 1 {
		return "", nil, false
	}
	pe, ok := dq.Parts[0].(*syntax.ParamExp)
	if !ok || pe.Index == nil || hasOp(pe) || pe.Excl {
		return "", nil, false
	}
	return name, pe.Index, true
}

// listExp reports whether p expands to one field per element in double
// quotes: $@, ${a[@]} and their operator forms, and the keys ${!a[@]}.
func listExp(p syntax.WordPart) bool {
	pe, ok := p.(*syntax.ParamExp)
	if ok && pe.Excl {
		// The keys "${!a[@]}" and the names "${!prefix@}".
		return pe.Index != nil && allIndex(pe) == "@" && !hasOp(pe) || pe.Names == syntax.NamesPrefixWords
	}
	return ok && !pe.Length && allIndex(pe) == "@"
}

// listInQuotes reports "x$@y"-like double-quoted parts: expand makes one
// field per element only of a lone "$@", so the parts are split apart.
func listInQuotes(parts []syntax.WordPart) bool {
	if len(parts) < 2 {
		return false
	}
	return slices.ContainsFunc(parts, listExp)
}

// splitQuoted returns dq with parts as its contents, cut into adjacent
// double-quoted parts so that each list expansion stands alone: the
// first element joins the text before it, the last the text after.
func splitQuoted(dq *syntax.DblQuoted, parts []syntax.WordPart) []syntax.WordPart {
	if !listInQuotes(parts) {
		return []syntax.WordPart{&syntax.DblQuoted{Left: dq.Left, Right: dq.Right, Dollar: dq.Dollar, Parts: parts}}
	}
	var out []syntax.WordPart
	start := 0
	for i, p := range parts {
		if !listExp(p) {
			continue
		}
		if start < i {
			out = append(out, &syntax.DblQuoted{Parts: parts[start:i]})
		}
		out = append(out, &syntax.DblQuoted{Parts: parts[i : i+1]})
		start = i + 1
	}
	if start < len(parts) {
		out = append(out, &syntax.DblQuoted{Parts: parts[start:]})
	}
	return out
}
