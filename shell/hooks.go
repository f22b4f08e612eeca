package shell

import (
	"os"

	"gosh/exec"
)

// hooks are the seams where the terminal owner, the tracer and tests plug
// into the interpreter. The zero value does the plain thing.
type hooks struct {
	// Open replaces the opening of redirection targets. The default waits
	// for a FIFO's other side in a way Ctrl-C (the runner's interrupt
	// flag) can end, returning exec.ErrInterrupted.
	Open func(r *Runner, path string, flags int) (*os.File, error)
	// NewPipe is told of every pipe the shell creates for a pipeline.
	NewPipe func(r, w *os.File)
	// BeforeStart may adjust a child's Cmd just before it starts.
	BeforeStart func(c *exec.Cmd)
}

func (h *hooks) open(r *Runner, path string, flags int) (*os.File, error) {
	if h.Open != nil {
		return h.Open(r, path, flags)
	}
	return exec.OpenInterruptible(path, flags, 0o666, r.sh.isInterrupted)
}

func (h *hooks) newPipe(pr, pw *os.File) {
	if h.NewPipe != nil {
		h.NewPipe(pr, pw)
	}
}

func (h *hooks) beforeStart(c *exec.Cmd) {
	if h.BeforeStart != nil {
		h.BeforeStart(c)
	}
}

// terminal is what the interpreter needs of the controlling terminal; it
// is nil unless the shell runs interactively with job control.
// *exec.Terminal implements it.
type terminal interface {
	Fd() int
	// TakeBack makes the shell's group the foreground again and restores
	// the shell's terminal settings.
	TakeBack()
	// Give makes pgid the foreground group.
	Give(pgid int)
	// SaveModes keeps the terminal's current settings as the shell's.
	SaveModes()
	// Release gives the terminal back to whoever had it before the shell.
	Release()
}

// WithTerminal turns on job control on t: each foreground job gets its
// own process group and the terminal, and the shell takes it back after.
// t stays the caller's; exec replacing the shell releases it first.
func WithTerminal(t terminal) Option {
	return func(r *Runner) {
		r.sh.term = t
		r.opts.Monitor = true
		r.sh.beforeExec = t.Release
	}
}
