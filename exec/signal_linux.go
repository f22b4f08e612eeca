package exec

import (
	"runtime"
	"sync"
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

// saved holds the Go runtime's sigaction for signals DefaultSignal took
// over, until RestoreSignal puts it back.
var saved struct {
	mu  sync.Mutex
	act map[syscall.Signal]sigactionT
}

// rtSigaction wraps rt_sigaction(2).
func rtSigaction(sig syscall.Signal, act, old *sigactionT) error {
	_, _, e := unix.RawSyscall6(unix.SYS_RT_SIGACTION, uintptr(sig), uintptr(unsafe.Pointer(act)),
		uintptr(unsafe.Pointer(old)), 8, 0, 0)
	if e != 0 {
		return e
	}
	return nil
}

// DefaultSignal gives sig the kernel's default action (a non-interactive
// shell dies of SIGQUIT as sh does) without going through os/signal: a
// signal.Notify costs the first caller a locked OS thread and a goroutine,
// about 0.15 ms, most of what gosh -c true spends beyond its binary's
// start. Children inherit the default, as with a caught signal. Before
// os/signal may handle sig again, RestoreSignal must put the runtime's
// handler back (the runtime believes it is still installed).
func DefaultSignal(sig syscall.Signal) error {
	saved.mu.Lock()
	defer saved.mu.Unlock()
	if _, ok := saved.act[sig]; ok {
		return nil
	}
	var old sigactionT
	if err := rtSigaction(sig, &sigactionT{}, &old); err != nil {
		return err
	}
	if saved.act == nil {
		saved.act = make(map[syscall.Signal]sigactionT)
	}
	saved.act[sig] = old
	return nil
}

// RestoreSignal undoes DefaultSignal; it does nothing for a signal
// DefaultSignal did not take over.
func RestoreSignal(sig syscall.Signal) {
	saved.mu.Lock()
	defer saved.mu.Unlock()
	if old, ok := saved.act[sig]; ok {
		rtSigaction(sig, &old, nil)
		delete(saved.act, sig)
	}
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
