package exec

import (
	"syscall"
	"unsafe"

	"golang.org/x/sys/unix"
)

// si_code values of a SIGCHLD (include/uapi/asm-generic/siginfo.h); x/sys
// does not define them.
const (
	cldTrapped   = 4
	cldStopped   = 5
	cldContinued = 6
)

// childInfo is the start of the kernel's siginfo_t as waitid fills it for
// a child: the SIGCHLD fields (si_pid, si_uid, si_status) that
// unix.Siginfo keeps in its opaque padding.
type childInfo struct {
	signo, errno, code, _ int32
	pid                   int32
	uid                   uint32
	status                int32
	_                     [100]byte
}

// waitStopCont is waitid(P_PID, pid, WSTOPPED|WCONTINUED|WNOHANG): it
// consumes a pending stop or continue of pid and returns it encoded as
// wait4 would, or ok false when none is pending. Without WEXITED it can
// never reap pid, which a caller that must see the zombie first (a
// BeforeReap hook) relies on.
func waitStopCont(pid int) (ws syscall.WaitStatus, ok bool, err error) {
	var ci childInfo
	_, _, e := unix.Syscall6(unix.SYS_WAITID, unix.P_PID, uintptr(pid),
		uintptr(unsafe.Pointer(&ci)), unix.WSTOPPED|unix.WCONTINUED|unix.WNOHANG, 0, 0)
	if e != 0 {
		return 0, false, e
	}
	switch ci.code {
	case cldStopped, cldTrapped:
		return syscall.WaitStatus(ci.status<<8 | 0x7f), true, nil
	case cldContinued:
		return 0xffff, true, nil
	}
	return 0, false, nil // nothing pending (si_pid 0)
}
