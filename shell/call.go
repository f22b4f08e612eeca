package shell

import (
	"errors"
	"fmt"
	"maps"
	"os"
	"path/filepath"
	"strings"
	"syscall"

	"gosh/exec"

	"mvdan.cc/sh/v3/expand"
	"mvdan.cc/sh/v3/syntax"
)

// call runs a simple command: assignments, then a function, a builtin or
// a program found in PATH.
func (r *Runner) call(ce *syntax.CallExpr) int { return r.callRedirected(ce, nil) }

// callRedirected runs a simple command with redirections rds. As in sh,
// the words are expanded before the redirections are applied: `$(cat) <f`
// reads the shell's stdin, and `tee >(wc -l) >/dev/null` prints the count.
func (r *Runner) callRedirected(ce *syntax.CallExpr, rds []*syntax.Redirect) int {
	if st := r.bangSubshell(ce, rds); st != nil {
		return r.stmtSync(st)
	}
	r.cmdSubstRan = false
	if len(ce.Args) == 0 {
		// Assignments only: they change the shell's variables.
		for _, as := range ce.Assigns {
			if err := r.assignTraced(as, false); err != nil {
				return r.assignError(err)
			}
		}
		r.setLastArg("") // as in bash: no command, no last argument
		if r.cmdSubstRan {
			return r.cmdSubstStatus
		}
		return 0
	}
	mark := r.procSubstMark()
	defer r.endProcSubsts(mark, true)
	args, err := r.fields(ce.Args...)
	if err != nil {
		return r.expandError(err)
	}
	if r.opts.Xtrace && len(args) > 0 && len(ce.Assigns) == 0 {
		// Before the redirections, as in bash: 2>file does not catch it.
		// Prefix assignments are traced one by one as they are made, and
		// the command after them (below).
		r.trace(quoteArgs(args))
	}
	if len(rds) > 0 {
		saved := r.fds
		defer r.enterRedirect(&saved)()
		r.fds = saved.clone()
		defer func() {
			r.fds.release()
			r.fds = saved
		}()
		if status := r.redirect(&r.fds, rds, false); status != 0 {
			return status
		}
	}
	if len(args) == 0 {
		for _, as := range ce.Assigns {
			if err := r.assignTraced(as, false); err != nil {
				return r.assignError(err)
			}
		}
		if r.cmdSubstRan {
			return r.cmdSubstStatus
		}
		return 0
	}
	name := args[0]
	r.setLastArg(args[len(args)-1])

	// Prefix assignments: for special builtins they persist; otherwise
	// they hold for this command only.
	if len(ce.Assigns) > 0 {
		// exec is special, but its assignments are for the program it
		// runs: they go into that program's environment.
		if isSpecialBuiltin(name) && name != "exec" && r.funcs[name] == nil {
			for _, as := range ce.Assigns {
				if err := r.assignTraced(as, false); err != nil {
					return r.assignError(err)
				}
			}
		} else {
			r.vars.pushTempFrame()
			r.vars.ensureFrame()
			for _, as := range ce.Assigns {
				if err := r.assignTraced(as, true); err != nil {
					var ro readonlyError
					if errors.As(err, &ro) {
						// bash reports x=1 cmd on a readonly x and
						// runs cmd without it.
						r.errf("%v", err)
						continue
					}
					r.vars.popFrame()
					return r.assignError(err)
				}
			}
			defer r.vars.popFrame()
		}
		if r.opts.Xtrace {
			r.trace(quoteArgs(args)) // after the assignments' lines, as in bash
		}
	}
	return r.run(args)
}

// bangSubshell reads the command !(list), which the parser took for an
// extended glob, as bash does without extglob: a negated subshell. It
// returns nil for any other command.
func (r *Runner) bangSubshell(ce *syntax.CallExpr, rds []*syntax.Redirect) *syntax.Stmt {
	if r.opts.ExtGlob || len(ce.Args) != 1 || len(ce.Assigns) > 0 || len(ce.Args[0].Parts) != 1 {
		return nil
	}
	eg, ok := ce.Args[0].Parts[0].(*syntax.ExtGlob)
	if !ok || eg.Op != syntax.GlobExcept {
		return nil
	}
	f, err := parseAll([]byte(eg.Pattern.Value), r.script)
	if err != nil {
		return nil
	}
	return &syntax.Stmt{Cmd: &syntax.Subshell{Stmts: f.Stmts}, Negated: true, Redirs: rds}
}

// run runs the command named args[0] with the runner's fd table.
func (r *Runner) run(args []string) int {
	name := args[0]
	if body := r.funcs[name]; body != nil {
		return r.callFunc(name, body, args[1:])
	}
	if b := builtins[name]; b != nil {
		return r.builtin(b, args)
	}
	return r.external(args, nil)
}

// builtin runs a builtin. One that failed to write its output fails, as
// in bash: type echo >/dev/full.
func (r *Runner) builtin(b builtinFunc, args []string) int {
	r.outErr = nil
	status := b(r, args)
	if r.outErr != nil && status == 0 && !r.exiting {
		r.errf("%s: write error: %v", args[0], unwrapSyscall(r.outErr))
		status = 1
	}
	r.outErr = nil
	return status
}

func (r *Runner) callFunc(name string, body *syntax.Stmt, args []string) int {
	if r.funcDepth >= maxFuncDepth {
		r.errf("%s: maximum function nesting level exceeded (%d)", name, maxFuncDepth)
		r.exit(1)
		return 1
	}
	oldParams := r.params
	r.params = args
	retTrap := r.traps["RETURN"]
	r.funcDepth++
	r.funcNames = append(r.funcNames, name) // innermost last (see FUNCNAME)
	r.pushCall(name, r.funcFile(name))
	defer r.popCall()
	r.vars.pushFrame()
	r.stmt(body)
	// Functions do not inherit the RETURN trap unless set -T is on; one
	// set while the function ran fires when it returns, still inside the
	// function (its locals, FUNCNAME and arguments are visible).
	if h := r.traps["RETURN"]; h != "" && (r.opts.Functrace || h != retTrap) && !r.exiting {
		returning := r.returning
		r.returning = false
		r.runTrap(h)
		r.returning = returning
	}
	r.vars.popFrame()
	r.funcNames = r.funcNames[:len(r.funcNames)-1]
	r.funcDepth--
	r.params = oldParams
	if r.returning {
		r.returning = false
	}
	return r.lastStatus
}

const maxFuncDepth = 1000

// lookPath finds the program for name: a path if it has a slash, else the
// first executable in PATH (cached in the hash table).
func (r *Runner) lookPath(name string) (string, error) {
	if strings.Contains(name, "/") {
		return r.path(name), nil
	}
	pathVar := r.vars.get("PATH").Str
	if pathVar != r.hashPATH {
		if r.subshell == 0 {
			clear(r.hash)
			r.hashPATH = pathVar
		}
	} else if p, ok := r.hash[name]; ok && (r.subshell == 0 || filepath.IsAbs(p)) {
		// (A subshell may have changed directory: a relative entry
		// is the parent's.)
		return r.path(p), nil
	}
	if r.subshell > 0 {
		if p, ok := r.sh.pathCache.Load(pathCacheKey(pathVar, name)); ok {
			return r.path(p.(string)), nil
		}
	}
	var firstNonExec string
	for _, dir := range filepath.SplitList(pathVar) {
		if dir == "" {
			dir = "." // an empty entry means the current directory
		}
		p := filepath.Join(dir, name)
		full := r.path(p)
		st, err := os.Stat(full)
		if err != nil || st.IsDir() {
			continue
		}
		if st.Mode()&0o111 == 0 || syscall.Access(full, 1) != nil {
			if firstNonExec == "" {
				firstNonExec = full
			}
			continue
		}
		if !filepath.IsAbs(dir) {
			// bash keeps a relative entry relative: ./prog, bin/prog.
			p = dir + "/" + name
		}
		r.setHash(name, p)
		return full, nil
	}
	if firstNonExec != "" {
		return firstNonExec, nil
	}
	return "", exec.ErrNoFile
}

// unhash forgets a cached path; as with setHash, a subshell leaves the
// table it shares with its parent alone.
func (r *Runner) unhash(name string) {
	if r.subshell == 0 {
		delete(r.hash, name)
	}
}

// unhashRelative forgets the programs found through relative PATH
// entries when the directory changes, so that such an entry is always
// searched from the current directory (bash would keep bin/prog and run
// the bin/prog of the new directory, or fail).
func (r *Runner) unhashRelative() {
	if r.subshell > 0 {
		return
	}
	maps.DeleteFunc(r.hash, func(_, p string) bool { return !filepath.IsAbs(p) })
}

func (r *Runner) setHash(name, path string) {
	if r.subshell > 0 {
		// A subshell's hash table is its parent's; leave it be, but
		// remember the search for the next pipeline stage.
		r.sh.pathCache.Store(pathCacheKey(r.vars.get("PATH").Str, name), path)
		return
	}
	r.hash[name] = path
}

// pathCacheKey keys the subshells' PATH search cache: a program name
// under one value of PATH.
func pathCacheKey(pathVar, name string) string { return name + "\x00" + pathVar }

// external runs a program and waits for it. extraEnv holds additional
// NAME=value pairs.
func (r *Runner) external(args []string, extraEnv []string) int {
	pgid := r.childPgroup()
	p, status := r.startExternal(args, pgid, r.fg)
	if p == nil {
		return status
	}
	return r.waitForeground([]*exec.Process{p}, args, pgid)
}

// startExternal starts args[0] as a child with the runner's fds. It
// returns the status to use when the start failed.
func (r *Runner) startExternal(args []string, pgid int, fg bool) (*exec.Process, int) {
	name := args[0]
	path, err := r.lookPath(name)
	if err != nil {
		r.errf("%s: command not found", name)
		return nil, 127
	}
	cmd := &exec.Cmd{Path: path, Args: args, Env: r.vars.environ(), Dir: r.dir,
		Files: r.fds.files(), Pgid: pgid}
	if fg && r.sh.term != nil && pgid >= 0 {
		cmd.Foreground = true
		cmd.Ctty = r.sh.term.Fd()
	}
	if r.hold {
		cmd.HoldReap = true
	}
	r.sh.ensureWatch()
	r.sh.hooks.beforeStart(cmd)
	if r.startHook != nil {
		r.startHook(cmd)
	}
	proc, err := exec.Start(cmd)
	if err != nil {
		return nil, r.startError(name, path, args, err)
	}
	if r.childHook != nil {
		r.childHook(proc)
	}
	return proc, 0
}

// startError turns a failed exec into the shell's message and status:
// 127 when the file is missing, 126 when it cannot be run; a file with no
// #! line (ENOEXEC) is run as a gosh script instead.
func (r *Runner) startError(name, path string, args []string, err error) int {
	switch {
	case errors.Is(err, syscall.ENOENT):
		if strings.Contains(name, "/") {
			if _, serr := os.Stat(path); serr == nil {
				// The file exists: its interpreter does not.
				r.errf("%s: bad interpreter: No such file or directory", name)
				return 126
			}
			r.errf("%s: No such file or directory", name)
		} else if h, cached := r.hash[name]; cached && r.hashPATH == r.vars.get("PATH").Str {
			// bash runs a hashed path without checking it first (shopt
			// checkhash is off) and keeps it: hash -r forgets it.
			r.errf("%s: No such file or directory", h)
		} else {
			r.unhash(name)
			r.sh.pathCache.Delete(pathCacheKey(r.vars.get("PATH").Str, name))
			r.errf("%s: command not found", name)
		}
		return 127
	case errors.Is(err, syscall.ENOEXEC):
		if isBinary(path) {
			r.errf("%s: cannot execute binary file: Exec format error", name)
			return 126
		}
		return r.runScriptFile(path, args)
	case errors.Is(err, syscall.EACCES):
		if st, serr := os.Stat(path); serr == nil && st.IsDir() {
			r.errf("%s: Is a directory", name)
		} else {
			r.errf("%s: Permission denied", name)
		}
		return 126
	case errors.Is(err, syscall.EAGAIN):
		r.errf("%s: cannot fork: Resource temporarily unavailable", name)
		return 126
	case errors.Is(err, syscall.EMFILE), errors.Is(err, syscall.ENFILE):
		r.errf("%s: cannot start: Too many open files", name)
		return 126
	}
	r.errf("%s: %v", name, unwrapSyscall(err))
	return 126
}

// runScriptFile runs a file without #! as a gosh script, in a new gosh
// process (as sh does, the script gets a fresh shell).
func (r *Runner) runScriptFile(path string, args []string) int {
	exe := r.sh.exe
	if exe == "" {
		r.errf("%s: cannot execute: Exec format error", args[0])
		return 126
	}
	nargs := append([]string{"gosh", path}, args[1:]...)
	pgid := r.childPgroup()
	p, status := r.startExternalPath(exe, nargs, pgid)
	if p == nil {
		return status
	}
	return r.waitForeground([]*exec.Process{p}, args, pgid)
}

func (r *Runner) startExternalPath(path string, args []string, pgid int) (*exec.Process, int) {
	cmd := &exec.Cmd{Path: path, Args: args, Env: r.vars.environ(), Dir: r.dir,
		Files: r.fds.files(), Pgid: pgid}
	if r.fg && r.sh.term != nil && pgid >= 0 {
		cmd.Foreground = true
		cmd.Ctty = r.sh.term.Fd()
	}
	r.sh.ensureWatch()
	proc, err := exec.Start(cmd)
	if err != nil {
		r.errf("%s: %v", args[0], unwrapSyscall(err))
		return nil, 126
	}
	return proc, 0
}

func isBinary(path string) bool {
	f, err := os.Open(path)
	if err != nil {
		return false
	}
	defer f.Close()
	var buf [256]byte
	n, _ := f.Read(buf[:])
	for _, c := range buf[:n] {
		if c == 0 {
			return true
		}
	}
	return false
}

func unwrapSyscall(err error) error {
	var errno syscall.Errno
	if errors.As(err, &errno) {
		return errnoText(errno)
	}
	return err
}

// errnoText returns strerror-style text with a capital letter, as sh prints.
func errnoText(e syscall.Errno) error {
	s := e.Error()
	if s != "" {
		s = strings.ToUpper(s[:1]) + s[1:]
	}
	return errors.New(s)
}

// assignTraced is assign for an assignment word of a simple command:
// under set -x each is traced on its own line, once its value is
// expanded and before it is made (so PS4 still sees the old value).
func (r *Runner) assignTraced(as *syntax.Assign, prefix bool) error {
	if !r.opts.Xtrace {
		return r.assign(as, prefix)
	}
	r.traceAssign = true
	defer func() { r.traceAssign = false }()
	return r.assign(as, prefix)
}

// assign performs one assignment. local makes it in the innermost frame
// (used for prefix assignments to a command, which are exported).
func (r *Runner) assign(as *syntax.Assign, prefix bool) error {
	name := as.Name.Value
	var v expand.Variable
	if as.Array != nil {
		if as.Index != nil {
			idx, _ := r.arithText(as.Index, textSource)
			return fmt.Errorf("%s[%s]: cannot assign list to array member", name, idx)
		}
		if r.traceAssign {
			r.traceAssign = false
			r.trace(nodeText(as))
		}
		return r.assignArray(as, prefix)
	}
	val, err := r.literal(r.colonTildes(as.Value))
	if err != nil {
		return err
	}
	if r.traceAssign {
		r.traceAssign = false
		r.trace(assignTraceText(as, val))
	}
	if as.Index != nil {
		return r.assignIndex(name, as.Index, val, as.Append)
	}
	old := r.vars.get(name)
	if as.Append && old.IsSet() {
		if old.Kind == expand.Indexed || old.Kind == expand.Associative {
			return r.assignIndex(name, nil, val, true)
		}
		if r.isInteger(name) {
			return r.setVarString(name, val, true)
		}
		val = old.Str + val
	}
	if prefix {
		v = expand.Variable{Set: true, Kind: expand.String, Str: val, Exported: true}
		if old.ReadOnly {
			return readonlyError(name)
		}
		r.vars.setLocal(name, v)
		return nil
	}
	return r.setVarString(name, val)
}

func (r *Runner) assignError(err error) int {
	if expansionError(err) {
		return r.expandError(err)
	}
	r.errf("%v", err)
	r.abandon()
	return 1
}

// abandon ends the top-level command after an error that bash does not
// treat as fatal outside posix mode (nor in an interactive shell): the
// shell goes on with the next line (a -c string ends).
func (r *Runner) abandon() {
	if r.optionOn(setOptions, "posix") && !r.opts.Interactive {
		r.exit(1)
		return
	}
	r.discard = true
}

// readonlyError is an assignment to a readonly variable, the name.
type readonlyError string

func (e readonlyError) Error() string { return string(e) + ": readonly variable" }

// expansionError reports an error of the expansion of an assignment's
// value (failglob included), which expandError handles, rather than of the
// assignment.
func expansionError(err error) bool {
	var se *statusError
	var de *discardError
	var ue expand.UnsetParameterError
	var fg *failGlobError
	return errors.As(err, &se) || errors.As(err, &de) || errors.As(err, &ue) || errors.As(err, &fg)
}
