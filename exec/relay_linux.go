package exec

import (
	"os"
	"runtime"
	"sync"
	"unsafe"

	"golang.org/x/sys/unix"
)

// A relayLoop moves the data of every relayed pipe of one Tracer, on one
// thread of its own, and counts it (see TRACING.md).
//
// Each pipe is a writer's pipe A and a reader's pipe B. The loop waits in
// one poll for any pipe's A to have data (or B's reader to vanish: POLLERR
// on B), then moves what A holds with splice(SPLICE_F_NONBLOCK), which
// passes pipe buffers from A to B without copying. If B has no room, that
// pipe waits for B to be writable instead (POLLERR there too means the
// reader is gone). A pipe ends when A's writers are gone and A is empty
// (B is closed, so the reader sees end of file) or when B's reader is gone
// (A is closed, so the writer gets SIGPIPE as it would have without the
// relay). When the pipeline keeps it busy, one wake-up serves every pipe
// that has data: two system calls per chunk moved, one of them shared.
//
// Its system calls are raw, unseen by the Go scheduler: with ordinary
// calls every wait lets the runtime hand the loop's P to another thread
// and wake its monitor thread ever more often, work that cost more than
// the relaying itself. A raw call keeps its P while it waits, so while a
// loop runs GOMAXPROCS is one higher and the rest of the shell keeps the
// processors it had. Every blocking wait is a poll, which a signal always
// interrupts (whatever SA_RESTART says), and the loop yields on EINTR, so
// the runtime can still stop it for a garbage collection.
type relayLoop struct {
	ev   int           // eventfd: a pipe was posted, or the trace ended
	done chan struct{} // closed when the loop has ended

	mu    sync.Mutex
	added []*tracePipe // posted, not yet taken by the loop
	stop  bool         // end when no pipe is left
}

// relayLoop returns t's relay loop, starting it on first use.
func (t *Tracer) relayLoop() (*relayLoop, error) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.relay != nil {
		return t.relay, nil
	}
	ev, err := unix.Eventfd(0, unix.EFD_CLOEXEC|unix.EFD_NONBLOCK)
	if err != nil {
		return nil, err
	}
	t.relay = &relayLoop{ev: ev, done: make(chan struct{})}
	go t.relay.run()
	return t.relay, nil
}

// post hands the loop a new pipe p (if not nil), or tells it to end once
// all its pipes have (stop).
func (l *relayLoop) post(p *tracePipe, stop bool) {
	l.mu.Lock()
	if p != nil {
		l.added = append(l.added, p)
	}
	l.stop = l.stop || stop
	l.mu.Unlock()
	one := uint64(1)
	unix.Write(l.ev, (*[8]byte)(unsafe.Pointer(&one))[:])
}

func (l *relayLoop) run() {
	defer close(l.done)
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	relayStarted()
	defer relayEnded()
	defer unix.Close(l.ev)
	var (
		pipes []*tracePipe
		fds   []unix.PollFd
		stop  bool
	)
	for !stop || len(pipes) > 0 {
		fds = append(fds[:0], unix.PollFd{Fd: int32(l.ev), Events: unix.POLLIN})
		for _, p := range pipes {
			fds = p.pollFds(fds)
		}
		if e := rawPoll(fds); e != 0 {
			runtime.Gosched() // EINTR: the runtime may want this thread
			continue
		}
		live, k := pipes[:0], 1
		for _, p := range pipes {
			n := 2
			if p.out {
				n = 1
			}
			if p.step(fds[k : k+n]) {
				live = append(live, p)
			}
			k += n
		}
		clear(pipes[len(live):])
		pipes = live
		if fds[0].Revents != 0 {
			var buf [8]byte
			unix.Read(l.ev, buf[:])
			l.mu.Lock()
			pipes = append(pipes, l.added...)
			l.added, stop = nil, l.stop
			l.mu.Unlock()
		}
	}
}

// pollFds appends what the relay of p waits for.
func (p *tracePipe) pollFds(fds []unix.PollFd) []unix.PollFd {
	a, b := int32(p.fa), int32(p.fb)
	if p.out {
		return append(fds, unix.PollFd{Fd: b, Events: unix.POLLOUT})
	}
	return append(fds, unix.PollFd{Fd: a, Events: unix.POLLIN}, unix.PollFd{Fd: b})
}

// step relays what poll reported in fds (as laid out by pollFds); it
// reports whether the pipe is still open.
func (p *tracePipe) step(fds []unix.PollFd) bool {
	if fds[len(fds)-1].Revents&(unix.POLLERR|unix.POLLHUP) != 0 {
		p.finish(true) // B's reader is gone
		return false
	}
	if fds[0].Revents == 0 {
		return true
	}
	n, e := rawSplice(p.fa, p.fb)
	switch {
	case n > 0:
		p.mu.Lock()
		p.moved += n
		p.mu.Unlock()
		p.out = false
	case e == 0: // end of file on A
		p.finish(false)
		return false
	case e == unix.EINTR:
	case e == unix.EAGAIN:
		// No room in B if A has data (poll said so): wait for room.
		p.out = fionread(p.fa) > 0
	default: // EPIPE: B's reader is gone; anything else: give up alike
		p.finish(true)
		return false
	}
	return true
}

// relayProcs counts the running relay loops, each of which holds a P.
var relayProcs struct {
	sync.Mutex
	n    int
	base int // GOMAXPROCS before the first of them started
}

// relayStarted adds a processor for one more running relay loop.
func relayStarted() {
	relayProcs.Lock()
	defer relayProcs.Unlock()
	if relayProcs.n == 0 {
		relayProcs.base = runtime.GOMAXPROCS(0)
	}
	relayProcs.n++
	runtime.GOMAXPROCS(relayProcs.base + relayProcs.n)
}

// relayEnded gives back the processor of a relay loop that has ended.
// When none is left, GOMAXPROCS goes back to the runtime's default (which
// follows CPU and cgroup changes) unless the environment set it.
func relayEnded() {
	relayProcs.Lock()
	defer relayProcs.Unlock()
	relayProcs.n--
	switch {
	case relayProcs.n > 0 || os.Getenv("GOMAXPROCS") != "":
		runtime.GOMAXPROCS(relayProcs.base + relayProcs.n)
	default:
		runtime.SetDefaultGOMAXPROCS()
	}
}

// rawPoll waits without a timeout until one of fds is ready or a signal
// arrives.
func rawPoll(fds []unix.PollFd) unix.Errno {
	_, _, e := unix.RawSyscall6(unix.SYS_PPOLL, uintptr(unsafe.Pointer(&fds[0])), uintptr(len(fds)), 0, 0, 0, 0)
	return e
}

// rawSplice moves up to 1 MiB from pipe a to pipe b without blocking.
func rawSplice(a, b int) (int64, unix.Errno) {
	n, _, e := unix.RawSyscall6(unix.SYS_SPLICE, uintptr(a), 0, uintptr(b), 0, 1<<20, unix.SPLICE_F_MOVE|unix.SPLICE_F_NONBLOCK)
	return int64(n), e
}
