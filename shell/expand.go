package shell

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"maps"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"syscall"

	"gosh/exec"

	"golang.org/x/sys/unix"
	"mvdan.cc/sh/v3/expand"
	"mvdan.cc/sh/v3/syntax"
)

// cfg returns the expansion config wired to this runner: its variables,
// command and process substitution, and globbing relative to its dir.
func (r *Runner) cfg() *expand.Config {
	if r.expCfg == nil {
		r.expCfg = &expand.Config{
			Env:       runnerEnv{r},
			CmdSubst:  r.cmdSubst,
			ProcSubst: r.procSubst,
			ReadDir2:  r.globReadDir,
		}
	}
	c := r.expCfg
	c.NoUnset = r.opts.Nounset
	c.NullGlob = r.opts.NullGlob
	c.DotGlob = r.opts.DotGlob
	c.ExtGlob = r.opts.ExtGlob
	c.GlobStar = r.opts.GlobStar
	c.NoCaseGlob = r.opts.NoCaseGlob
	if r.opts.Noglob {
		c.ReadDir2 = nil
	} else if c.ReadDir2 == nil {
		c.ReadDir2 = r.globReadDir
	}
	return c
}

// globReadDir lists a directory for pathname expansion. A directory that
// cannot be read (no permission, or a /proc entry whose process exited
// meanwhile) has no matches, as in sh, instead of failing the expansion;
// a missing path and a non-directory are reported, as expand needs them
// to tell what exists.
func (r *Runner) globReadDir(dir string) ([]os.DirEntry, error) {
	ents, err := os.ReadDir(r.path(dir))
	if err != nil && !errors.Is(err, fs.ErrNotExist) && !errors.Is(err, syscall.ENOTDIR) {
		return nil, nil
	}
	return ents, err
}

// path resolves name against the runner's directory.
func (r *Runner) path(name string) string {
	if name == "" || filepath.IsAbs(name) {
		return name
	}
	return filepath.Join(r.dir, name)
}

func (r *Runner) fields(words ...*syntax.Word) ([]string, error) {
	words = r.fixAssocLen(words)
	if fs, ok := r.quickFields(words); ok {
		return fs, nil // nothing to split or glob
	}
	defer r.dropParamTmps(len(r.paramTmps))
	words, err := r.fixWords(words)
	if err != nil {
		return nil, err
	}
	if words, err = expandBraces(words); err != nil {
		return nil, err
	}
	need := globNeed{r: r}
	for _, w := range words {
		if need.word(w) {
			return r.fieldsGlob(words)
		}
	}
	return r.fieldsExpand(nil, words...)
}

// fieldsExpand appends the fields of words, expanded by expand.
func (r *Runner) fieldsExpand(out []string, words ...*syntax.Word) ([]string, error) {
	var fs []string
	var err error
	if ifs := r.vars.get("IFS"); ifs.IsSet() && ifsNeedsSplit(ifs.Str) {
		fs, err = r.fieldsIFS(ifs.Str, words)
	} else {
		fs, err = expand.Fields(r.cfg(), words...)
	}
	if out == nil || err != nil {
		return fs, err
	}
	return append(out, fs...), nil
}

func (r *Runner) literal(w *syntax.Word) (string, error) {
	if s, ok := r.quickLiteral(w); ok {
		return s, nil
	}
	defer r.dropParamTmps(len(r.paramTmps))
	w, err := r.fixWord(w)
	if err != nil {
		return "", err
	}
	w = r.emptyHomeTilde(w)
	return expand.Literal(r.cfg(), literalWord(r.fixAssocLen([]*syntax.Word{w})[0]))
}

func (r *Runner) pattern(w *syntax.Word) (string, error) {
	defer r.dropParamTmps(len(r.paramTmps))
	w, err := r.fixWord(w)
	if err != nil {
		return "", err
	}
	if w, err = r.extGlobWord(r.emptyHomeTilde(w)); err != nil {
		return "", err
	}
	return expand.Pattern(r.cfg(), w)
}

func (r *Runner) document(w *syntax.Word) (string, error) {
	defer r.dropParamTmps(len(r.paramTmps))
	w, err := r.fixWord(w)
	if err != nil {
		return "", err
	}
	return expand.Document(r.cfg(), w)
}

func (r *Runner) arith(x syntax.ArithmExpr) (int, error) {
	if n, ok := r.quickArith(x); ok {
		return n, nil
	}
	return r.arithEval(x, textCommand)
}

// errExpansionFatal wraps errors that end a non-interactive shell.
type statusError struct {
	status int
	msg    string
}

func (e *statusError) Error() string { return e.msg }

// expandError reports an expansion error. As in sh, a non-interactive
// shell exits on one; the status is 1.
func (r *Runner) expandError(err error) int {
	var de *discardError
	if errors.As(err, &de) {
		r.errf("%s", de.msg)
		r.discard = true
		return 1
	}
	var se *statusError
	if errors.As(err, &se) {
		if se.msg != "" {
			r.errf("%s", se.msg)
		}
		return se.status
	}
	var fg *failGlobError
	if errors.As(err, &fg) {
		return r.failGlob(fg)
	}
	var ae *arithError
	if errors.As(err, &ae) {
		// bash goes on with the next line (set -u's unset name, not an
		// arithError, still ends the shell).
		r.errf("%v", err)
		r.abandon()
		return 1
	}
	var ue expand.UnsetParameterError
	if errors.As(err, &ue) {
		name := ""
		if ue.Node != nil && ue.Node.Param != nil {
			name = ue.Node.Param.Value + ": "
		}
		msg := ue.Message
		if msg == "" && ue.Node != nil && ue.Node.Exp != nil {
			// ${x?} and ${x:?} with no word: bash's wording.
			msg = "parameter not set"
			if ue.Node.Exp.Op == syntax.ErrorUnsetOrNull {
				msg = "parameter null or not set"
			}
		}
		r.errf("%s%s", name, msg)
	} else {
		r.errf("%v", err)
	}
	if !r.opts.Interactive || r.subshell > 0 {
		r.exit(1)
	} else {
		r.discard = true // bash drops the rest of the line
	}
	return 1
}

// cmdSubst runs $(...) in a subshell of this runner, in this process,
// writing its stdout to w. Its status becomes $?.
func (r *Runner) cmdSubst(w io.Writer, cs *syntax.CmdSubst) error {
	pr, pw, err := exec.Pipe()
	if err != nil {
		return &statusError{status: 1, msg: fmt.Sprintf("command substitution: %v", err)}
	}
	done := make(chan error, 1)
	go func() {
		done <- copyOutput(w, pr)
		pr.Close()
	}()
	sub := r.subshellCopy()
	sub.substDepth++
	sub.fds.set(1, newFdRef(pw))
	// As in bash, a command substitution runs without set -e unless
	// inherit_errexit or posix mode is on.
	if sub.opts.Errexit && !r.optionOn(shoptOptions, "inherit_errexit") && !r.optionOn(setOptions, "posix") {
		sub.opts.Errexit = false
	}
	if rd := fileSubst(cs); rd != nil {
		sub.guard(func() { sub.lastStatus = sub.catRedirect(rd) })
	} else {
		sub.guard(func() { sub.stmts(cs.Stmts) })
	}
	status := sub.finishSubshell()
	<-done
	r.lastStatus = status
	r.cmdSubstStatus = status
	r.cmdSubstRan = true
	if sub.sh.isInterrupted() {
		return &statusError{status: 130}
	}
	return nil
}

// copyOutput copies a substitution's output from pr to w. Unlike io.Copy
// (whose *os.File source would allocate a 32 KiB buffer per call) it reads
// into a small buffer first, enough for the typical short output.
func copyOutput(w io.Writer, pr *os.File) error {
	var small [512]byte
	buf := small[:]
	for {
		n, err := pr.Read(buf)
		if n > 0 {
			if _, werr := w.Write(buf[:n]); werr != nil {
				return werr
			}
			if n == len(buf) && len(buf) < 64<<10 {
				buf = make([]byte, 64<<10) // a large output: read in big chunks
			}
		}
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return err
		}
	}
}

// A procSubstRun is one running process substitution: the shell's end of
// its pipe, at fd of the table it was expanded in, and its command.
type procSubstRun struct {
	fd   int
	file *os.File
	done chan struct{}
}

// procSubstFd is the lowest fd a process substitution's pipe end gets, as
// in bash (which counts down from 63; gosh counts up).
const procSubstFd = 63

// procSubst starts <(...) or >(...) and returns the /dev/fd path the
// command reads or writes. The command runs in a subshell of r on a
// goroutine (an external program in it is a real process). The shell's
// end of the pipe sits in r's fd table at a number that is also its real
// fd in this process, so the path means the same file to a child, to a
// redirection and to a builtin such as source. It stays there until the
// command that uses it ends (see procSubstMark and endProcSubsts).
func (r *Runner) procSubst(ps *syntax.ProcSubst) (string, error) {
	pr, pw, err := r.newPipe()
	if err != nil {
		return "", err
	}
	sub := r.subshellCopy()
	sub.substDepth++
	// Unlike other subshells, this one runs while r goes on: it must not
	// share the maps r writes in place.
	sub.hash = maps.Clone(r.hash)
	r.funcsShared = true // r copies its functions before changing them
	// The other substitutions of this command are not the new one's
	// business: a write end it kept would hold off their readers' EOF.
	for _, p := range r.procWaits {
		if sub.fds.get(p.fd) == p.file {
			sub.fds.set(p.fd, nil)
		}
	}
	var mine *os.File
	if ps.Op == syntax.CmdIn { // <(cmd): cmd writes, we read
		sub.fds.set(1, newFdRef(pw))
		mine = pr
	} else {
		sub.fds.set(0, newFdRef(pr))
		mine = pw
	}
	fd, err := r.procSubstSlot(mine)
	if err != nil {
		sub.fds.release()
		mine.Close()
		return "", err
	}
	run := &procSubstRun{fd: fd, file: r.fds.get(fd), done: make(chan struct{})}
	go func() {
		sub.guard(func() { sub.stmts(ps.Stmts) })
		sub.finishSubshell()
		close(run.done)
	}()
	r.procWaits = append(r.procWaits, run)
	return fmt.Sprintf("/dev/fd/%d", fd), nil
}

// procSubstSlot moves f to a real fd >= procSubstFd whose slot in r's fd
// table is free, and stores it there. It takes over f.
func (r *Runner) procSubstSlot(f *os.File) (int, error) {
	from := procSubstFd
	for {
		fd, err := unix.FcntlInt(f.Fd(), unix.F_DUPFD_CLOEXEC, from)
		if err != nil {
			return 0, os.NewSyscallError("fcntl F_DUPFD_CLOEXEC", err)
		}
		if r.fds.get(fd) == nil {
			r.fds.set(fd, newFdRef(os.NewFile(uintptr(fd), f.Name())))
			f.Close()
			return fd, nil
		}
		unix.Close(fd)
		from = fd + 1
	}
}

// procSubstMark returns the mark that endProcSubsts takes: process
// substitutions started after it belong to the command being expanded.
func (r *Runner) procSubstMark() int { return len(r.procWaits) }

// endProcSubsts ends the process substitutions started since mark: it
// closes the shell's ends (so readers see EOF and writers SIGPIPE) and,
// when wait is set, waits for their commands. Closing all before waiting
// for any lets `tee >(a) >(b)` finish in either order.
func (r *Runner) endProcSubsts(mark int, wait bool) {
	if mark > len(r.procWaits) {
		mark = len(r.procWaits)
	}
	runs := r.procWaits[mark:]
	r.procWaits = r.procWaits[:mark:mark]
	for _, p := range runs {
		if r.fds.get(p.fd) == p.file {
			r.fds.set(p.fd, nil)
		}
	}
	if wait {
		for _, p := range runs {
			<-p.done
		}
	}
}

// waitProcSubsts ends every process substitution of r and waits for them.
func (r *Runner) waitProcSubsts() { r.endProcSubsts(0, true) }

var reCache sync.Map

func compileCached(rx string) (*regexp.Regexp, error) {
	if re, ok := reCache.Load(rx); ok {
		return re.(*regexp.Regexp), nil
	}
	re, err := regexp.Compile(rx)
	if err != nil {
		return nil, err
	}
	reCache.Store(rx, re)
	return re, nil
}

// trimNewlines removes trailing newlines, as command substitution does.
func trimNewlines(b []byte) []byte { return bytes.TrimRight(b, "\n") }

var _ = strings.TrimSpace
