package shell

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"syscall"

	"gosh/exec"
	"mvdan.cc/sh/v3/expand"
	"mvdan.cc/sh/v3/pattern"
	"mvdan.cc/sh/v3/syntax"
)

// Programmable completion (bash's complete, compgen and compopt). A
// compSpec says how to complete the arguments of a command: actions
// (-A kinds of names), a glob (-G), a word list (-W), a function (-F) or
// command (-C) that computes candidates, a filter (-X) and a prefix and
// suffix (-P, -S). complete stores specs in the Runner by command name;
// compgen builds one from its options and prints what it generates; the
// interactive shell's Tab uses the stored ones through Runner.Complete.

func init() {
	builtins["complete"] = builtinComplete
	builtins["compgen"] = builtinCompgen
	builtins["compopt"] = builtinCompopt
}

// A compSpec is one completion specification. It is never changed once
// stored (complete and compopt store a new one), so subshells may share
// the table.
type compSpec struct {
	actions map[string]bool // -A actions and their letter forms
	opts    map[string]bool // -o options
	args    map[byte]string // -G -W -F -C -X -P -S: option letter -> argument
}

// compSpecs is the table complete fills: command name -> spec, with the
// -D, -E and -I specs under the keys " D", " E" and " I". Copied on
// write: a subshell shares its parent's until it changes one.
type compSpecs struct {
	byName map[string]*compSpec
	order  []string // names in the order they were first defined, for -p
}

// compActionLetters maps complete's one-letter options to action names,
// in the order complete -p prints them.
var compActionLetters = []struct {
	c    byte
	name string
}{{'a', "alias"}, {'b', "builtin"}, {'c', "command"}, {'d', "directory"}, {'e', "export"},
	{'f', "file"}, {'g', "group"}, {'j', "job"}, {'k', "keyword"}, {'s', "service"},
	{'u', "user"}, {'v', "variable"}}

// compActions lists every action name in the order bash generates them.
var compActions = []string{"alias", "arrayvar", "binding", "builtin", "disabled", "enabled",
	"export", "function", "helptopic", "hostname", "job", "keyword", "running", "setopt",
	"shopt", "signal", "stopped", "variable", "command", "file", "user", "group", "service",
	"directory"}

// compOptionNames are the -o options of complete, compgen and compopt.
var compOptionNames = []string{"bashdefault", "default", "dirnames", "filenames", "noquote",
	"nosort", "nospace", "plusdirs"}

// compArgLetters are the options taking an argument, in complete -p's
// order.
const compArgLetters = "GWPSXCF"

// shellKeywords are the reserved words, in the order compgen -k prints
// them.
var shellKeywords = []string{"if", "then", "else", "elif", "fi", "case", "esac", "for", "select",
	"while", "until", "do", "done", "in", "function", "time", "{", "}", "!", "[[", "]]", "coproc"}

const completeUsage = "complete: usage: complete [-abcdefgjksuv] [-pr] [-DEI] [-o option] [-A action] [-G globpat] [-W wordlist] [-F function] [-C command] [-X filterpat] [-P prefix] [-S suffix] [name ...]"

// compFlags is what parseCompOptions found besides the spec.
type compFlags struct {
	print, remove bool
	special       []string // -D -E -I as " D" ...
	names         []string // the operands
	plusOpts      map[string]bool
}

// parseCompOptions reads the options of complete, compgen or compopt
// (which allow different subsets: allowed lists the letters). It returns
// the spec, the other flags and a status (non-zero after an error it has
// reported).
func (r *Runner) parseCompOptions(name string, args []string, allowed string) (*compSpec, compFlags, int) {
	spec := &compSpec{actions: map[string]bool{}, opts: map[string]bool{}, args: map[byte]string{}}
	var fl compFlags
	fl.plusOpts = map[string]bool{}
	for len(args) > 0 {
		a := args[0]
		if a == "--" {
			args = args[1:]
			break
		}
		if len(a) < 2 || (a[0] != '-' && !(a[0] == '+' && name == "compopt")) {
			break
		}
		args = args[1:]
		plus := a[0] == '+'
		for k := 1; k < len(a); k++ {
			c := a[k]
			if strings.IndexByte(allowed, c) < 0 {
				r.errf("%s: -%c: invalid option", name, c)
				return nil, fl, 2
			}
			if strings.IndexByte("oAGWFCXPS", c) >= 0 {
				v, ok := optArg(a, &k, &args)
				if !ok {
					r.errf("%s: -%c: option requires an argument", name, c)
					return nil, fl, 2
				}
				switch c {
				case 'o':
					if !containsString(compOptionNames, v) {
						r.errf("%s: %s: invalid option name", name, v)
						return nil, fl, 2
					}
					if plus {
						fl.plusOpts[v] = true
					} else {
						spec.opts[v] = true
					}
				case 'A':
					if !containsString(compActions, v) {
						r.errf("%s: %s: invalid action name", name, v)
						return nil, fl, 2
					}
					spec.actions[v] = true
				default:
					spec.args[c] = v
				}
				continue
			}
			switch c {
			case 'p':
				fl.print = true
			case 'r':
				fl.remove = true
			case 'D', 'E', 'I':
				fl.special = append(fl.special, " "+string(c))
			default:
				for _, l := range compActionLetters {
					if l.c == c {
						spec.actions[l.name] = true
					}
				}
			}
		}
	}
	fl.names = args
	return spec, fl, 0
}

// optArg takes the argument of the option letter a[*k]: the rest of a
// or else the next word of *args. It reports false when there is none.
func optArg(a string, k *int, args *[]string) (string, bool) {
	if *k+1 < len(a) {
		v := a[*k+1:]
		*k = len(a)
		return v, true
	}
	if len(*args) == 0 {
		return "", false
	}
	v := (*args)[0]
	*args = (*args)[1:]
	return v, true
}

func containsString(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// empty reports whether the spec generates nothing and sets no option.
func (s *compSpec) empty() bool {
	return len(s.actions) == 0 && len(s.opts) == 0 && len(s.args) == 0
}

// String is the spec as complete -p prints it, before the name.
func (s *compSpec) String() string {
	var b strings.Builder
	b.WriteString("complete")
	for _, o := range compOptionNames {
		if s.opts[o] {
			b.WriteString(" -o " + o)
		}
	}
	letter := map[string]bool{}
	for _, l := range compActionLetters {
		letter[l.name] = true
		if s.actions[l.name] {
			b.WriteString(" -" + string(l.c))
		}
	}
	var rest []string
	for a := range s.actions {
		if !letter[a] {
			rest = append(rest, a)
		}
	}
	sort.Strings(rest)
	for _, a := range rest {
		b.WriteString(" -A " + a)
	}
	for i := 0; i < len(compArgLetters); i++ {
		c := compArgLetters[i]
		v, ok := s.args[c]
		if !ok {
			continue
		}
		if c != 'F' {
			v = singleQuote(v)
		}
		fmt.Fprintf(&b, " -%c %s", c, v)
	}
	return b.String()
}

// singleQuote quotes s in single quotes, always (bash's sh_single_quote).
func singleQuote(s string) string {
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}

// specialName is how complete -p shows a -D, -E or -I spec's name.
func specialName(key string) string {
	if strings.HasPrefix(key, " ") {
		return "-" + key[1:]
	}
	return key
}

func builtinComplete(r *Runner, args []string) int {
	spec, fl, st := r.parseCompOptions("complete", args[1:], "abcdefgjksuvprDEIoAGWFCXPS")
	if st != 0 {
		if st == 2 {
			fmt.Fprintln(r.errOut(), completeUsage)
		}
		return st
	}
	names := append(fl.names, fl.special...)
	if fl.remove {
		if len(names) == 0 {
			r.compSpecs = nil
			return 0
		}
		specs := r.compSpecs.clone()
		for _, n := range names {
			delete(specs.byName, n)
		}
		r.compSpecs = specs
		return 0
	}
	if fl.print || (len(names) == 0 && spec.empty()) {
		return r.printCompSpecs(names)
	}
	if len(names) == 0 {
		fmt.Fprintln(r.errOut(), completeUsage)
		return 2
	}
	specs := r.compSpecs.clone()
	for _, n := range names {
		if _, ok := specs.byName[n]; !ok {
			specs.order = append(specs.order, n)
		}
		specs.byName[n] = spec
	}
	r.compSpecs = specs
	return 0
}

// clone returns a copy of t to change (t may be nil).
func (t *compSpecs) clone() *compSpecs {
	c := &compSpecs{byName: map[string]*compSpec{}}
	if t == nil {
		return c
	}
	for _, n := range t.order {
		if s, ok := t.byName[n]; ok {
			c.byName[n] = s
			c.order = append(c.order, n)
		}
	}
	return c
}

// lookup returns the spec stored for name, or nil.
func (t *compSpecs) lookup(name string) *compSpec {
	if t == nil {
		return nil
	}
	return t.byName[name]
}

// printCompSpecs prints the specs of names (all when there are none).
func (r *Runner) printCompSpecs(names []string) int {
	var b strings.Builder
	status := 0
	if len(names) == 0 && r.compSpecs != nil {
		for _, n := range r.compSpecs.order {
			if s := r.compSpecs.byName[n]; s != nil {
				b.WriteString(s.String() + " " + specialName(n) + "\n")
			}
		}
	}
	for _, n := range names {
		s := r.compSpecs.lookup(n)
		if s == nil {
			r.errf("complete: %s: no completion specification", specialName(n))
			status = 1
			continue
		}
		b.WriteString(s.String() + " " + specialName(n) + "\n")
	}
	if _, err := r.out().Write([]byte(b.String())); err != nil {
		return 1
	}
	return status
}

func builtinCompgen(r *Runner, args []string) int {
	spec, fl, st := r.parseCompOptions("compgen", args[1:], "abcdefgjksuvoAGWFCXPS")
	if st != 0 {
		if st == 2 {
			fmt.Fprintln(r.errOut(), "compgen: usage: compgen [-abcdefgjksuv] [-o option] [-A action] [-G globpat] [-W wordlist] [-F function] [-C command] [-X filterpat] [-P prefix] [-S suffix] [word]")
		}
		return st
	}
	word := ""
	if len(fl.names) > 0 {
		word = fl.names[0]
	}
	for _, c := range "FC" {
		if _, ok := spec.args[byte(c)]; ok && r.compCtx == nil {
			r.errf("compgen: warning: -%c option may not work as you expect", c)
		}
	}
	ctx := r.compCtx
	if ctx == nil {
		ctx = &compContext{cmd: "compgen", cword: -1}
	}
	matches, ok := r.generate(spec, ctx, word)
	if !ok {
		return 1
	}
	var b strings.Builder
	for _, m := range matches {
		b.WriteString(m + "\n")
	}
	if _, err := r.out().Write([]byte(b.String())); err != nil {
		return 1
	}
	if len(matches) == 0 {
		return 1
	}
	return 0
}

// A compContext is the command line being completed: what a -F function
// sees as COMP_WORDS, COMP_CWORD, COMP_LINE and COMP_POINT and its
// arguments. Options compopt changes go to opts.
type compContext struct {
	cmd   string // the command name
	words []string
	cword int // index of the word being completed, -1 outside completion
	line  string
	point int
	opts  map[string]bool // the spec's options, as compopt leaves them
}

// prev is the word before the one being completed.
func (c *compContext) prev() string {
	if c.cword > 0 && c.cword-1 < len(c.words) {
		return c.words[c.cword-1]
	}
	return ""
}

// generate returns the completions spec makes for word, in bash's order:
// actions, -G, -W, -F, -C; then -X filters them and -P and -S are added.
// ok is false after a runtime error, which it has reported.
func (r *Runner) generate(spec *compSpec, ctx *compContext, word string) ([]string, bool) {
	var out []string
	for _, a := range compActions {
		if spec.actions[a] {
			out = append(out, r.actionMatches(a, word)...)
		}
	}
	if g, ok := spec.args['G']; ok {
		out = append(out, r.globMatches(g)...)
	}
	if w, ok := spec.args['W']; ok {
		words, err := r.wordList(w)
		if err != nil {
			r.errf("compgen: %v", err)
			return nil, false
		}
		for _, x := range words {
			if strings.HasPrefix(x, word) {
				out = append(out, x)
			}
		}
	}
	if f, ok := spec.args['F']; ok {
		m, ok := r.compFunc(f, ctx, word)
		if !ok {
			return nil, false
		}
		out = append(out, m...)
	}
	if c, ok := spec.args['C']; ok {
		out = append(out, r.compCommand(c, ctx, word)...)
	}
	if x, ok := spec.args['X']; ok {
		out = r.compFilter(out, x, word)
	}
	if len(out) == 0 {
		switch {
		case spec.opts["dirnames"]:
			out = r.fileMatches(word, true)
		case spec.opts["default"], spec.opts["bashdefault"]:
			out = r.fileMatches(word, false)
		}
	}
	pre, suf := spec.args['P'], spec.args['S']
	if pre != "" || suf != "" {
		for i, m := range out {
			out[i] = pre + m + suf
		}
	}
	if spec.opts["plusdirs"] {
		out = append(out, r.fileMatches(word, true)...)
	}
	return out, true
}

// compFilter drops the matches that match the -X pattern pat (keeps only
// those when pat starts with !). An unescaped & in pat stands for word.
func (r *Runner) compFilter(ms []string, pat, word string) []string {
	neg := strings.HasPrefix(pat, "!")
	if neg {
		pat = pat[1:]
	}
	var b strings.Builder
	for i := 0; i < len(pat); i++ {
		switch {
		case pat[i] == '\\' && i+1 < len(pat) && pat[i+1] == '&':
			b.WriteString(`\&`)
			i++
		case pat[i] == '&':
			b.WriteString(pattern.QuoteMeta(word, 0))
		default:
			b.WriteByte(pat[i])
		}
	}
	pat = b.String()
	var out []string
	for _, m := range ms {
		if r.match(pat, m) == neg {
			out = append(out, m)
		}
	}
	return out
}

// actionMatches returns the names of one -A action that start with word.
func (r *Runner) actionMatches(action, word string) []string {
	var names []string
	switch action {
	case "alias":
		for n := range r.aliases {
			if !strings.HasPrefix(n, "\x00") {
				names = append(names, n)
			}
		}
	case "arrayvar", "variable", "export":
		r.vars.each(func(name string, v expand.Variable) bool {
			switch {
			case action == "arrayvar" && v.Kind != expand.Indexed && v.Kind != expand.Associative,
				action == "export" && (!v.Exported || !v.IsSet()),
				action == "variable" && !v.IsSet() && v.Kind != expand.Indexed && v.Kind != expand.Associative:
				return true
			}
			names = append(names, name)
			return true
		})
	case "binding":
		names = readlineFunctionNames()
	case "builtin", "enabled":
		for n := range builtins {
			names = append(names, n)
		}
	case "disabled":
	case "function":
		for n := range r.funcs {
			names = append(names, n)
		}
	case "helptopic":
		for n := range builtins {
			names = append(names, n)
		}
		names = append(names, "case", "for", "function", "if", "select", "time", "until", "while")
	case "hostname":
		names = hostNames()
	case "job", "running", "stopped":
		for _, j := range r.jobs.Jobs() {
			st := j.State()
			if action == "running" && st != exec.Running || action == "stopped" && st != exec.Stopped {
				continue
			}
			name, _, _ := strings.Cut(strings.TrimSpace(j.Text), " ")
			names = append(names, name)
		}
	case "keyword":
		names = append(names, shellKeywords...)
		return withPrefix(names, word, false)
	case "setopt":
		for _, o := range setOptions {
			names = append(names, o.name)
		}
	case "shopt":
		for _, o := range shoptOptions {
			names = append(names, o.name)
		}
	case "signal":
		names = append(names, "EXIT")
		nums := make([]int, 0, len(signalNames))
		for n := range signalNames {
			nums = append(nums, int(n))
		}
		sort.Ints(nums)
		for _, n := range nums {
			names = append(names, "SIG"+signalNames[syscall.Signal(n)])
		}
		return withPrefix(names, word, false)
	case "command":
		return r.commandMatches(word)
	case "file":
		return r.fileMatches(word, false)
	case "directory":
		return r.fileMatches(word, true)
	case "user":
		names = dbNames("/etc/passwd", ':')
	case "group":
		names = dbNames("/etc/group", ':')
	case "service":
		names = dbNames("/etc/services", ' ', '\t')
	}
	return withPrefix(names, word, true)
}

// withPrefix returns the names that start with word, sorted if asked.
func withPrefix(names []string, word string, sorted bool) []string {
	var out []string
	for _, n := range names {
		if strings.HasPrefix(n, word) {
			out = append(out, n)
		}
	}
	if sorted {
		sort.Strings(out)
	}
	return out
}

// commandMatches completes a command name: aliases, keywords, functions,
// builtins, then executables on PATH; a word with a slash is a path.
func (r *Runner) commandMatches(word string) []string {
	if strings.Contains(word, "/") {
		var out []string
		for _, m := range r.fileMatches(word, false) {
			if fi, err := os.Stat(r.path(m)); err == nil && (fi.IsDir() || fi.Mode()&0o111 != 0) {
				out = append(out, m)
			}
		}
		return out
	}
	out := r.actionMatches("alias", word)
	out = append(out, r.actionMatches("keyword", word)...)
	out = append(out, r.actionMatches("function", word)...)
	out = append(out, r.actionMatches("builtin", word)...)
	var exes []string // as in bash, a name in two PATH directories is listed twice
	for _, dir := range filepath.SplitList(r.vars.get("PATH").String()) {
		if dir == "" {
			dir = "."
		}
		dir = r.path(dir)
		ents, err := os.ReadDir(dir)
		if err != nil {
			continue
		}
		for _, e := range ents {
			n := e.Name()
			if !strings.HasPrefix(n, word) {
				continue
			}
			fi, err := os.Stat(filepath.Join(dir, n))
			if err == nil && fi.Mode().IsRegular() && fi.Mode()&0o111 != 0 {
				exes = append(exes, n)
			}
		}
	}
	sort.Strings(exes)
	return append(out, exes...)
}

// fileMatches completes word as a path: the entries of its directory
// that start with its last component (only directories if dirs). A ~ at
// the start is expanded to read the directory and kept in the matches.
func (r *Runner) fileMatches(word string, dirs bool) []string {
	dirPart, base := "", word
	if i := strings.LastIndexByte(word, '/'); i >= 0 {
		dirPart, base = word[:i+1], word[i+1:]
	}
	dir := dirPart
	if strings.HasPrefix(dir, "~") {
		name, rest, _ := strings.Cut(dir[1:], "/")
		if home, ok := r.homeOf(name); ok {
			dir = strings.TrimSuffix(home, "/") + "/" + rest
		}
	}
	if dir == "" {
		dir = "."
	}
	ents, err := os.ReadDir(r.path(dir))
	if err != nil {
		return nil
	}
	names := []string{}
	if base == "." || base == ".." {
		names = append(names, base)
		if base == "." {
			names = append(names, "..")
		}
	}
	for _, e := range ents {
		names = append(names, e.Name())
	}
	var out []string
	for _, n := range names {
		if !strings.HasPrefix(n, base) {
			continue
		}
		if dirs {
			fi, err := os.Stat(filepath.Join(r.path(dir), n))
			if err != nil || !fi.IsDir() {
				continue
			}
		}
		out = append(out, dirPart+n)
	}
	sort.Strings(out)
	return out
}

// homeOf returns the home directory of user name ("" is $HOME).
func (r *Runner) homeOf(name string) (string, bool) {
	if name == "" {
		h := r.vars.get("HOME")
		return h.String(), h.IsSet()
	}
	data, err := os.ReadFile("/etc/passwd")
	if err != nil {
		return "", false
	}
	for _, l := range strings.Split(string(data), "\n") {
		f := strings.Split(l, ":")
		if len(f) >= 6 && f[0] == name {
			return f[5], true
		}
	}
	return "", false
}

// dbNames returns the first field of each line of a system database
// (/etc/passwd, /etc/group, /etc/services), skipping comments.
func dbNames(path string, seps ...rune) []string {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil
	}
	var out []string
	for _, l := range strings.Split(string(data), "\n") {
		f := strings.FieldsFunc(l, func(c rune) bool { return containsRune(seps, c) })
		if len(f) > 0 && !strings.HasPrefix(f[0], "#") {
			out = append(out, f[0])
		}
	}
	return out
}

func containsRune(rs []rune, c rune) bool {
	for _, x := range rs {
		if x == c {
			return true
		}
	}
	return false
}

// hostNames returns the names in /etc/hosts.
func hostNames() []string {
	data, err := os.ReadFile("/etc/hosts")
	if err != nil {
		return nil
	}
	var out []string
	for _, l := range strings.Split(string(data), "\n") {
		l, _, _ = strings.Cut(l, "#")
		f := strings.Fields(l)
		if len(f) > 1 {
			out = append(out, f[1:]...)
		}
	}
	return out
}

// globMatches expands the -G pattern in the working directory.
func (r *Runner) globMatches(pat string) []string {
	w := &syntax.Word{Parts: []syntax.WordPart{&syntax.Lit{Value: pat}}}
	fs, err := r.fields(w)
	if err != nil || len(fs) == 1 && fs[0] == pat && !r.exists(pat) {
		return nil
	}
	return fs
}

func (r *Runner) exists(name string) bool {
	_, err := os.Lstat(r.path(name))
	return err == nil
}

// wordList splits the -W argument at unquoted IFS characters and expands
// each word as the shell expands arguments.
func (r *Runner) wordList(s string) ([]string, error) {
	ifs := " \t\n"
	if v := r.vars.get("IFS"); v.IsSet() {
		ifs = v.String()
	}
	var out []string
	for _, src := range splitWordList(s, ifs) {
		f, err := syntax.NewParser(syntax.Variant(syntax.LangBash)).Parse(strings.NewReader(": "+src), "")
		if err != nil || len(f.Stmts) != 1 {
			return nil, fmt.Errorf("%s: bad word list", s)
		}
		ce, ok := f.Stmts[0].Cmd.(*syntax.CallExpr)
		if !ok || len(ce.Args) != 2 || len(ce.Assigns) > 0 {
			return nil, fmt.Errorf("%s: bad word list", s)
		}
		fs, err := r.fields(ce.Args[1])
		if err != nil {
			return nil, err
		}
		out = append(out, fs...)
	}
	return out, nil
}

// splitWordList splits s at the bytes of ifs that are not quoted,
// escaped or inside $(...), ${...} or `...`, and escapes in each word the
// blanks and operators that are not delimiters, so that the word parses
// as one argument.
func splitWordList(s, ifs string) []string {
	var (
		words []string
		cur   strings.Builder
		quote byte // ' " or `
		depth int  // open $( and ${
		have  bool
	)
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case quote == '\'':
			if c == '\'' {
				quote = 0
			}
		case c == '\\' && i+1 == len(s):
			continue // a backslash ending the list escapes nothing
		case c == '\\':
			cur.WriteByte(c)
			i++
			c = s[i]
		case quote != 0 && c == quote:
			quote = 0
		case quote == '`':
		case c == '$' && i+1 < len(s) && (s[i+1] == '(' || s[i+1] == '{'):
			cur.WriteByte(c)
			i++
			c = s[i]
			depth++
		case depth > 0 && (c == ')' || c == '}'):
			depth--
		case depth > 0 && c == '(':
			depth++
		case c == '\'' || c == '`' || c == '"' && quote == 0:
			quote = c
		case quote == 0 && depth == 0 && strings.IndexByte(ifs, c) >= 0:
			if have {
				words = append(words, cur.String())
			}
			cur.Reset()
			have = false
			continue
		case quote == 0 && depth == 0 && strings.IndexByte(" \t\n;&|<>()#", c) >= 0:
			cur.WriteByte('\\')
		}
		cur.WriteByte(c)
		have = true
	}
	if have {
		words = append(words, cur.String())
	}
	return words
}

// compFunc runs the -F function fn for ctx and returns COMPREPLY. It
// reports false when the function hit a fatal error.
func (r *Runner) compFunc(fn string, ctx *compContext, word string) ([]string, bool) {
	body := r.funcs[fn]
	if body == nil {
		r.errf("compgen: %s: function not found", fn)
		return nil, false
	}
	r.vars.pushFrame()
	r.bindCompVars(ctx)
	saved := r.compCtx
	r.compCtx = ctx
	r.callFunc(fn, body, []string{ctx.cmd, word, ctx.prev()})
	r.compCtx = saved
	v := r.vars.get("COMPREPLY")
	r.vars.popFrame()
	if r.exiting && r.lastStatus != 0 || r.discard {
		// A fatal error in the function ends the completion, not the
		// shell (bash jumps back to the completion's caller).
		r.exiting, r.discard = false, false
		return nil, false
	}
	switch v.Kind {
	case expand.Indexed:
		return append([]string(nil), v.List...), true
	case expand.Associative:
		var out []string
		for _, k := range sortedMapKeys(v.Map) {
			out = append(out, v.Map[k])
		}
		return out, true
	}
	if v.IsSet() {
		return []string{v.Str}, true
	}
	return nil, true
}

func sortedMapKeys(m map[string]string) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// bindCompVars sets COMP_WORDS, COMP_CWORD, COMP_LINE and COMP_POINT in
// the current (pushed) frame.
func (r *Runner) bindCompVars(ctx *compContext) {
	r.vars.ensureFrame()
	r.vars.setLocal("COMP_WORDS", expand.Variable{Set: true, Kind: expand.Indexed, List: append([]string(nil), ctx.words...)})
	r.vars.setLocal("COMP_CWORD", str(strconv.Itoa(ctx.cword)))
	r.vars.setLocal("COMP_LINE", str(ctx.line))
	r.vars.setLocal("COMP_POINT", str(strconv.Itoa(ctx.point)))
}

// compCommand runs the -C command with the command name, word and the
// previous word as arguments and COMP_LINE and COMP_POINT in its
// environment; each line it prints is a match.
func (r *Runner) compCommand(cmd string, ctx *compContext, word string) []string {
	src := cmd + " " + shellQuote(ctx.cmd) + " " + shellQuote(word) + " " + shellQuote(ctx.prev())
	f, err := parseAll([]byte(src), "complete")
	if err != nil {
		r.errf("compgen: %s", parseErrorText("", err)[1:])
		return nil
	}
	r.vars.pushFrame()
	r.bindCompVars(ctx)
	for _, n := range []string{"COMP_LINE", "COMP_POINT"} {
		v := r.vars.get(n)
		v.Exported = true
		r.vars.setLocal(n, v)
	}
	r.vars.envDirty = true
	var out bytes.Buffer
	err = r.cmdSubst(&out, &syntax.CmdSubst{Stmts: f.Stmts})
	r.vars.popFrame()
	r.vars.envDirty = true
	if err != nil {
		r.errf("compgen: %v", err)
		return nil
	}
	var ms []string
	for _, l := range strings.Split(strings.TrimRight(out.String(), "\n"), "\n") {
		if l != "" {
			ms = append(ms, l)
		}
	}
	return ms
}

func builtinCompopt(r *Runner, args []string) int {
	spec, fl, st := r.parseCompOptions("compopt", args[1:], "oDEI")
	if st != 0 {
		if st == 2 {
			fmt.Fprintln(r.errOut(), "compopt: usage: compopt [-o|+o option] [-DEI] [name ...]")
		}
		return st
	}
	names := append(fl.names, fl.special...)
	if len(names) == 0 {
		if r.compCtx == nil || r.compCtx.opts == nil {
			r.errf("compopt: not currently executing completion function")
			return 1
		}
		if len(spec.opts) == 0 && len(fl.plusOpts) == 0 {
			fmt.Fprintln(r.out(), compoptLine(r.compCtx.opts, ""))
			return 0
		}
		applyCompopt(r.compCtx.opts, spec.opts, fl.plusOpts)
		return 0
	}
	status := 0
	specs := r.compSpecs.clone()
	for _, n := range names {
		old := specs.byName[n]
		if old == nil {
			r.errf("compopt: %s: no completion specification", specialName(n))
			status = 1
			continue
		}
		if len(spec.opts) == 0 && len(fl.plusOpts) == 0 {
			fmt.Fprintln(r.out(), compoptLine(old.opts, specialName(n)))
			continue
		}
		s := *old
		s.opts = map[string]bool{}
		applyCompopt(s.opts, old.opts, nil)
		applyCompopt(s.opts, spec.opts, fl.plusOpts)
		specs.byName[n] = &s
	}
	r.compSpecs = specs
	return status
}

// applyCompopt turns the options on in dst on and those in off off.
func applyCompopt(dst, on, off map[string]bool) {
	for o := range on {
		dst[o] = true
	}
	for o := range off {
		delete(dst, o)
	}
}

// compoptLine is compopt's listing of opts for name.
func compoptLine(opts map[string]bool, name string) string {
	var b strings.Builder
	b.WriteString("compopt")
	for _, o := range compOptionNames {
		if opts[o] {
			b.WriteString(" -o " + o)
		} else {
			b.WriteString(" +o " + o)
		}
	}
	if name != "" {
		b.WriteString(" " + name)
	}
	return b.String()
}

// Completion is what Runner.Complete found for a command line.
type Completion struct {
	// Matches are the candidate words (whole words, not suffixes).
	Matches []string
	// Options are the spec's -o options after compopt, by name
	// (filenames, nospace, noquote, nosort, ...).
	Options map[string]bool
}

// Complete runs the completion spec complete stored for the command of
// an interactive command line: words are its words up to the cursor
// (words[0] the command name, words[cword] the word being completed),
// line and point the line and cursor offset. The command word itself
// (cword 0) follows the -I spec, or -E on an empty line; an argument the
// command's spec or else -D. It reports false when no spec applies (the
// caller then completes as usual).
func (r *Runner) Complete(words []string, cword int, line string, point int) (Completion, bool) {
	if len(words) == 0 || cword < 0 || cword >= len(words) {
		return Completion{}, false
	}
	name := words[0]
	var spec *compSpec
	switch {
	case cword == 0 && strings.TrimSpace(line) == "":
		spec = r.compSpecs.lookup(" E") // complete -E: an empty line
	case cword == 0:
		spec = r.compSpecs.lookup(" I") // complete -I: the command word
	default:
		spec = r.compSpecs.lookup(name)
		if spec == nil {
			spec = r.compSpecs.lookup(filepath.Base(name))
		}
		if spec == nil {
			spec = r.compSpecs.lookup(" D") // complete -D: the default
		}
	}
	if spec == nil {
		return Completion{}, false
	}
	ctx := &compContext{cmd: name, words: words, cword: cword, line: line, point: point,
		opts: map[string]bool{}}
	applyCompopt(ctx.opts, spec.opts, nil)
	matches, ok := r.generate(spec, ctx, words[cword])
	if !ok {
		return Completion{}, true
	}
	return Completion{Matches: matches, Options: ctx.opts}, true
}
