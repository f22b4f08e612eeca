package shell

import (
	"fmt"
	"sort"
	"strconv"
	"strings"

	"mvdan.cc/sh/v3/expand"
	"mvdan.cc/sh/v3/syntax"
)

func init() {
	for _, n := range []string{"export", "readonly", "local", "declare", "typeset"} {
		builtins[n] = builtinDeclare
	}
	builtins["unset"] = builtinUnset
	builtins["set"] = builtinSet
	builtins["shopt"] = builtinShopt
}

// declFlags are the attribute options of declare and friends.
type declFlags struct {
	array, assoc, integer, readonly, export, global, print, funcs, funcNames bool
	unexport, unreadonly, nameref                                            bool
	unNameref                                                                bool
	caseConv                                                                 byte // 'l' or 'u' (-l, -u); '-' for +l/+u
}

// declItem is one operand: a name, maybe with a value or an array.
type declItem struct {
	name   string
	value  *string
	assign *syntax.Assign // for array values and indexes
	append bool
}

// declClause runs declare/local/export/readonly as parsed in bash mode.
func (r *Runner) declClause(dc *syntax.DeclClause) int {
	run, status := r.declExpand(dc)
	if run == nil {
		return status
	}
	return run()
}

// declExpand expands the arguments of dc and returns the declaration to
// run, or nil and the status of a failed expansion. Redirections of the
// command apply after the expansion, as for other commands.
func (r *Runner) declExpand(dc *syntax.DeclClause) (run func() int, status int) {
	variant := dc.Variant.Value
	var words []string
	var items []declItem
	for _, as := range dc.Args {
		switch {
		case as.Name == nil:
			fs, err := r.fields(as.Value)
			if err != nil {
				return nil, r.expandError(err)
			}
			for _, f := range fs {
				if strings.HasPrefix(f, "-") || strings.HasPrefix(f, "+") {
					words = append(words, f)
					continue
				}
				items = append(items, parseDeclWord(f))
			}
		case as.Naked:
			items = append(items, declItem{name: as.Name.Value})
		case as.Array == nil && as.Index == nil:
			// As in bash, every value is expanded before the first is
			// assigned: export a=1 b=$a sees the old a.
			val, err := r.literal(r.colonTildes(as.Value))
			if err != nil {
				return nil, r.expandError(err)
			}
			items = append(items, declItem{name: as.Name.Value, value: &val, append: as.Append})
		default:
			as, err := r.expandDeclAssign(as)
			if err != nil {
				return nil, r.expandError(err)
			}
			items = append(items, declItem{name: as.Name.Value, assign: as, append: as.Append})
		}
	}
	return func() int {
		if r.opts.Xtrace {
			r.traceDecl(variant, words, items)
		}
		args := declArgs(variant, words, items)
		r.setLastArg(args[len(args)-1])
		status := r.declare(variant, words, items)
		r.syncOptVars() // export SHELLOPTS
		return status
	}, 0
}

// declArgs is a declaration command's words as expanded: an array value
// shows as its name only, as bash passes it.
func declArgs(variant string, words []string, items []declItem) []string {
	args := append([]string{variant}, words...)
	for _, it := range items {
		if val, ok := it.scalar(); ok {
			args = append(args, it.name+it.assignOp()+val)
		} else {
			args = append(args, it.name)
		}
	}
	return args
}

// assignOp is how an item assigns: "+=" or "=".
func (it declItem) assignOp() string {
	if it.append {
		return "+="
	}
	return "="
}

// scalar returns the string an item assigns, once expanded (see
// expandDeclAssign), and whether it assigns one.
func (it declItem) scalar() (string, bool) {
	switch {
	case it.value != nil:
		return *it.value, true
	case it.assign == nil || it.assign.Array != nil:
		return "", false
	}
	if w := it.assign.Value; w != nil && len(w.Parts) == 1 {
		if sq, ok := w.Parts[0].(*syntax.SglQuoted); ok {
			return sq.Value, true
		}
	}
	return "", true
}

// expandDeclAssign expands the value of a declare/local assignment before
// the command runs, as bash does (local x=$x reads the outer x): it
// returns a copy holding the expanded value quoted, or as itself when
// the value is an array with [subscript]= elements.
func (r *Runner) expandDeclAssign(as *syntax.Assign) (*syntax.Assign, error) {
	lit := func(s string) *syntax.Word {
		return &syntax.Word{Parts: []syntax.WordPart{&syntax.SglQuoted{Value: s}}}
	}
	cp := *as
	if as.Array == nil {
		val := ""
		if as.Value != nil {
			var err error
			if val, err = r.literal(r.colonTildes(as.Value)); err != nil {
				return nil, err
			}
		}
		cp.Value = lit(val)
		return &cp, nil
	}
	var words []*syntax.Word
	for _, el := range as.Array.Elems {
		if el.Index != nil || el.Value == nil {
			return as, nil
		}
		words = append(words, el.Value)
	}
	fs, err := r.fields(words...)
	if err != nil {
		return nil, err
	}
	arr := &syntax.ArrayExpr{Lparen: as.Array.Lparen, Rparen: as.Array.Rparen}
	for _, f := range fs {
		arr.Elems = append(arr.Elems, &syntax.ArrayElem{Value: lit(f)})
	}
	cp.Array = arr
	return &cp, nil
}

// traceDecl traces declare, local, export or readonly as bash does: an
// array value first as name=('v' ...), then the command with its words,
// then for export and readonly each assignment made.
func (r *Runner) traceDecl(variant string, words []string, items []declItem) {
	var after []string
	for _, it := range items {
		if it.assign != nil && it.assign.Array != nil {
			var q []string
			for _, el := range it.assign.Array.Elems {
				val := ""
				if el.Value != nil {
					val = nodeText(el.Value)
					if sq, ok := el.Value.Parts[0].(*syntax.SglQuoted); ok && len(el.Value.Parts) == 1 {
						val = "'" + strings.ReplaceAll(sq.Value, "'", `'\''`) + "'"
					}
				}
				if el.Index != nil {
					val = "[" + nodeText(el.Index) + "]=" + val
				}
				q = append(q, val)
			}
			r.trace(it.name + it.assignOp() + "(" + strings.Join(q, " ") + ")")
		} else if val, ok := it.scalar(); ok {
			after = append(after, it.name+it.assignOp()+shellQuote(val))
		}
	}
	r.trace(quoteArgs(declArgs(variant, words, items)))
	if variant == "export" || variant == "readonly" {
		for _, a := range after {
			r.trace(a)
		}
	}
}

func parseDeclWord(f string) declItem {
	name, val, ok := strings.Cut(f, "=")
	if !ok {
		return declItem{name: f}
	}
	app := strings.HasSuffix(name, "+")
	if app {
		name = name[:len(name)-1]
	}
	return declItem{name: name, value: &val, append: app}
}

func builtinDeclare(r *Runner, args []string) int {
	var words []string
	var items []declItem
	opts := true
	for _, a := range args[1:] {
		if opts && (strings.HasPrefix(a, "-") || strings.HasPrefix(a, "+")) && len(a) > 1 {
			if a == "--" {
				opts = false
				continue
			}
			words = append(words, a)
			continue
		}
		opts = false
		items = append(items, parseDeclWord(a))
	}
	status := r.declare(args[0], words, items)
	r.syncOptVars()
	return status
}

func (r *Runner) declare(variant string, words []string, items []declItem) int {
	var fl declFlags
	for _, w := range words {
		if w == "--" {
			continue
		}
		on := w[0] == '-'
		for _, c := range w[1:] {
			switch c {
			case 'a':
				fl.array = on
			case 'A':
				fl.assoc = on
			case 'i':
				fl.integer = on
			case 'r':
				fl.readonly = on
			case 'x':
				fl.export = on
				fl.unexport = !on
			case 'g':
				fl.global = on
			case 'p':
				fl.print = true
			case 'f':
				fl.funcs = true
			case 'F':
				fl.funcNames = true
			case 'n':
				if variant == "export" {
					fl.unexport = true
				} else {
					fl.nameref, fl.unNameref = on, !on
				}
			case 'l', 'u':
				fl.caseConv = byte(c)
				if !on {
					fl.caseConv = '-'
				}
			case 't':
			default:
				return r.usage(variant, "-%c: invalid option", c)
			}
		}
	}
	switch variant {
	case "export":
		if !fl.unexport {
			fl.export = true
		}
	case "readonly":
		fl.readonly = true
	case "local":
		if r.funcDepth == 0 {
			r.errf("local: can only be used in a function")
			return 1
		}
	}
	if fl.funcs || fl.funcNames {
		return r.printFuncs(items, fl.funcNames)
	}
	if fl.print || len(items) == 0 {
		return r.printVars(variant, fl, items)
	}
	local := variant == "local" || ((variant == "declare" || variant == "typeset") && r.funcDepth > 0 && !fl.global)
	status := 0
	for _, it := range items {
		if !validName(it.name) || elemOfExported(variant, it) {
			name := it.name
			if it.assign != nil && it.assign.Index != nil {
				idx, _ := r.arithText(it.assign.Index, textSource)
				name += "[" + idx + "]"
			}
			r.errf("%s: `%s': not a valid identifier", variant, name)
			status = 1
			continue
		}
		if err := r.declareOne(it, fl, local); err != nil {
			r.errf("%s: %v", variant, err)
			status = 1
		}
	}
	return status
}

func (r *Runner) declareOne(it declItem, fl declFlags, local bool) error {
	name := it.name
	if fl.array || fl.assoc {
		it = arrayDeclItem(it)
	}
	cur := r.vars.get(name)
	if local {
		frame := r.vars.localFrame()
		if frame == nil {
			r.vars.ensureFrame()
			frame = r.vars.frames[len(r.vars.frames)-1]
		}
		if _, ok := frame[name]; !ok {
			// A new local starts unset (bash keeps the value only with
			// declare -I); exported-ness is not inherited.
			nv := expand.Variable{Local: true}
			if it.value == nil && it.assign == nil && cur.IsSet() && false {
				nv = cur
			}
			frame[name] = nv
			cur = nv
		}
	}
	switch fl.caseConv {
	case 'l', 'u':
		r.setCaseAttr(name, fl.caseConv)
	case '-':
		r.setCaseAttr(name, 0)
	}
	if fl.integer {
		r.writableIntegers()[name] = true
	}
	if cur.ReadOnly && (it.value != nil || it.assign != nil) {
		return readonlyError(name)
	}
	if fl.nameref || (fl.unNameref && cur.Kind == expand.NameRef) {
		if fl.export {
			cur.Exported = true // the reference itself: its value is the name
			r.vars.envDirty = true
		}
		return r.declareRef(name, cur, it, fl.nameref)
	}
	switch {
	case fl.assoc && cur.Kind == expand.Indexed:
		return fmt.Errorf("%s: cannot convert indexed to associative array", name)
	case fl.array && cur.Kind == expand.Associative:
		return fmt.Errorf("%s: cannot convert associative to indexed array", name)
	case fl.assoc && cur.Kind != expand.Associative:
		cur.Kind, cur.Map, cur.List = expand.Associative, map[string]string{}, nil
		if it.value == nil && it.assign == nil {
			cur.Set = cur.Set || false
		}
		r.vars.set(name, cur)
	case fl.array && cur.Kind != expand.Indexed && cur.Kind != expand.Associative:
		list := []string(nil)
		if cur.IsSet() {
			list = []string{cur.Str}
		}
		cur.Kind, cur.List, cur.Str = expand.Indexed, list, ""
		r.vars.set(name, cur)
	}
	if it.assign == nil && it.value != nil {
		if as := arrayOperand(it, r.vars.get(name)); as != nil {
			it.assign, it.value = as, nil // declare -a "x=(1 2)"
		}
	}
	switch {
	case it.assign != nil:
		r.declAssoc = fl.assoc
		err := r.assign(it.assign, false)
		r.declAssoc = false
		if err != nil {
			return err
		}
	case it.value != nil:
		if it.append {
			v := r.vars.get(name)
			if v.Kind == expand.Indexed || v.Kind == expand.Associative {
				if err := r.assignIndex(name, nil, *it.value, true); err != nil {
					return err
				}
				break
			}
			if r.isInteger(name) {
				if err := r.setVarString(name, *it.value, true); err != nil {
					return err
				}
				break
			}
			if err := r.setVarString(name, v.Str+*it.value); err != nil {
				return err
			}
			break
		}
		if err := r.setVarString(name, *it.value); err != nil {
			return err
		}
	case !cur.Declared():
		// declare x: declared, still unset (declare -p shows it).
		r.vars.set(name, expand.Variable{Kind: expand.String})
	}
	v := r.vars.get(name)
	changed := false
	if fl.export && !v.Exported {
		v.Exported, changed = true, true
	}
	if fl.unexport && v.Exported {
		v.Exported, changed = false, true
	}
	if fl.readonly && !v.ReadOnly {
		v.ReadOnly, changed = true, true
	}
	if changed {
		r.vars.set(name, v)
		r.vars.envDirty = true
	}
	return nil
}

// arrayDeclItem reads a value "(...)" given to declare -a or -A as a
// word (declare -a 'x=(1 2)', declare -a x=$v) as an array literal, as
// bash does; any other item is returned as it is.
func arrayDeclItem(it declItem) declItem {
	val := ""
	switch {
	case it.value != nil:
		val = *it.value
	case it.assign != nil && it.assign.Array == nil && it.assign.Index == nil && it.assign.Value != nil:
		sq, ok := it.assign.Value.Parts[0].(*syntax.SglQuoted)
		if !ok || len(it.assign.Value.Parts) != 1 {
			return it
		}
		val = sq.Value
	default:
		return it
	}
	if len(val) < 2 || val[0] != '(' || val[len(val)-1] != ')' {
		return it
	}
	f, err := syntax.NewParser(syntax.Variant(syntax.LangBash)).Parse(strings.NewReader(it.name+"="+val), "")
	if err != nil || len(f.Stmts) != 1 {
		return it
	}
	ce, ok := f.Stmts[0].Cmd.(*syntax.CallExpr)
	if !ok || len(ce.Args) != 0 || len(ce.Assigns) != 1 || ce.Assigns[0].Array == nil {
		return it
	}
	ce.Assigns[0].Append = it.append
	return declItem{name: it.name, assign: ce.Assigns[0], append: it.append}
}

// declareRef makes name a nameref (declare -n) to the variable named by
// its value, or (declare +n) a plain variable holding that name again.
// The reference itself is stored, not written through.
func (r *Runner) declareRef(name string, cur expand.Variable, it declItem, on bool) error {
	target := cur.Str
	switch {
	case it.assign != nil && it.assign.Array == nil:
		s, err := r.literal(it.assign.Value)
		if err != nil {
			return err
		}
		target = s
	case it.value != nil:
		target = *it.value
	}
	if on {
		if target != "" && !validName(target) && !validRefTarget(target) {
			return fmt.Errorf("`%s': invalid variable name for name reference", target)
		}
		if target == name {
			return fmt.Errorf("%s: nameref variable self references not allowed", name)
		}
		cur.Kind, cur.Str, cur.Set = expand.NameRef, target, true
	} else {
		cur.Kind, cur.Str, cur.Set = expand.String, target, true
	}
	cur.List, cur.Map, cur.Indexes = nil, nil, nil
	r.vars.set(name, cur)
	return nil
}

// elemOfExported reports an element assignment given to export or
// readonly (export a[1]=x), which bash refuses: only declare, typeset and
// local take them.
func elemOfExported(variant string, it declItem) bool {
	return (variant == "export" || variant == "readonly") && it.assign != nil && it.assign.Index != nil
}

// validRefTarget accepts name[subscript] as a nameref target.
func validRefTarget(s string) bool {
	i := strings.IndexByte(s, '[')
	return i > 0 && strings.HasSuffix(s, "]") && validName(s[:i])
}

// integersShared reports whether r.integers belongs to a parent runner.
func (r *Runner) integersShared() bool { return r.intOwner != r }

// writableIntegers returns r.integers, first made r's own copy if it was
// shared or missing.
func (r *Runner) writableIntegers() map[string]bool {
	if r.integers == nil || r.integersShared() {
		m := make(map[string]bool, len(r.integers)+1)
		for k, v := range r.integers {
			m[k] = v
		}
		r.integers = m
		r.intOwner = r
	}
	return r.integers
}

func (r *Runner) printFuncs(items []declItem, namesOnly bool) int {
	names := make([]string, 0)
	if len(items) == 0 {
		for n := range r.funcs {
			names = append(names, n)
		}
		sort.Strings(names)
	} else {
		for _, it := range items {
			names = append(names, it.name)
		}
	}
	status := 0
	for _, n := range names {
		body := r.funcs[n]
		if body == nil {
			status = 1
			continue
		}
		if namesOnly && len(items) > 0 {
			if strings.Contains(":"+r.bashOpts()+":", ":extdebug:") {
				// shopt -s extdebug adds where the function was defined.
				fmt.Fprintf(r.out(), "%s %d %s\n", n, body.Pos().Line(), r.funcFile(n))
				continue
			}
			fmt.Fprintln(r.out(), n) // declare -F name prints just the name
		} else if namesOnly {
			fmt.Fprintf(r.out(), "declare -f %s\n", n)
		} else {
			fmt.Fprintln(r.out(), funcText(n, body))
		}
	}
	return status
}

// printVars prints variables in a form the shell can read back.
func (r *Runner) printVars(variant string, fl declFlags, items []declItem) int {
	var names []string
	switch {
	case len(items) > 0:
		for _, it := range items {
			names = append(names, it.name)
		}
	case variant == "local":
		// Only the current function's locals.
		if n := len(r.vars.frames); n > 0 {
			for name := range r.vars.frames[n-1] {
				names = append(names, name)
			}
			sort.Strings(names)
		}
	default:
		names = r.vars.names()
	}
	if len(items) == 0 && !fl.print && (variant == "declare" || variant == "typeset") &&
		!fl.export && !fl.readonly && !fl.array && !fl.assoc && !fl.nameref && !fl.integer {
		// Plain declare lists name=value, as set does.
		for _, n := range names {
			if v := r.vars.get(n); v.IsSet() {
				text := setValueText(v)
				if v.Kind == expand.NameRef {
					text = shellQuote(v.Str)
				}
				fmt.Fprintf(r.out(), "%s=%s\n", n, text)
			}
		}
		return 0
	}
	status := 0
	w := r.out()
	for _, n := range names {
		v := r.vars.get(n)
		if n == "SHELLOPTS" || n == "BASHOPTS" {
			v = runnerEnv{r}.Get(n) // computed from the options
		}
		if len(items) == 0 {
			if (variant == "export" || fl.export) && !v.Exported {
				continue
			}
			if (variant == "readonly" || fl.readonly) && !v.ReadOnly {
				continue
			}
			if fl.array && v.Kind != expand.Indexed || fl.assoc && v.Kind != expand.Associative ||
				fl.nameref && v.Kind != expand.NameRef || fl.integer && !r.isInteger(n) {
				continue
			}
		} else if !v.Declared() {
			r.errf("%s: %s: not found", variant, n)
			status = 1
			continue
		}
		attrs := ""
		switch v.Kind {
		case expand.Indexed:
			attrs += "a"
		case expand.Associative:
			attrs += "A"
		}
		if v.Kind == expand.NameRef {
			attrs += "n"
		}
		if r.isInteger(n) {
			attrs += "i"
		}
		if v.ReadOnly {
			attrs += "r"
		}
		if v.Exported {
			attrs += "x"
		}
		if c := r.caseAttr(n); c != 0 {
			attrs += string(c)
		}
		if attrs == "" {
			attrs = "-"
		}
		prefix := "declare -" + strings.TrimPrefix(attrs, "-") + " "
		if attrs == "-" {
			prefix = "declare -- "
		}
		switch {
		case variant == "export" && len(items) == 0:
			prefix = "declare -x "
			if attrs != "x" {
				prefix = "declare -" + attrs + " "
			}
		case variant == "readonly" && len(items) == 0:
			prefix = "declare -" + attrs + " "
		}
		if !v.IsSet() {
			fmt.Fprintf(w, "%s%s\n", prefix, n)
			continue
		}
		text := valueText(v)
		if v.Kind == expand.NameRef {
			text = dquote(v.Str)
		}
		fmt.Fprintf(w, "%s%s=%s\n", prefix, n, text)
	}
	return status
}

// valueText renders a variable's value as declare -p shows it.
func valueText(v expand.Variable) string {
	switch v.Kind {
	case expand.Indexed:
		list, idx := arrayOf(v)
		parts := make([]string, len(list))
		for i := range list {
			parts[i] = fmt.Sprintf("[%d]=%s", idx[i], dquote(list[i]))
		}
		return "(" + strings.Join(parts, " ") + ")"
	case expand.Associative:
		keys := make([]string, 0, len(v.Map))
		for k := range v.Map {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		parts := make([]string, len(keys))
		for i, k := range keys {
			key := k
			if shellQuote(k) != k {
				key = dquote(k)
			}
			parts[i] = fmt.Sprintf("[%s]=%s", key, dquote(v.Map[k]))
		}
		if len(parts) == 0 {
			return "()"
		}
		return "(" + strings.Join(parts, " ") + " )"
	}
	return dquote(v.Str)
}

// hasControl reports bytes that only $'...' quoting shows readably.
func hasControl(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < 0x20 || s[i] == 0x7f {
			return true
		}
	}
	return false
}

// ansiQuote quotes s as $'...', as bash does for values with control
// characters.
func ansiQuote(s string) string {
	var b strings.Builder
	b.WriteString("$'")
	for i := 0; i < len(s); i++ {
		switch c := s[i]; c {
		case '\\':
			b.WriteString(`\\`)
		case '\'':
			b.WriteString(`\'`)
		case '\n':
			b.WriteString(`\n`)
		case '\t':
			b.WriteString(`\t`)
		case '\r':
			b.WriteString(`\r`)
		case '\a':
			b.WriteString(`\a`)
		case '\b':
			b.WriteString(`\b`)
		case '\f':
			b.WriteString(`\f`)
		case '\v':
			b.WriteString(`\v`)
		case 0x1b:
			b.WriteString(`\E`)
		default:
			if c < 0x20 || c == 0x7f {
				fmt.Fprintf(&b, "\\%03o", c)
			} else {
				b.WriteByte(c)
			}
		}
	}
	b.WriteString("'")
	return b.String()
}

// dquote quotes s in double quotes, as declare -p prints values ($'...'
// when s holds control characters).
func dquote(s string) string {
	if hasControl(s) {
		return ansiQuote(s)
	}
	r := strings.NewReplacer(`\`, `\\`, `"`, `\"`, `$`, `\$`, "`", "\\`")
	return `"` + r.Replace(s) + `"`
}

func builtinUnset(r *Runner, args []string) int {
	args = args[1:]
	mode, refSelf := "", false
	for len(args) > 0 && strings.HasPrefix(args[0], "-") {
		switch args[0] {
		case "-f":
			mode = "f"
		case "-v":
			mode = "v"
		case "-n":
			refSelf = true
		case "--":
			args = args[1:]
			goto done
		default:
			return r.usage("unset", "%s: invalid option", args[0])
		}
		args = args[1:]
	}
done:
	status := 0
	for _, name := range args {
		if mode == "f" {
			r.unsetFunc(name)
			continue
		}
		if !refSelf && validName(name) {
			name = r.resolveRef(name) // unset ref unsets its target
		}
		base, index, hasIndex := strings.Cut(name, "[")
		if hasIndex && strings.HasSuffix(index, "]") {
			if err := r.unsetIndex(base, name); err != nil {
				r.errf("unset: %v", err)
				status = 1
			}
			continue
		}
		if !validName(name) {
			r.errf("unset: `%s': not a valid identifier", name)
			status = 1
			continue
		}
		v := r.vars.get(name)
		if v.ReadOnly {
			r.errf("unset: %s: cannot unset: readonly variable", name)
			status = 1
			continue
		}
		if old, ok := r.prefixShadow[name]; ok {
			// x=1 unset x: the prefix binding goes, the old value stays.
			delete(r.prefixShadow, name)
			if old.Declared() {
				r.vars.set(name, old)
				continue
			}
		}
		if !v.Declared() && mode == "" {
			r.unsetFunc(name)
			continue
		}
		r.vars.unset(name)
	}
	return status
}

func (r *Runner) unsetIndex(name, ref string) error {
	v := r.vars.get(name)
	if v.ReadOnly {
		return fmt.Errorf("%s: cannot unset: readonly variable", name)
	}
	index := ref[len(name)+1 : len(ref)-1]
	if v.Kind != expand.Associative && v.Kind != expand.Indexed {
		if index == "0" || index == "@" || index == "*" {
			r.vars.unset(name)
		}
		return nil
	}
	if v.Kind == expand.Indexed && (index == "@" || index == "*") {
		v.List, v.Indexes = []string{}, nil // bash 5.2 keeps an empty array
		r.vars.set(name, v)
		return nil
	}
	key, n, ok, err := r.elemSubscript(v, ref)
	if err != nil {
		return err
	}
	if !ok {
		return fmt.Errorf("%s: bad array subscript", ref)
	}
	switch v.Kind {
	case expand.Associative:
		m := make(map[string]string, len(v.Map))
		for k, x := range v.Map {
			if k != key {
				m[k] = x
			}
		}
		v.Map = m
	case expand.Indexed:
		list, idx := arrayOf(v)
		var nl []string
		var ni []int
		for i := range list {
			if idx[i] != n {
				nl = append(nl, list[i])
				ni = append(ni, idx[i])
			}
		}
		v.List, v.Indexes = nl, ni
		if len(ni) == 0 {
			v.Indexes = nil
		}
		if v.Indexes != nil {
			v.Indexes = denseOrNil(ni)
		}
	}
	r.vars.set(name, v)
	return nil
}

func builtinSet(r *Runner, args []string) int {
	args = args[1:]
	if len(args) == 0 {
		for _, n := range r.vars.names() {
			v := r.vars.get(n)
			if v.IsSet() {
				fmt.Fprintf(r.out(), "%s=%s\n", n, setValueText(v))
			}
		}
		return 0
	}
	for len(args) > 0 {
		a := args[0]
		if a == "--" {
			args = args[1:]
			r.setParams(args)
			return 0
		}
		if a == "-" {
			args = args[1:]
			r.opts.Xtrace, r.opts.Verbose = false, false
			break
		}
		if a == "+" { // an empty option list: ignored, as in bash and dash
			args = args[1:]
			continue
		}
		if len(a) < 2 || (a[0] != '-' && a[0] != '+') {
			break
		}
		on := a[0] == '-'
		args = args[1:]
		for k := 1; k < len(a); k++ {
			c := a[k]
			if c == 'o' {
				if len(args) == 0 {
					r.printOptions(on)
					continue
				}
				name := args[0]
				args = args[1:]
				if err := r.SetOption(name, on); err != nil {
					r.errf("set: %v", err)
					return 2
				}
				continue
			}
			if err := r.SetOption(string(c), on); err != nil {
				r.errf("set: %c%c: invalid option", a[0], c)
				return 2
			}
		}
	}
	if len(args) > 0 {
		r.setParams(args)
	}
	return 0
}

// setParams replaces the positional parameters. As in bash, OPTIND stays:
// getopts goes on from there in the new list (past its end, it stops and
// sets OPTIND to $#+1); only a position inside a clustered option word is
// forgotten.
func (r *Runner) setParams(args []string) {
	r.params = append([]string{}, args...)
	r.optPos = 0
}

func setValueText(v expand.Variable) string {
	if v.Kind == expand.Indexed || v.Kind == expand.Associative {
		return valueText(v)
	}
	if hasControl(v.Str) {
		return ansiQuote(v.Str)
	}
	return shellQuote(v.Str)
}

var _ = strconv.Itoa
