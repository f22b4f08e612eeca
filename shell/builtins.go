package shell

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"syscall"

	"mvdan.cc/sh/v3/syntax"
)

// A builtinFunc runs a builtin with its argv (args[0] is its name) on the
// runner's fd table and returns its status.
type builtinFunc func(r *Runner, args []string) int

// builtins maps names to implementations; filled by init functions of the
// builtin_*.go files, one family each.
var builtins = map[string]builtinFunc{}

// specialBuiltins are POSIX special builtins: prefix assignments persist
// and their errors are fatal in a non-interactive shell.
var specialBuiltins = map[string]bool{
	":": true, ".": true, "break": true, "continue": true, "eval": true, "exec": true,
	"exit": true, "export": true, "readonly": true, "return": true, "set": true,
	"shift": true, "times": true, "trap": true, "unset": true,
}

func isSpecialBuiltin(name string) bool { return specialBuiltins[name] }

func init() {
	for name, f := range map[string]builtinFunc{
		":":        func(*Runner, []string) int { return 0 },
		"true":     func(*Runner, []string) int { return 0 },
		"false":    func(*Runner, []string) int { return 1 },
		"exit":     builtinExit,
		"return":   builtinReturn,
		"break":    builtinBreak,
		"continue": builtinBreak,
		"cd":       builtinCd,
		"pwd":      builtinPwd,
		"eval":     builtinEval,
		".":        builtinSource,
		"source":   builtinSource,
		"exec":     builtinExec,
		"shift":    builtinShift,
		"command":  builtinCommand,
		"builtin":  builtinBuiltin,
		"type":     builtinType,
		"hash":     builtinHash,
		"umask":    builtinUmask,
		"times":    builtinTimes,
		"alias":    builtinAlias,
		"unalias":  builtinUnalias,
		"getopts":  builtinGetopts,
		"let":      builtinLet,
		"help":     builtinHelp,
	} {
		builtins[name] = f
	}
}

// usage prints a builtin's usage error and returns 2.
func (r *Runner) usage(name, format string, a ...any) int {
	r.errf("%s: %s", name, fmt.Sprintf(format, a...))
	return 2
}

func builtinExit(r *Runner, args []string) int {
	status := r.lastStatus
	if len(args) > 1 {
		n, err := strconv.Atoi(args[1])
		if err != nil {
			r.errf("exit: %s: numeric argument required", args[1])
			status = 2
		} else {
			status = n & 0xff
		}
	}
	if len(args) > 2 {
		return r.tooManyArgs("exit")
	}
	r.exit(status)
	return status
}

func builtinReturn(r *Runner, args []string) int {
	if r.funcDepth == 0 && r.sourceDepth == 0 {
		r.errf("return: can only `return' from a function or sourced script")
		return 2 // a usage error, as in bash
	}
	if len(args) > 2 {
		return r.tooManyArgs("return")
	}
	status := r.lastStatus
	if len(args) > 1 {
		n, err := strconv.Atoi(args[1])
		if err != nil {
			r.errf("return: %s: numeric argument required", args[1])
			status = 2
		} else {
			status = n & 0xff
		}
	}
	r.returning = true
	r.lastStatus = status
	return status
}

// tooManyArgs reports extra operands of the special builtin name. As in
// bash, it abandons the top-level command (posix mode: ends the shell).
func (r *Runner) tooManyArgs(name string) int {
	r.errf("%s: too many arguments", name)
	r.abandon()
	return 1
}

func builtinBreak(r *Runner, args []string) int {
	n := 1
	if len(args) > 2 {
		return r.tooManyArgs(args[0])
	}
	if len(args) > 1 {
		var err error
		n, err = strconv.Atoi(args[1])
		switch {
		case err != nil:
			// bash: the loop is left, as by break 1, with status 1.
			r.errf("%s: %s: numeric argument required", args[0], args[1])
			if r.loopDepth > 0 {
				r.breakN = 1
			}
			return 1
		case n < 1:
			r.errf("%s: %s: loop count out of range", args[0], args[1])
			return 1
		}
	}
	if r.loopDepth == 0 {
		// Status 0 as in bash and dash; bash also says why.
		r.errf("%s: only meaningful in a `for', `while', or `until' loop", args[0])
		return 0
	}
	if n > r.loopDepth {
		n = r.loopDepth
	}
	if args[0] == "break" {
		r.breakN = n
	} else {
		r.contN = n
	}
	return 0
}

func builtinCd(r *Runner, args []string) int {
	args = args[1:]
	physical := false
	for len(args) > 0 && strings.HasPrefix(args[0], "-") && args[0] != "-" {
		if args[0] == "--" {
			args = args[1:]
			break
		}
		switch args[0] {
		case "-P":
			physical = true
		case "-L":
			physical = false
		default:
			return r.usage("cd", "%s: invalid option", args[0])
		}
		args = args[1:]
	}
	var dir string
	print := false
	switch len(args) {
	case 0:
		home := r.vars.get("HOME")
		if !home.IsSet() {
			r.errf("cd: HOME not set")
			return 1
		}
		dir = home.Str
	case 1:
		dir = args[0]
		if dir == "-" {
			old := r.vars.get("OLDPWD")
			if !old.IsSet() {
				r.errf("cd: OLDPWD not set")
				return 1
			}
			dir = old.Str
			print = true
		}
	default:
		r.errf("cd: too many arguments")
		return 1
	}
	target := ""
	if !filepath.IsAbs(dir) && !strings.HasPrefix(dir, "./") && !strings.HasPrefix(dir, "../") && dir != "." && dir != ".." {
		if cdpath := r.vars.get("CDPATH"); cdpath.IsSet() && cdpath.Str != "" {
			for _, base := range filepath.SplitList(cdpath.Str) {
				if base == "" {
					continue
				}
				cand := filepath.Join(r.path(base), dir)
				if st, err := os.Stat(cand); err == nil && st.IsDir() {
					target = cand
					print = true
					break
				}
			}
		}
	}
	if target == "" {
		raw := dir
		if !filepath.IsAbs(dir) {
			raw = r.dir + "/" + dir
		}
		// A/.. needs A to exist, as in bash: check before cleaning.
		if strings.Contains(dir, "..") {
			if _, err := os.Stat(raw); err != nil {
				r.errf("cd: %s: %v", dir, unwrapSyscall(err.(*os.PathError).Err))
				return 1
			}
		}
		target = filepath.Clean(raw)
	}
	if physical {
		if p, err := filepath.EvalSymlinks(target); err == nil {
			target = p
		}
	}
	st, err := os.Stat(target)
	if err != nil {
		r.errf("cd: %s: %v", dir, unwrapSyscall(err.(*os.PathError).Err))
		return 1
	}
	if !st.IsDir() {
		r.errf("cd: %s: Not a directory", dir)
		return 1
	}
	if err := syscall.Access(target, 1); err != nil {
		r.errf("cd: %s: Permission denied", dir)
		return 1
	}
	if r.subshell == 0 {
		if err := os.Chdir(target); err != nil {
			r.errf("cd: %s: %v", dir, unwrapSyscall(err.(*os.PathError).Err))
			return 1
		}
	}
	r.setVarString("OLDPWD", r.dir)
	if v := r.vars.get("OLDPWD"); !v.Exported {
		v.Exported = true // bash exports OLDPWD
		r.vars.set("OLDPWD", v)
		r.vars.envDirty = true
	}
	r.dir = target
	r.unhashRelative()
	r.setVarString("PWD", target)
	if print {
		fmt.Fprintln(r.out(), target)
	}
	return 0
}

func sameDir(a, b string) bool {
	sa, err1 := os.Stat(a)
	sb, err2 := os.Stat(b)
	return err1 == nil && err2 == nil && os.SameFile(sa, sb)
}

func builtinPwd(r *Runner, args []string) int {
	dir := r.dir
	for _, a := range args[1:] {
		switch a {
		case "-P":
			if p, err := filepath.EvalSymlinks(dir); err == nil {
				dir = p
			}
		case "-L":
		default:
			if strings.HasPrefix(a, "-") {
				return r.usage("pwd", "%s: invalid option", a)
			}
			// bash ignores operands
		}
	}
	fmt.Fprintln(r.out(), dir)
	return 0
}

func builtinEval(r *Runner, args []string) int {
	args = args[1:]
	if len(args) > 0 && args[0] == "--" {
		args = args[1:]
	} else if len(args) > 0 && len(args[0]) > 1 && args[0][0] == '-' {
		r.errf("eval: %s: invalid option", args[0])
		fmt.Fprintln(r.fds.writer(2), "eval: usage: eval [arg ...]")
		return 2
	}
	src := strings.Join(args, " ")
	if strings.TrimSpace(src) == "" {
		return 0
	}
	if r.evalDepth >= maxFuncDepth {
		return r.tooDeep("eval")
	}
	// Pad with newlines so LINENO and messages count from the eval's
	// own line, as bash does.
	pad := strings.Repeat("\n", int(max(r.line, 1))-1)
	f, err := parseAll([]byte(pad+src), "eval")
	if err != nil {
		r.errf("eval: %s", parseErrorText("", err)[1:])
		r.lastStatus = 2
		return 2
	}
	r.evalDepth++
	r.lineStmts(f.Stmts)
	r.evalDepth--
	r.discard = false // a failglob error ends only the eval
	return r.lastStatus
}

func builtinSource(r *Runner, args []string) int {
	if len(args) > 1 && args[1] == "--" {
		args = append([]string{args[0]}, args[2:]...)
	}
	if len(args) < 2 {
		r.errf("%s: filename argument required", args[0])
		return 2
	}
	name := args[1]
	path := name
	if !strings.Contains(name, "/") {
		// POSIX: search PATH; bash then falls back to the current dir.
		path = ""
		for _, dir := range filepath.SplitList(r.vars.get("PATH").Str) {
			if dir == "" {
				dir = "."
			}
			cand := r.path(filepath.Join(dir, name))
			if st, err := os.Stat(cand); err == nil && st.Mode().IsRegular() {
				path = cand
				break
			}
		}
		if path == "" {
			path = r.path(name)
		}
	} else {
		path = r.path(name)
	}
	// A file that cannot be read fails the command, as in bash; under
	// set -o posix it ends a non-interactive shell, as POSIX and dash
	// say. One that does not parse is an error of this command only.
	src, err := os.ReadFile(path)
	if err != nil {
		var pe *os.PathError
		if errors.As(err, &pe) {
			err = pe.Err
		}
		r.errf("%s: %v", name, unwrapSyscall(err))
		if !r.opts.Interactive && r.setOption("posix").get(r) {
			r.exit(1)
		}
		return 1
	}
	if r.sourceDepth >= maxFuncDepth {
		return r.tooDeep(args[0])
	}
	oldParams := r.params
	if len(args) > 2 {
		r.params = args[2:]
	}
	r.sourceDepth++
	oldLine := r.line
	f, perr := parseAll(src, name)
	if perr != nil {
		r.sh.stderrMu.Lock()
		fmt.Fprintf(r.fds.writer(2), "gosh: %s\n", parseErrorText(name, perr))
		r.sh.stderrMu.Unlock()
		r.lastStatus = 2
	} else {
		r.pushCall("source", name)
		oldScript := r.script
		r.script = name
		r.lineStmts(f.Stmts)
		r.discard = false // a failglob error ends only the sourced file's line
		// The RETURN trap also fires when a sourced file ends (in a
		// function only under set -T, which lets functions inherit it).
		if h := r.traps["RETURN"]; h != "" && (r.funcDepth == 0 || r.opts.Functrace) && !r.exiting {
			returning, status := r.returning, r.lastStatus
			if returning {
				r.lastStatus = 0 // bash: $? there is return's own status
			}
			r.returning = false
			r.runTrap(h)
			r.returning = returning
			if !r.exiting {
				r.lastStatus = status
			}
		}
		r.script = oldScript
		r.popCall()
	}
	r.line = oldLine
	r.sourceDepth--
	if len(args) > 2 {
		r.params = oldParams
	}
	if r.returning && r.funcDepth == 0 {
		r.returning = false
	} else if r.returning && r.sourceDepth >= 0 {
		r.returning = false
	}
	return r.lastStatus
}

func builtinShift(r *Runner, args []string) int {
	n := 1
	if len(args) > 2 {
		return r.tooManyArgs("shift")
	}
	if len(args) > 1 {
		var err error
		n, err = strconv.Atoi(args[1])
		if err != nil || n < 0 {
			r.errf("shift: %s: numeric argument required", args[1])
			return 1
		}
	}
	if n > len(r.params) {
		if !r.opts.Interactive {
			r.errf("shift: shift count out of range")
		}
		return 1
	}
	r.params = r.params[n:]
	return 0
}

func builtinCommand(r *Runner, args []string) int {
	args = args[1:]
	mode := ""
	defaultPath := false
	for len(args) > 0 && strings.HasPrefix(args[0], "-") && len(args[0]) > 1 {
		a := args[0]
		args = args[1:]
		if a == "--" {
			break
		}
		for _, c := range a[1:] {
			switch c {
			case 'v', 'V':
				mode = string(c)
			case 'p':
				defaultPath = true
			default:
				return r.usage("command", "-%c: invalid option", c)
			}
		}
	}
	if len(args) == 0 {
		return 0
	}
	switch mode {
	case "v", "V":
		status := 0
		for _, name := range args {
			if !r.describe(name, mode == "V", false, false) {
				status = 1
				if mode == "V" {
					r.errf("command: %s: not found", name)
				}
			}
		}
		return status
	}
	// Skip functions.
	if b := builtins[args[0]]; b != nil {
		return r.builtin(b, args)
	}
	if defaultPath && !strings.Contains(args[0], "/") {
		// command -p: search the system's standard PATH instead of $PATH.
		for _, dir := range []string{"/usr/local/bin", "/usr/bin", "/bin", "/usr/sbin", "/sbin"} {
			p := filepath.Join(dir, args[0])
			if st, err := os.Stat(p); err == nil && st.Mode().IsRegular() && st.Mode()&0o111 != 0 {
				return r.external(append([]string{p}, args[1:]...), nil)
			}
		}
		r.errf("%s: command not found", args[0])
		return 127
	}
	return r.external(args, nil)
}

// builtinBuiltin runs a shell builtin, bypassing functions of that name.
func builtinBuiltin(r *Runner, args []string) int {
	args = args[1:]
	if len(args) > 0 && args[0] == "--" {
		args = args[1:]
	}
	if len(args) == 0 {
		return 0
	}
	b := builtins[args[0]]
	if b == nil {
		r.errf("builtin: %s: not a shell builtin", args[0])
		return 1
	}
	return r.builtin(b, args)
}

// describe prints what name is for type and command -v/-V. It reports
// whether name was found.
func (r *Runner) describe(name string, verbose, all, pathOnly bool) bool {
	found := false
	w := r.out()
	if !pathOnly {
		if a, ok := r.aliases[name]; ok {
			found = true
			if verbose {
				fmt.Fprintf(w, "%s is aliased to `%s'\n", name, a)
			} else {
				fmt.Fprintf(w, "alias %s=%s\n", name, shellQuote(a))
			}
			if !all {
				return true
			}
		}
		if syntax.IsKeyword(name) {
			found = true
			if verbose {
				fmt.Fprintf(w, "%s is a shell keyword\n", name)
			} else {
				fmt.Fprintln(w, name)
			}
			if !all {
				return true
			}
		}
		if body := r.funcs[name]; body != nil {
			found = true
			if verbose {
				fmt.Fprintf(w, "%s is a function\n%s\n", name, funcText(name, body))
			} else {
				fmt.Fprintln(w, name)
			}
			if !all {
				return true
			}
		}
		if builtins[name] != nil {
			found = true
			if verbose {
				fmt.Fprintf(w, "%s is a shell builtin\n", name)
			} else {
				fmt.Fprintln(w, name)
			}
			if !all {
				return true
			}
		}
	}
	paths := r.lookAll(name, all)
	for _, p := range paths {
		found = true
		if verbose {
			if h, ok := r.hash[name]; ok && r.path(h) == p && !all {
				fmt.Fprintf(w, "%s is hashed (%s)\n", name, p)
			} else {
				fmt.Fprintf(w, "%s is %s\n", name, p)
			}
		} else {
			fmt.Fprintln(w, p)
		}
	}
	return found
}

// lookAll finds name in PATH: the first match, or all of them.
func (r *Runner) lookAll(name string, all bool) []string {
	if strings.Contains(name, "/") {
		p := r.path(name)
		if st, err := os.Stat(p); err == nil && !st.IsDir() && st.Mode()&0o111 != 0 {
			return []string{name}
		}
		return nil
	}
	var out []string
	for _, dir := range filepath.SplitList(r.vars.get("PATH").Str) {
		if dir == "" {
			dir = "."
		}
		p := filepath.Join(dir, name)
		st, err := os.Stat(r.path(p))
		if err != nil || st.IsDir() || st.Mode()&0o111 == 0 {
			continue
		}
		out = append(out, p)
		if !all {
			break
		}
	}
	return out
}

// funcText prints a function as bash's declare -f and type do: the
// header "name () ", the body's braces on lines of their own and each
// top-level command of the body on its own line, indented by four spaces.
// Commands keep the layout mvdan's printer gives them.
func funcText(name string, body *syntax.Stmt) string {
	var b strings.Builder
	b.WriteString(name + " () \n{ \n")
	stmts := []*syntax.Stmt{body}
	if blk, ok := body.Cmd.(*syntax.Block); ok && len(body.Redirs) == 0 {
		stmts = blk.Stmts
	}
	pr := syntax.NewPrinter(syntax.Indent(4))
	for _, st := range stmts {
		var sb strings.Builder
		pr.Print(&sb, st)
		for _, line := range strings.Split(strings.TrimRight(sb.String(), "\n"), "\n") {
			if line != "" {
				line = "    " + line
			}
			b.WriteString(line + "\n")
		}
	}
	b.WriteString("}")
	return b.String()
}

func builtinType(r *Runner, args []string) int {
	args = args[1:]
	all, tflag, pflag, forcePath, noFuncs := false, false, false, false, false
	for len(args) > 0 && strings.HasPrefix(args[0], "-") && len(args[0]) > 1 {
		for _, c := range args[0][1:] {
			switch c {
			case 'a':
				all = true
			case 't':
				tflag = true
			case 'p':
				pflag = true
			case 'P':
				pflag, forcePath = true, true
			case 'f':
				noFuncs = true
			default:
				return r.usage("type", "-%c: invalid option", c)
			}
		}
		args = args[1:]
	}
	status := 0
	for _, name := range args {
		if noFuncs && r.funcs[name] != nil {
			// -f: look the name up as if no function had it.
			saved := r.funcs
			r.funcs = map[string]*syntax.Stmt{}
			if !r.describe(name, true, all, false) {
				status = 1
			}
			r.funcs = saved
			continue
		}
		if tflag {
			kind := ""
			switch {
			case r.aliases[name] != "":
				kind = "alias"
			case syntax.IsKeyword(name):
				kind = "keyword"
			case r.funcs[name] != nil:
				kind = "function"
			case builtins[name] != nil:
				kind = "builtin"
			case len(r.lookAll(name, false)) > 0:
				kind = "file"
			}
			if kind == "" {
				status = 1
				continue
			}
			fmt.Fprintln(r.out(), kind)
			continue
		}
		other := !forcePath && (r.aliases[name] != "" || syntax.IsKeyword(name) ||
			r.funcs[name] != nil || builtins[name] != nil)
		if pflag && other && !all {
			// -p prints only files; a name that is something else first
			// prints nothing and is found.
			continue
		}
		if pflag {
			ps := r.lookAll(name, all)
			if len(ps) == 0 && !other {
				status = 1
			}
			for _, p := range ps {
				fmt.Fprintln(r.out(), p)
			}
			continue
		}
		if !r.describe(name, true, all, false) {
			r.errf("type: %s: not found", name)
			status = 1
		}
	}
	return status
}

func builtinHash(r *Runner, args []string) int {
	args = args[1:]
	if len(args) == 0 {
		if len(r.hash) == 0 {
			fmt.Fprintln(r.out(), "hash: hash table empty")
			return 0
		}
		names := make([]string, 0, len(r.hash))
		for n := range r.hash {
			names = append(names, n)
		}
		sort.Strings(names)
		for _, n := range names {
			fmt.Fprintf(r.out(), "%s\n", r.hash[n])
		}
		return 0
	}
	status := 0
	for _, a := range args {
		if a == "-r" {
			for k := range r.hash {
				delete(r.hash, k)
			}
			continue
		}
		delete(r.hash, a)
		if _, err := r.lookPath(a); err != nil || builtins[a] != nil {
			if builtins[a] == nil {
				r.errf("hash: %s: not found", a)
				status = 1
			}
		}
	}
	return status
}

func builtinUmask(r *Runner, args []string) int {
	args = args[1:]
	symbolic, reusable := false, false
	for len(args) > 0 && len(args[0]) > 1 && args[0][0] == '-' {
		if args[0] == "--" {
			args = args[1:]
			break
		}
		for _, c := range args[0][1:] {
			switch c {
			case 'S':
				symbolic = true
			case 'p':
				reusable = true
			default:
				r.errf("umask: -%c: invalid option", c)
				fmt.Fprintln(r.fds.writer(2), "umask: usage: umask [-p] [-S] [mode]")
				return 2
			}
		}
		args = args[1:]
	}
	old := syscall.Umask(0)
	syscall.Umask(old)
	if len(args) == 0 {
		prefix := ""
		if reusable {
			prefix = "umask "
			if symbolic {
				prefix = "umask -S "
			}
		}
		if symbolic {
			perm := ^old & 0o777
			part := func(shift uint) string {
				s := ""
				for i, c := range "rwx" {
					if perm>>(shift+uint(2-i))&1 == 1 {
						s += string(c)
					}
				}
				return s
			}
			fmt.Fprintf(r.out(), "%su=%s,g=%s,o=%s\n", prefix, part(6), part(3), part(0))
		} else {
			fmt.Fprintf(r.out(), "%s%04o\n", prefix, old)
		}
		return 0
	}
	if len(args) > 1 {
		r.errf("umask: too many arguments")
		return 2
	}
	mode := args[0]
	if mode == "" {
		return 1 // bash fails without a message
	}
	if mode[0] >= '0' && mode[0] <= '9' {
		n, err := strconv.ParseUint(mode, 8, 32)
		if err != nil || n > 0o777 {
			r.errf("umask: %s: octal number out of range", mode)
			return 1
		}
		syscall.Umask(int(n))
		return 0
	}
	perm, err := symbolicPerm(mode, ^old&0o777)
	if err != nil {
		r.errf("umask: %v", err)
		return 1
	}
	syscall.Umask(^perm & 0o777)
	return 0
}

// symbolicPerm applies a chmod-style mode ("u+x,go-w", "a=rx") to perm.
func symbolicPerm(mode string, perm int) (int, error) {
	for _, clause := range strings.Split(mode, ",") {
		i := 0
		who := 0
		for ; i < len(clause); i++ {
			switch clause[i] {
			case 'u':
				who |= 0o700
			case 'g':
				who |= 0o070
			case 'o':
				who |= 0o007
			case 'a':
				who |= 0o777
			default:
				goto ops
			}
		}
	ops:
		if who == 0 {
			who = 0o777
		}
		if i >= len(clause) {
			return 0, fmt.Errorf("`%c': invalid symbolic mode operator", clauseEnd(clause))
		}
		for i < len(clause) {
			op := clause[i]
			if op != '+' && op != '-' && op != '=' {
				return 0, fmt.Errorf("`%c': invalid symbolic mode operator", op)
			}
			i++
			bits := 0
			for ; i < len(clause) && strings.IndexByte("rwx", clause[i]) >= 0; i++ {
				bits |= map[byte]int{'r': 0o444, 'w': 0o222, 'x': 0o111}[clause[i]]
			}
			if i < len(clause) && strings.IndexByte("+-=", clause[i]) < 0 {
				return 0, fmt.Errorf("`%c': invalid symbolic mode character", clause[i])
			}
			bits &= who
			switch op {
			case '+':
				perm |= bits
			case '-':
				perm &^= bits
			case '=':
				perm = perm&^who | bits
			}
		}
	}
	return perm, nil
}

func clauseEnd(s string) byte {
	if s == "" {
		return ','
	}
	return s[len(s)-1]
}

func builtinTimes(r *Runner, args []string) int {
	var self, kids syscall.Rusage
	syscall.Getrusage(syscall.RUSAGE_SELF, &self)
	syscall.Getrusage(syscall.RUSAGE_CHILDREN, &kids)
	f := func(tv syscall.Timeval) string {
		s := float64(tv.Sec) + float64(tv.Usec)/1e6
		m := int(s / 60)
		return fmt.Sprintf("%dm%.3fs", m, s-float64(m*60))
	}
	fmt.Fprintf(r.out(), "%s %s\n%s %s\n", f(self.Utime), f(self.Stime), f(kids.Utime), f(kids.Stime))
	return 0
}

// builtinAlias defines and lists aliases (see alias.go for expansion).
// Listings quote every value, as bash does: alias ll='ls -l'.
func builtinAlias(r *Runner, args []string) int {
	args = args[1:]
	for len(args) > 0 && (args[0] == "-p" || args[0] == "--") {
		args = args[1:]
	}
	show := func(name, val string) {
		fmt.Fprintf(r.out(), "alias %s='%s'\n", name, strings.ReplaceAll(val, "'", `'\''`))
	}
	if len(args) == 0 {
		names := make([]string, 0, len(r.aliases))
		for n := range r.aliases {
			if !strings.HasPrefix(n, "\x00") {
				names = append(names, n)
			}
		}
		sort.Strings(names)
		for _, n := range names {
			show(n, r.aliases[n])
		}
		return 0
	}
	status := 0
	for _, a := range args {
		name, val, ok := strings.Cut(a, "=")
		if !ok {
			v, found := r.aliases[name]
			if !found || strings.HasPrefix(name, "\x00") {
				r.errf("alias: %s: not found", name)
				status = 1
				continue
			}
			show(name, v)
			continue
		}
		if name == "" || strings.ContainsAny(name, "/$`=\"' \t\n;&|()<>\\\x00") {
			r.errf("alias: `%s': invalid alias name", name)
			status = 1
			continue
		}
		m := make(map[string]string, len(r.aliases)+2)
		for k, v := range r.aliases {
			m[k] = v
		}
		m[name] = val
		m[aliasDefKey(name)] = fmt.Sprintf("%s\x00%d", r.script, r.line)
		r.aliases = m
	}
	return status
}

func builtinUnalias(r *Runner, args []string) int {
	args = args[1:]
	if len(args) > 0 && args[0] == "--" {
		args = args[1:]
	}
	if len(args) == 0 {
		r.errf("unalias: usage: unalias [-a] name [name ...]")
		return 2
	}
	m := make(map[string]string, len(r.aliases))
	for k, v := range r.aliases {
		m[k] = v
	}
	status := 0
	for _, a := range args {
		if a == "-a" {
			m = map[string]string{}
			continue
		}
		if _, ok := m[a]; !ok || strings.HasPrefix(a, "\x00") {
			r.errf("unalias: %s: not found", a)
			status = 1
			continue
		}
		delete(m, a)
		delete(m, aliasDefKey(a))
	}
	r.aliases = m
	return status
}

func builtinLet(r *Runner, args []string) int {
	if len(args) < 2 {
		r.errf("let: expression expected")
		return 1
	}
	n := 0
	for _, a := range args[1:] {
		var err error
		n, err = r.arithString(a)
		if err != nil {
			r.errf("let: %v", err)
			return 1
		}
	}
	if n == 0 {
		return 1
	}
	return 0
}

func builtinHelp(r *Runner, args []string) int {
	names := make([]string, 0, len(builtins))
	for n := range builtins {
		names = append(names, n)
	}
	sort.Strings(names)
	if len(args) > 1 && args[1] == "--" {
		args = append(args[:1:1], args[2:]...)
	}
	if len(args) > 1 {
		status := 0
		for _, a := range args[1:] {
			if u, ok := builtinUsage[a]; ok {
				fmt.Fprintf(r.out(), "%s: %s\n", a, u)
			} else if builtins[a] != nil {
				fmt.Fprintf(r.out(), "%s: shell builtin\n", a)
			} else {
				r.errf("help: no help topics match `%s'", a)
				status = 1
			}
		}
		return status
	}
	fmt.Fprintf(r.out(), "gosh %s builtins:\n", Version)
	for _, n := range names {
		if u, ok := builtinUsage[n]; ok {
			fmt.Fprintf(r.out(), "  %s\n", u)
		} else {
			fmt.Fprintf(r.out(), "  %s\n", n)
		}
	}
	return 0
}

// builtinUsage gives the synopsis shown by help.
var builtinUsage = map[string]string{
	"cd":      "cd [-L|-P] [dir]",
	"echo":    "echo [-neE] [arg ...]",
	"exit":    "exit [n]",
	"export":  "export [-fn] [-p] [name[=value] ...]",
	"read":    "read [-ers] [-a array] [-d delim] [-n nchars] [-N nchars] [-p prompt] [-t timeout] [-u fd] [name ...]",
	"printf":  "printf [-v var] format [arguments]",
	"set":     "set [-abefhkmnptuvxBCHP] [-o option-name] [--] [arg ...]",
	"trap":    "trap [-lp] [[arg] signal_spec ...]",
	"wait":    "wait [-n] [id ...]",
	"kill":    "kill [-s sigspec | -n signum | -sigspec] pid | jobspec ... or kill -l [sigspec]",
	"test":    "test [expr]",
	"type":    "type [-afptP] name [name ...]",
	"builtin": "builtin shell-builtin [arg ...]",
	"command": "command [-pVv] command [arg ...]",
	"ulimit":  "ulimit [-SHabcdefiklmnpqrstuvxPT] [limit]",
	"umask":   "umask [-p] [-S] [mode]",
	"mkfifo":  "mkfifo [-m mode] name ...",
	"trace":   "trace [-o file] [-f table|json|chrome|svg] pipeline",
}

// shellQuote quotes s for re-reading by the shell.
func shellQuote(s string) string {
	if s == "" {
		return "''"
	}
	safe := true
	for _, c := range s {
		if !(c == '_' || c == '-' || c == '.' || c == '/' || c == ',' || c == ':' || c == '+' || c == '=' || c == '@' || c == '%' ||
			(c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')) {
			safe = false
			break
		}
	}
	if safe {
		return s
	}
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}

// quoteArgs joins args quoted for xtrace and job texts, as bash's
// xtrace shows them: a lone quote as \', control characters as $'...'.
func quoteArgs(args []string) string {
	q := make([]string, len(args))
	for i, a := range args {
		switch {
		case a == "'":
			q[i] = `\'`
		case hasControl(a) && a != "\t" && !strings.Contains(a, "\n"):
			q[i] = ansiQuote(a)
		default:
			q[i] = shellQuote(a)
		}
	}
	return strings.Join(q, " ")
}
