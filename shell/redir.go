package shell

import (
	"errors"
	"io"
	"os"
	"strconv"
	"strings"
	"syscall"

	"gosh/exec"

	"mvdan.cc/sh/v3/syntax"
)

// redirect applies redirections in source order to the fd table t. The
// files it opens are owned by t. It returns 0, or 1 after printing why a
// redirection failed.
func (r *Runner) redirect(t *fdTable, rds []*syntax.Redirect, persistent bool) int {
	for _, rd := range rds {
		if status := r.redirectOne(t, rd); status != 0 {
			if persistent && !r.opts.Interactive {
				// A failed `exec` redirection is fatal in sh.
				r.exit(status)
			}
			return status
		}
	}
	return 0
}

func (r *Runner) redirectOne(t *fdTable, rd *syntax.Redirect) int {
	fd := -1
	varName := ""
	if rd.N != nil {
		if n, err := strconv.Atoi(rd.N.Value); err == nil {
			closing := (rd.Op == syntax.DplOut || rd.Op == syntax.DplIn) && rd.Word != nil && rd.Word.Lit() == "-"
			if n >= 10 && n >= fdLimit() && !closing {
				// The fd table is indexed by fd number: a number no
				// process may have is refused before it grows it.
				r.errf("%s: Bad file descriptor", rd.N.Value)
				return 1
			}
			fd = n
		} else {
			// {var}>file: the shell picks the fd (the parser keeps the braces).
			varName = strings.TrimSuffix(strings.TrimPrefix(rd.N.Value, "{"), "}")
		}
	}
	defFd := func(d int) int {
		if fd < 0 && varName == "" {
			return d
		}
		return fd
	}
	// place stores f at the target fd, or at a fresh fd >= 10 for {var}.
	place := func(target int, ref *fdRef) {
		if varName != "" {
			// As in bash (unless varredir_close), the fd outlives the
			// command: it goes into the shell's own table too.
			outer := r.unredirected
			if outer == t || r.optionOn(shoptOptions, "varredir_close") {
				outer = nil
			}
			target = 10
			for t.get(target) != nil || outer != nil && outer.get(target) != nil {
				target++
			}
			r.setVarString(varName, strconv.Itoa(target))
			if outer != nil {
				outer.set(target, ref.ref())
			}
		}
		t.set(target, ref)
	}

	switch rd.Op {
	case syntax.Hdoc, syntax.DashHdoc:
		hdoc := rd.Hdoc
		if rd.Op == syntax.DashHdoc {
			hdoc = stripTabs(hdoc)
		}
		body, literal := literalBody(rd.Word, hdoc)
		if !literal {
			var err error
			if body, err = r.document(hdoc); err != nil {
				return r.expandError(err)
			}
		}
		f, err := r.stringFile(body)
		if err != nil {
			r.errf("here-document: %v", unwrapSyscall(err))
			return 1
		}
		place(defFd(0), newFdRef(f))
		return 0
	}

	word, err := r.redirTarget(rd)
	if err != nil {
		if _, ok := err.(ambiguousRedirect); ok {
			r.errf("%v", err)
			return 1
		}
		return r.expandError(err)
	}
	switch rd.Op {
	case syntax.WordHdoc:
		f, err := r.stringFile(word + "\n")
		if err != nil {
			r.errf("here-string: %v", unwrapSyscall(err))
			return 1
		}
		place(defFd(0), newFdRef(f))
		return 0
	case syntax.DplIn, syntax.DplOut:
		dst := defFd(0)
		if rd.Op == syntax.DplOut {
			dst = defFd(1)
		}
		if word == "-" {
			if varName != "" {
				// {var}>&- closes the fd var names; var may be an array
				// element, as in {COPROC[1]}>&- .
				if n, err := strconv.Atoi(r.fdVarValue(varName)); err == nil {
					t.set(n, nil)
				}
				return 0
			}
			t.set(dst, nil)
			return 0
		}
		move := false
		if len(word) > 1 && word[len(word)-1] == '-' {
			word, move = word[:len(word)-1], true // n>&m- moves m to n
		}
		src, err := strconv.Atoi(word)
		if err != nil {
			if rd.Op == syntax.DplOut && fd < 0 && varName == "" {
				// >&file is &>file in bash.
				return r.openTo(t, word, syscall.O_WRONLY|syscall.O_CREAT|syscall.O_TRUNC, true, 1, 2)
			}
			r.errf("%s: ambiguous redirect", word)
			return 1
		}
		ref := (*t)
		if src >= len(ref) || ref[src] == nil {
			r.errf("%d: Bad file descriptor", src)
			return 1
		}
		if src == dst && varName == "" {
			return 0
		}
		place(dst, ref[src].ref())
		if move {
			t.set(src, nil)
		}
		return 0
	}

	var flags int
	noclobber := false
	fds := []int{}
	switch rd.Op {
	case syntax.RdrIn:
		flags = syscall.O_RDONLY
		fds = append(fds, defFd(0))
	case syntax.RdrOut:
		flags = syscall.O_WRONLY | syscall.O_CREAT | syscall.O_TRUNC
		noclobber = r.opts.Noclobber
		fds = append(fds, defFd(1))
	case syntax.ClbOut:
		flags = syscall.O_WRONLY | syscall.O_CREAT | syscall.O_TRUNC
		fds = append(fds, defFd(1))
	case syntax.AppOut:
		flags = syscall.O_WRONLY | syscall.O_CREAT | syscall.O_APPEND
		fds = append(fds, defFd(1))
	case syntax.RdrInOut:
		flags = syscall.O_RDWR | syscall.O_CREAT
		fds = append(fds, defFd(0))
	case syntax.RdrAll:
		flags = syscall.O_WRONLY | syscall.O_CREAT | syscall.O_TRUNC
		noclobber = r.opts.Noclobber
		fds = append(fds, 1, 2)
	case syntax.AppAll:
		flags = syscall.O_WRONLY | syscall.O_CREAT | syscall.O_APPEND
		fds = append(fds, 1, 2)
	default:
		r.errf("unsupported redirection %s", rd.Op)
		return 2
	}
	if varName != "" {
		f, status := r.openFile(word, flags, noclobber)
		if f == nil {
			return status
		}
		place(0, newFdRef(f))
		return 0
	}
	return r.openTo(t, word, flags, noclobber, fds...)
}

// openTo opens name and places it at each of fds.
func (r *Runner) openTo(t *fdTable, name string, flags int, noclobber bool, fds ...int) int {
	f, status := r.openFile(name, flags, noclobber)
	if f == nil {
		return status
	}
	ref := newFdRef(f)
	for i, fd := range fds {
		if i > 0 {
			ref.ref()
		}
		t.set(fd, ref)
	}
	return 0
}

// openFile opens a redirection target. With noclobber, an existing
// regular file is refused.
func (r *Runner) openFile(name string, flags int, noclobber bool) (*os.File, int) {
	if name == "" {
		r.errf(": No such file or directory")
		return nil, 1
	}
	path := r.path(name)
	if noclobber {
		if st, err := os.Stat(path); err == nil && st.Mode().IsRegular() {
			r.errf("%s: cannot overwrite existing file", name)
			return nil, 1
		}
		if flags&syscall.O_TRUNC != 0 {
			flags |= syscall.O_EXCL
			if _, err := os.Stat(path); err == nil {
				flags &^= syscall.O_EXCL // not a regular file: /dev/null etc.
			}
		}
	}
	var f *os.File
	var err error
	if n, ok := devFdNumber(name); ok {
		f, err = r.openDevFd(n, path, flags)
	} else {
		f, err = r.sh.hooks.open(r, path, flags)
	}
	if err != nil {
		var pe *os.PathError
		if errors.As(err, &pe) {
			err = pe.Err
		}
		if errors.Is(err, errInterrupted) {
			return nil, 130
		}
		if errors.Is(err, syscall.EEXIST) {
			r.errf("%s: cannot overwrite existing file", name)
			return nil, 1
		}
		r.errf("%s: %v", name, unwrapSyscall(err))
		return nil, 1
	}
	return f, 0
}

// fdVarValue returns the value of the variable or array element named in
// a {var} redirection.
func (r *Runner) fdVarValue(name string) string {
	if !strings.Contains(name, "[") {
		return r.vars.get(name).Str
	}
	w, err := newParser(false).Document(strings.NewReader("${" + name + "}"))
	if err != nil {
		return ""
	}
	v, err := r.literal(w)
	if err != nil {
		return ""
	}
	return v
}

// errInterrupted ends a redirection whose FIFO open Ctrl-C interrupted.
var errInterrupted = exec.ErrInterrupted

// devFdNumber reports which fd a /dev/fd/N, /dev/stdin, /dev/stdout or
// /dev/stderr path names.
func devFdNumber(name string) (int, bool) {
	switch name {
	case "/dev/stdin":
		return 0, true
	case "/dev/stdout":
		return 1, true
	case "/dev/stderr":
		return 2, true
	}
	rest, ok := strings.CutPrefix(name, "/dev/fd/")
	if !ok {
		return 0, false
	}
	n, err := strconv.Atoi(rest)
	if err != nil || n < 0 || strconv.Itoa(n) != rest {
		return 0, false
	}
	return n, true
}

// openDevFd opens /dev/fd/N as bash does on Linux, where the path names
// the shell's own fd N: here fd N of the runner's table, whose file sits at
// some other real fd of this process. Pipes, FIFOs and sockets are
// duplicated (reopening a pipe whose writer has exited would wait for a
// new writer forever; a socket cannot be reopened); other files are
// reopened through /proc/self/fd, so flags such as O_TRUNC apply and the
// new file has its own offset, as on Linux.
func (r *Runner) openDevFd(n int, path string, flags int) (*os.File, error) {
	f := r.fds.get(n)
	if f == nil {
		return nil, &os.PathError{Op: "open", Path: path, Err: syscall.ENOENT}
	}
	st, err := f.Stat()
	if err != nil {
		return nil, err
	}
	if st.Mode()&(os.ModeNamedPipe|os.ModeSocket) != 0 {
		return exec.Dup(f)
	}
	return exec.Open("/proc/self/fd/"+strconv.Itoa(int(f.Fd())), flags, 0o666)
}

// stringFile returns a file whose contents are s: a pipe filled now when s
// fits in the pipe, else fed by a goroutine so large bodies cannot
// deadlock the shell.
func (r *Runner) stringFile(s string) (*os.File, error) {
	pr, pw, err := exec.Pipe()
	if err != nil {
		return nil, err
	}
	if len(s) <= 4096 {
		_, err := io.WriteString(pw, s)
		pw.Close()
		if err != nil {
			pr.Close()
			return nil, err
		}
		return pr, nil
	}
	go func() {
		io.WriteString(pw, s)
		pw.Close()
	}()
	return pr, nil
}

// stripTabs returns the body of a <<- here-document without the tabs that
// begin its lines. The parser keeps them; only literal text can start a
// line, so only literal parts are edited.
func stripTabs(w *syntax.Word) *syntax.Word {
	if w == nil {
		return nil
	}
	out := &syntax.Word{Parts: make([]syntax.WordPart, 0, len(w.Parts))}
	lineStart := true
	for _, wp := range w.Parts {
		lit, ok := wp.(*syntax.Lit)
		if !ok {
			out.Parts = append(out.Parts, wp)
			lineStart = false
			continue
		}
		var b strings.Builder
		for _, c := range []byte(lit.Value) {
			if lineStart && c == '\t' {
				continue
			}
			b.WriteByte(c)
			lineStart = c == '\n'
		}
		out.Parts = append(out.Parts, &syntax.Lit{ValuePos: lit.ValuePos, ValueEnd: lit.ValueEnd, Value: b.String()})
	}
	return out
}

// literalBody returns a here-document's body as written when its
// delimiter is quoted in any way ('EOF', "EOF", \EOF), which turns off
// every expansion and backslash processing in the body.
func literalBody(delim, body *syntax.Word) (string, bool) {
	quoted := false
	for _, wp := range delim.Parts {
		switch wp := wp.(type) {
		case *syntax.SglQuoted, *syntax.DblQuoted:
			quoted = true
		case *syntax.Lit:
			quoted = quoted || strings.ContainsRune(wp.Value, '\\')
		}
	}
	if !quoted {
		return "", false
	}
	if body == nil {
		return "", true
	}
	var b strings.Builder
	for _, wp := range body.Parts {
		lit, ok := wp.(*syntax.Lit)
		if !ok {
			return "", false // the parser expanded part of it: let it be
		}
		b.WriteString(lit.Value)
	}
	return b.String(), true
}

// An ambiguousRedirect is a file redirection whose word expands to other
// than one field; it holds the word as written, for the message.
type ambiguousRedirect string

func (e ambiguousRedirect) Error() string { return string(e) + ": ambiguous redirect" }

// redirTarget expands the word of rd. The file name of a redirection to
// or from a file is expanded as a command's words are (brace expansion,
// splitting, pathname expansion), as in bash, and must give one field.
func (r *Runner) redirTarget(rd *syntax.Redirect) (string, error) {
	switch rd.Op {
	case syntax.RdrIn, syntax.RdrOut, syntax.ClbOut, syntax.AppOut, syntax.RdrInOut, syntax.RdrAll, syntax.AppAll:
	default:
		return r.literal(rd.Word)
	}
	fs, err := r.fields(rd.Word)
	if err != nil {
		return "", err
	}
	if len(fs) != 1 {
		return "", ambiguousRedirect(nodeText(rd.Word))
	}
	return fs[0], nil
}

// fileSubst returns the redirection of $(< file) (or `< file`), a command
// substitution that is just an input redirection: bash substitutes the
// file's contents.
func fileSubst(cs *syntax.CmdSubst) *syntax.Redirect {
	if len(cs.Stmts) != 1 {
		return nil
	}
	st := cs.Stmts[0]
	if st.Cmd != nil || st.Negated || st.Background || st.Coprocess || len(st.Redirs) != 1 || st.Redirs[0].Op != syntax.RdrIn || st.Redirs[0].N != nil {
		return nil
	}
	return st.Redirs[0]
}

// catRedirect opens rd in r's fd table and copies what it reads to
// r's stdout, returning the status: that of the redirection. As in bash,
// a read error (a directory) just ends the copy.
func (r *Runner) catRedirect(rd *syntax.Redirect) int {
	if status := r.redirect(&r.fds, []*syntax.Redirect{rd}, false); status != 0 {
		return status
	}
	io.Copy(r.fds.writer(1), r.fds.get(0))
	return 0
}
