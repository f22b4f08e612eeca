package shell

import (
	"fmt"
	"os"
	"strconv"
	"strings"

	"gosh/exec"

	"mvdan.cc/sh/v3/syntax"
)

// PipeSizeVar names the shell variable that sets the capacity (the kernel
// buffer, fcntl F_SETPIPE_SZ) of every pipe gosh creates: pipelines,
// process substitutions and coprocesses. Unset or empty keeps the
// kernel's default (16 pages, 64 KiB). As a prefix of one stage of a
// pipeline, `GOSH_PIPESIZE=4096 writer | reader`, it sets the capacity of
// the pipe that stage writes into. The value is a byte count, optionally
// with a k or m suffix (KiB, MiB); the kernel rounds it up to a power of
// two pages. Values below one page or above /proc/sys/fs/pipe-max-size
// are refused, even for root, whom the kernel would let exceed the limit.
const PipeSizeVar = "GOSH_PIPESIZE"

// pipeSizeError reports a GOSH_PIPESIZE value that cannot be used.
type pipeSizeError struct {
	val, why string
}

func (e *pipeSizeError) Error() string {
	return fmt.Sprintf("%s=%s: %s", PipeSizeVar, e.val, e.why)
}

// parsePipeSize checks a GOSH_PIPESIZE value; 0 means the default.
func parsePipeSize(val string) (int, error) {
	if val == "" {
		return 0, nil
	}
	num, mult := val, 1
	switch {
	case strings.HasSuffix(num, "k") || strings.HasSuffix(num, "K"):
		num, mult = num[:len(num)-1], 1<<10
	case strings.HasSuffix(num, "m") || strings.HasSuffix(num, "M"):
		num, mult = num[:len(num)-1], 1<<20
	}
	n, err := strconv.Atoi(num)
	if err != nil || n < 0 || strings.HasPrefix(num, "+") {
		return 0, &pipeSizeError{val, "not a size in bytes"}
	}
	lo, hi := os.Getpagesize(), exec.PipeMaxSize()
	if n > hi/mult || n*mult < lo {
		return 0, &pipeSizeError{val, fmt.Sprintf("out of range (%d to %d bytes)", lo, hi)}
	}
	return n * mult, nil
}

// newPipe makes a pipe with the capacity GOSH_PIPESIZE asks for.
func (r *Runner) newPipe() (pr, pw *os.File, err error) {
	size, err := parsePipeSize(r.vars.get(PipeSizeVar).Str)
	if err != nil {
		return nil, nil, err
	}
	return pipeOfSize(size)
}

// stagePipe makes the pipe stage st of a pipeline writes into: its own
// GOSH_PIPESIZE= prefix, if any, decides the capacity, else the variable.
func (r *Runner) stagePipe(st *syntax.Stmt) (pr, pw *os.File, err error) {
	if ce, ok := st.Cmd.(*syntax.CallExpr); ok {
		for _, as := range ce.Assigns {
			if as.Name == nil || as.Name.Value != PipeSizeVar || as.Array != nil || as.Index != nil {
				continue
			}
			val := ""
			if as.Value != nil {
				if val, err = r.literal(as.Value); err != nil {
					return nil, nil, err
				}
			}
			size, err := parsePipeSize(val)
			if err != nil {
				return nil, nil, err
			}
			return pipeOfSize(size)
		}
	}
	return r.newPipe()
}

// pipeOfSize makes a pipe and, unless size is 0, sets its capacity.
func pipeOfSize(size int) (pr, pw *os.File, err error) {
	pr, pw, err = exec.Pipe()
	if err != nil || size == 0 {
		return pr, pw, err
	}
	if _, err := exec.SetPipeSize(pw, size); err != nil {
		pr.Close()
		pw.Close()
		return nil, nil, fmt.Errorf("%s=%d: %w", PipeSizeVar, size, err)
	}
	return pr, pw, nil
}
