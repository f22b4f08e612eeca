package exec

import (
	"runtime"
	"sync"
	"unsafe"

	"golang.org/x/sys/unix"
)

// The relays make their system calls raw, without telling the Go
// scheduler (see tracePipe.run): a relay wakes once for every chunk it
// moves, and with ordinary calls each wait lets the runtime hand the
// relay's P to another thread and wake its monitor thread ever more
// often, for work nobody needs. A raw call keeps its P while it waits, so
// while relays run GOMAXPROCS is raised by their number and the rest of
// the shell keeps the processors it had.
var relayProcs struct {
	sync.Mutex
	n    int // relays running
	base int // GOMAXPROCS before the first of them started
}

// relayStarted adds a processor for one more running relay.
func relayStarted() {
	relayProcs.Lock()
	defer relayProcs.Unlock()
	if relayProcs.n == 0 {
		relayProcs.base = runtime.GOMAXPROCS(0)
	}
	relayProcs.n++
	runtime.GOMAXPROCS(relayProcs.base + relayProcs.n)
}

// relayEnded gives back the processor of a relay that has ended.
func relayEnded() {
	relayProcs.Lock()
	defer relayProcs.Unlock()
	relayProcs.n--
	runtime.GOMAXPROCS(relayProcs.base + relayProcs.n)
}

// rawPoll waits without a timeout until one of fds is ready or a signal
// arrives (poll is never restarted after a handler, whatever SA_RESTART
// says, so the runtime's preemption signal always gets the relay back).
func rawPoll(fds []unix.PollFd) unix.Errno {
	_, _, e := unix.RawSyscall6(unix.SYS_PPOLL, uintptr(unsafe.Pointer(&fds[0])), uintptr(len(fds)), 0, 0, 0, 0)
	return e
}

// rawSplice moves up to 1 MiB from pipe a to pipe b without blocking.
func rawSplice(a, b int) (int64, unix.Errno) {
	n, _, e := unix.RawSyscall6(unix.SYS_SPLICE, uintptr(a), 0, uintptr(b), 0, 1<<20, unix.SPLICE_F_MOVE|unix.SPLICE_F_NONBLOCK)
	return int64(n), e
}
