package shell

import (
	"os"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
)

// bashPid is $BASHPID: the process id of the current shell. A subshell
// that gosh runs in its own process (a background job, a re-executed
// gosh) has its own; one run in-process (( ), $( ), a pipeline stage)
// shares the shell's, but a script can tell subshells apart by BASHPID
// as in bash. Such a subshell gets, when it first reads BASHPID, a
// number of its own above the kernel's pid_max, so that no process has
// it: kill $BASHPID there fails instead of reaching another process.
func (r *Runner) bashPid() int {
	pid := os.Getpid()
	if r.subshell == 0 || r.sh.pid != pid {
		return pid
	}
	if r.bashpid == 0 {
		r.bashpid = pidMax() + int(subshellIDs.Add(1))
	}
	return r.bashpid
}

var subshellIDs atomic.Int64

// pidMax is the kernel's limit on process ids (Linux's default when it
// cannot be read).
var pidMax = sync.OnceValue(func() int {
	b, err := os.ReadFile("/proc/sys/kernel/pid_max")
	if err == nil {
		if n, err := strconv.Atoi(strings.TrimSpace(string(b))); err == nil && n > 0 {
			return n
		}
	}
	return 4194304
})
