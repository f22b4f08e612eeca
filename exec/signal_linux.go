package exec

import (
	"runtime"
	"syscall"
	"unsafe"

	"golang.org/x/sys/unix"
)

// sigactionT is the kernel's struct sigaction on linux/amd64 and arm64.
type sigactionT struct {
	handler  uintptr
	flags    uint64
	restorer uintptr
	mask     uint64
}

// DieBySignal ends the process by sig with the default action, so that a
// parent's wait sees WIFSIGNALED (Go's own handler would exit with a
// stack dump for SIGQUIT, or with status 2).
func DieBySignal(sig syscall.Signal) {
	// 1. Restore SIG_DFL directly: signal.Reset would reinstall Go's handler.
	act := sigactionT{handler: 0}
	unix.RawSyscall6(unix.SYS_RT_SIGACTION, uintptr(sig), uintptr(unsafe.Pointer(&act)), 0, 8, 0, 0)
	// 2. Unblock it on this thread.
	var set unix.Sigset_t
	sigaddset(&set, sig)
	unix.PthreadSigmask(unix.SIG_UNBLOCK, &set, nil)
	// 3. Send it to this thread.
	unix.Tgkill(unix.Getpid(), unix.Gettid(), sig)
	// 4. A stopped or ignored default (SIGTSTP...) falls through: exit.
	unix.Exit(128 + int(sig))
}

// Raise sends sig to the calling thread, as raise(3) does, so that it is
// delivered before Raise returns: a fatal signal ends the process here,
// not some time after the caller went on. Signals the Go runtime catches
// for signal.Notify still reach their channels asynchronously.
func Raise(sig syscall.Signal) error {
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	return unix.Tgkill(unix.Getpid(), unix.Gettid(), sig)
}
