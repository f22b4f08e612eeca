package shell

import (
	"errors"
	"io"
	"os"
	"sync/atomic"
	"syscall"

	"golang.org/x/sys/unix"

	"gosh/exec"
)

// An fdRef is one open file shared by the fd tables that name it. The last
// table to release it closes the file.
type fdRef struct {
	f    *os.File
	refs atomic.Int32
	// keep marks the process's own stdio: never closed by a release.
	keep bool
	// private, when not 0, is the fd at which the file is the shell's own
	// (a coprocess's end): children do not inherit it there, only at fds a
	// redirection copied it to.
	private int
}

func newFdRef(f *os.File) *fdRef {
	d := &fdRef{f: f}
	d.refs.Store(1)
	if f == os.Stdin || f == os.Stdout || f == os.Stderr {
		d.keep = true
	}
	return d
}

func (d *fdRef) ref() *fdRef {
	d.refs.Add(1)
	return d
}

func (d *fdRef) unref() {
	if d.refs.Add(-1) == 0 && !d.keep {
		d.f.Close()
	}
}

// An fdTable maps fd numbers to open files, as the child processes will see
// them: entry i becomes fd i. Redirections edit a clone; nil is closed.
type fdTable []*fdRef

func (t fdTable) clone() fdTable {
	c := make(fdTable, len(t), len(t)+2)
	for i, d := range t {
		if d != nil {
			c[i] = d.ref()
		}
	}
	return c
}

// release drops this table's references.
func (t fdTable) release() {
	for i, d := range t {
		if d != nil {
			d.unref()
			t[i] = nil
		}
	}
}

func (t fdTable) get(fd int) *os.File {
	if fd < 0 || fd >= len(t) || t[fd] == nil {
		return nil
	}
	return t[fd].f
}

// set puts d at fd, dropping the reference held there before. It takes
// over the caller's reference to d.
func (t *fdTable) set(fd int, d *fdRef) {
	if d == nil && fd >= len(*t) {
		return // closing an fd the table does not hold
	}
	for fd >= len(*t) {
		*t = append(*t, nil)
	}
	if old := (*t)[fd]; old != nil {
		old.unref()
	}
	(*t)[fd] = d
}

// files returns the table as the Files list of a child process.
func (t fdTable) files() []*os.File {
	n := len(t)
	for n > 0 && t[n-1] == nil {
		n--
	}
	fs := make([]*os.File, n)
	for i := 0; i < n; i++ {
		if t[i] != nil && (t[i].private == 0 || t[i].private != i) {
			fs[i] = t[i].f
		}
	}
	return fs
}

// errBadFd is a write to a closed fd of the table, as the kernel says it.
var errBadFd error = syscall.EBADF

// fdWriter writes to one fd of a table, reporting EPIPE to its runner.
type fdWriter struct {
	r  *Runner
	fd int
}

func (w fdWriter) Write(p []byte) (int, error) {
	f := w.r.fds.get(w.fd)
	if f == nil {
		if w.fd == 1 {
			w.r.outErr = errBadFd
		}
		return 0, errBadFd
	}
	n, err := f.Write(p)
	if err != nil && errors.Is(err, syscall.EPIPE) {
		w.r.brokenPipe()
	} else if err != nil && errors.Is(err, syscall.EFBIG) {
		w.r.fileTooLarge()
	} else if err != nil && w.fd == 1 {
		w.r.outErr = err
	}
	return n, err
}

// writer returns an io.Writer for fd of table t, for messages.
func (t fdTable) writer(fd int) io.Writer {
	if f := t.get(fd); f != nil {
		return f
	}
	return io.Discard
}

// out returns the runner's stdout as a writer that notes EPIPE.
func (r *Runner) out() io.Writer { return fdWriter{r, 1} }

// errOut returns the runner's stderr as a writer.
func (r *Runner) errOut() io.Writer { return fdWriter{r, 2} }

// fileTooLarge handles a builtin's write past ulimit -f: the kernel sends
// SIGXFSZ, which kills a shell (the Go runtime ignores it, so the write
// fails with EFBIG instead). An in-process subshell ends with status 153.
func (r *Runner) fileTooLarge() {
	if r.subshell > 0 || r.sh.pid != os.Getpid() {
		r.exit(128 + int(syscall.SIGXFSZ))
		return
	}
	if !r.opts.Interactive {
		r.sh.stderrMu.Lock() // nothing more may be written
		exec.DieBySignal(syscall.SIGXFSZ)
	}
}

// brokenPipe handles a builtin's write into a pipe with no reader: as a
// process would die by SIGPIPE, the subshell running it ends with status
// 141, and a non-interactive shell itself dies by SIGPIPE.
func (r *Runner) brokenPipe() {
	r.sigpipe = true
	if r.subshell > 0 || r.sh.pid != os.Getpid() {
		r.exit(128 + int(syscall.SIGPIPE))
		return
	}
	if !r.opts.Interactive {
		r.sh.stderrMu.Lock() // nothing more may be written
		exec.DieBySignal(syscall.SIGPIPE)
	}
}

// fdLimit is the soft RLIMIT_NOFILE: no fd of a process reaches it.
func fdLimit() int {
	var lim unix.Rlimit
	if err := unix.Getrlimit(unix.RLIMIT_NOFILE, &lim); err != nil || lim.Cur > 1<<24 {
		return 1 << 24
	}
	return int(lim.Cur)
}
