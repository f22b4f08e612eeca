package exec

import (
	"errors"
	"os"
	"runtime"
	"sync"
	"syscall"
	"unsafe"

	"golang.org/x/sys/unix"
)

// A Terminal is the controlling terminal of an interactive shell with job
// control: it records the shell's process group, the group that owned
// the terminal before the shell took it, and the shell's saved termios.
// Methods are safe for concurrent use.
type Terminal struct {
	fd       int // the terminal, as the shell's own fd (never O_NONBLOCK)
	pgid     int // the shell's process group once Acquire returns
	origPgid int // the shell's group before Acquire (restored by Release)
	origFg   int // the terminal's foreground group before Acquire

	mu    sync.Mutex
	modes *unix.Termios // the shell's settings, restored after each job
}

// ErrNotForeground is returned by Acquire when the terminal cannot be
// made the shell's (it belongs to another session).
var ErrNotForeground = errors.New("not the controlling terminal")

// AcquireTerminal makes f the job-control terminal of this process:
//
//  1. wait until our process group is in the foreground, stopping
//     ourselves with SIGTTIN meanwhile, as sh does when started in the
//     background (the parent shell continues us with fg);
//  2. become the leader of our own process group;
//  3. make that group the terminal's foreground group;
//  4. save the terminal's settings as the shell's.
//
// The caller keeps ownership of f, which must stay open while the
// Terminal is used.
func AcquireTerminal(f *os.File) (*Terminal, error) {
	fd := int(f.Fd())
	t := &Terminal{fd: fd, origPgid: unix.Getpgrp()}
	// 1. Wait for the foreground.
	setDefault(unix.SIGTTIN)
	for {
		fg, err := tcgetpgrp(fd)
		if err != nil {
			return nil, err
		}
		if fg == unix.Getpgrp() {
			t.origFg = fg
			break
		}
		if fg <= 0 {
			return nil, ErrNotForeground
		}
		stopForTerminal()
	}
	// 2. Our own group, unless we lead one already (a session leader
	// cannot change its group, and needs not).
	pid := unix.Getpid()
	if unix.Getpgrp() != pid {
		if err := unix.Setpgid(0, 0); err != nil {
			return nil, os.NewSyscallError("setpgid", err)
		}
	}
	t.pgid = pid
	// 3. Our group is now in the background: hand ourselves the terminal
	// with SIGTTOU blocked.
	if err := t.setForeground(pid, nil); err != nil {
		t.restorePgrp()
		return nil, err
	}
	// 4. The settings to return to after every job.
	modes, err := unix.IoctlGetTermios(fd, unix.TCGETS)
	if err != nil {
		return nil, err
	}
	t.modes = modes
	return t, nil
}

// Fd returns the terminal's descriptor in the shell (for SysProcAttr.Ctty).
func (t *Terminal) Fd() int { return t.fd }

// Pgid returns the shell's own process group.
func (t *Terminal) Pgid() int { return t.pgid }

// Give makes pgid the terminal's foreground group (fg of a stopped job).
func (t *Terminal) Give(pgid int) {
	t.setForeground(pgid, nil)
}

// TakeBack makes the shell's group the foreground group again and
// restores the shell's saved terminal settings (a job that stopped or
// was killed may have left the terminal raw).
func (t *Terminal) TakeBack() {
	t.mu.Lock()
	modes := *t.modes
	t.mu.Unlock()
	t.setForeground(t.pgid, &modes)
}

// SaveModes records the terminal's current settings as the shell's: after
// a foreground job that exited normally (`stty -echo` should last).
func (t *Terminal) SaveModes() {
	modes, err := unix.IoctlGetTermios(t.fd, unix.TCGETS)
	if err != nil {
		return
	}
	t.mu.Lock()
	t.modes = modes
	t.mu.Unlock()
}

// Release hands the terminal back to the group that had it before
// Acquire and returns the shell to its original group: on exit, and
// before exec replaces the shell.
func (t *Terminal) Release() {
	t.mu.Lock()
	modes := *t.modes
	t.mu.Unlock()
	t.restorePgrp()
	t.setForeground(t.origFg, &modes)
}

func (t *Terminal) restorePgrp() {
	if t.origPgid != unix.Getpgrp() {
		unix.Setpgid(0, t.origPgid)
	}
}

// setForeground runs tcsetpgrp(fd, pgid), then, if modes is not nil,
// tcsetattr, on a thread of its own with SIGTTOU blocked.
//
// A process outside the terminal's foreground group that calls
// tcsetpgrp or tcsetattr gets SIGTTOU unless the signal is blocked or
// ignored. Catching it with signal.Notify is not enough: the kernel
// restarts the call after the handler, which livelocks. Ignoring it would
// be inherited by any child forked meanwhile, so the signal is blocked,
// and only on a locked OS thread, for these calls alone.
func (t *Terminal) setForeground(pgid int, modes *unix.Termios) error {
	errc := make(chan error, 1)
	go func() {
		// 1. A thread of our own, so the mask changes nothing else.
		runtime.LockOSThread()
		defer runtime.UnlockOSThread()
		// 2. Block SIGTTOU on it.
		var set, old unix.Sigset_t
		sigaddset(&set, unix.SIGTTOU)
		if err := unix.PthreadSigmask(unix.SIG_BLOCK, &set, &old); err != nil {
			errc <- err
			return
		}
		// 3. Take the terminal, then restore the settings.
		err := tcsetpgrp(t.fd, pgid)
		if err == nil && modes != nil {
			err = unix.IoctlSetTermios(t.fd, unix.TCSETSW, modes)
		}
		// 4. Unblock: no SIGTTOU can be pending, since a blocked SIGTTOU
		// is not generated by the terminal at all.
		unix.PthreadSigmask(unix.SIG_SETMASK, &old, nil)
		errc <- err
	}()
	return <-errc
}

// stopForTerminal stops the process by SIGTTIN until the parent shell
// continues it in the foreground.
//
// The signal goes to the calling thread itself: a process-directed signal
// may be taken by another thread while this one goes on, so a foreground
// check it made just before the stop would be stale after the continue,
// and it would stop the shell again after fg.
func stopForTerminal() {
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	unix.Tgkill(unix.Getpid(), unix.Gettid(), unix.SIGTTIN)
}

// setDefault gives sig its default action (SIGTTIN: stop). It may have
// been inherited ignored (tmux panes start so), which would turn the
// wait for the foreground into a spin. The Go runtime installs no handler
// of its own for the job-control signals until signal.Notify asks.
func setDefault(sig syscall.Signal) {
	act := sigactionT{handler: 0}
	unix.RawSyscall6(unix.SYS_RT_SIGACTION, uintptr(sig), uintptr(unsafe.Pointer(&act)), 0, 8, 0, 0)
}

// tcgetpgrp returns the terminal's foreground process group.
func tcgetpgrp(fd int) (int, error) {
	pgid, err := unix.IoctlGetInt(fd, unix.TIOCGPGRP)
	if err != nil {
		return 0, os.NewSyscallError("tcgetpgrp", err)
	}
	return pgid, nil
}

// tcsetpgrp makes pgid the terminal's foreground process group.
func tcsetpgrp(fd, pgid int) error {
	if err := unix.IoctlSetPointerInt(fd, unix.TIOCSPGRP, pgid); err != nil {
		return os.NewSyscallError("tcsetpgrp", err)
	}
	return nil
}

func sigaddset(set *unix.Sigset_t, sig syscall.Signal) {
	set.Val[(sig-1)/64] |= 1 << ((uint(sig) - 1) % 64)
}
