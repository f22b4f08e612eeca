package shell

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"

	"gosh/exec"

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
			ReadDir2: func(dir string) ([]os.DirEntry, error) {
				return os.ReadDir(r.path(dir))
			},
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
		c.ReadDir2 = func(dir string) ([]os.DirEntry, error) { return os.ReadDir(r.path(dir)) }
	}
	return c
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
	if ifs := r.vars.get("IFS"); ifs.IsSet() && ifsNeedsSplit(ifs.Str) {
		return r.fieldsIFS(ifs.Str, words)
	}
	return expand.Fields(r.cfg(), words...)
}

func (r *Runner) literal(w *syntax.Word) (string, error) {
	return expand.Literal(r.cfg(), literalWord(r.fixAssocLen([]*syntax.Word{w})[0]))
}

func (r *Runner) pattern(w *syntax.Word) (string, error) {
	return expand.Pattern(r.cfg(), w)
}

func (r *Runner) document(w *syntax.Word) (string, error) {
	return expand.Document(r.cfg(), w)
}

func (r *Runner) arith(x syntax.ArithmExpr) (int, error) {
	if n, ok, err := r.arithIndexed(x); ok {
		return n, err
	}
	return expand.Arithm(r.cfg(), x)
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
	var se *statusError
	if errors.As(err, &se) {
		if se.msg != "" {
			r.errf("%s", se.msg)
		}
		return se.status
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
		_, err := io.Copy(w, pr)
		pr.Close()
		done <- err
	}()
	sub := r.subshellCopy()
	sub.fds.set(1, newFdRef(pw))
	sub.stmts(cs.Stmts)
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

// procSubst starts <(...) or >(...) and returns the /dev/fd path the
// command reads or writes. The pipe end stays open in the runner's fd
// table until the command that uses it is done.
func (r *Runner) procSubst(ps *syntax.ProcSubst) (string, error) {
	pr, pw, err := exec.Pipe()
	if err != nil {
		return "", err
	}
	sub := r.subshellCopy()
	var mine *os.File
	if ps.Op == syntax.CmdIn { // <(cmd): cmd writes, we read
		sub.fds.set(1, newFdRef(pw))
		mine = pr
	} else {
		sub.fds.set(0, newFdRef(pr))
		mine = pw
	}
	done := make(chan struct{})
	go func() {
		sub.stmts(ps.Stmts)
		sub.finishSubshell()
		close(done)
	}()
	// Put our end in the fd table at the first free slot >= 10 (well
	// above what scripts use), so a child sees it at that number.
	fd := 63
	for r.fds.get(fd) != nil {
		fd--
	}
	r.fds.set(fd, newFdRef(mine))
	r.procWaits = append(r.procWaits, func() {
		if r.fds.get(fd) == mine {
			r.fds.set(fd, nil)
		}
		<-done
	})
	return fmt.Sprintf("/dev/fd/%d", fd), nil
}

// waitProcSubsts closes the runner's ends of finished commands' process
// substitutions and waits for their commands.
func (r *Runner) waitProcSubsts() { r.waitProcSubstsFrom(0) }

// waitProcSubstsFrom waits only for the process substitutions started
// after the first mark ones: a command inside `while ...; done < <(cmd)`
// must not wait for the loop's own input.
func (r *Runner) waitProcSubstsFrom(mark int) {
	if mark > len(r.procWaits) {
		mark = len(r.procWaits)
	}
	ws := r.procWaits[mark:]
	r.procWaits = r.procWaits[:mark:mark]
	for _, w := range ws {
		w()
	}
}

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
