package exec

import (
	"errors"
	"os"
	"time"

	"golang.org/x/sys/unix"
)

// ErrInterrupted is returned by OpenInterruptible when the user interrupted
// an open that was waiting for the other side of a FIFO.
var ErrInterrupted = errors.New("interrupted")

// Mkfifo creates a FIFO at path with mode perm (minus the umask).
func Mkfifo(path string, perm uint32) error {
	if err := unix.Mkfifo(path, perm); err != nil {
		return &os.PathError{Op: "mkfifo", Path: path, Err: err}
	}
	return nil
}

// interruptPoll is how often a waiting FIFO open checks whether it was
// interrupted. The shell's interrupt flag is a plain atomic without a
// channel to select on; at this rate polling costs nothing measurable and
// Ctrl-C still feels immediate.
const interruptPoll = 20 * time.Millisecond

// OpenInterruptible opens path like Open, except that when path is a FIFO
// and the open has to wait for the other side, it waits on a separate
// goroutine and gives up with ErrInterrupted as soon as interrupted
// reports true. interrupted may be nil (never interrupted).
//
// Giving up must not leave a thread stuck in open(2) nor leak its
// descriptor: the waiting open is completed by opening the other side of
// the FIFO ourselves with O_NONBLOCK, and both descriptors are closed.
func OpenInterruptible(path string, flag int, perm uint32, interrupted func() bool) (*os.File, error) {
	var st unix.Stat_t
	if interrupted == nil || unix.Stat(path, &st) != nil || st.Mode&unix.S_IFMT != unix.S_IFIFO ||
		flag&unix.O_ACCMODE == unix.O_RDWR || flag&unix.O_NONBLOCK != 0 {
		// Not a FIFO, or an open that cannot wait (O_RDWR never waits on
		// Linux): nothing to interrupt.
		return Open(path, flag, perm)
	}
	done := make(chan openResult, 1)
	go func() {
		f, err := Open(path, flag, perm)
		done <- openResult{f, err}
	}()
	tick := time.NewTicker(interruptPoll)
	defer tick.Stop()
	for {
		select {
		case res := <-done:
			return res.f, res.err
		case <-tick.C:
			if interrupted() {
				unblockFIFO(path, flag, done)
				return nil, &os.PathError{Op: "open", Path: path, Err: ErrInterrupted}
			}
		}
	}
}

// openResult is the outcome of an open done on another goroutine.
type openResult struct {
	f   *os.File
	err error
}

func (r openResult) close() {
	if r.f != nil {
		r.f.Close()
	}
}

// unblockFIFO completes the open waiting on path (its result arrives on
// done) by opening the other side without blocking, then closes both.
//
//  1. A waiting reader is released by a writer: O_WRONLY|O_NONBLOCK
//     succeeds only while some reader has the FIFO open, so ENXIO means the
//     goroutine has not reached open(2) yet (or finished meanwhile): retry.
//  2. A waiting writer is released by a reader: O_RDONLY|O_NONBLOCK always
//     succeeds at once.
//  3. Collect the goroutine's descriptor and close it with ours.
//
// When the other side cannot be opened at all (no permission for it), the
// open is left to finish whenever a partner comes, and its descriptor is
// closed then.
func unblockFIFO(path string, flag int, done <-chan openResult) {
	other := unix.O_WRONLY
	if flag&unix.O_ACCMODE == unix.O_WRONLY {
		other = unix.O_RDONLY
	}
	for {
		fd, err := unix.Open(path, other|unix.O_NONBLOCK|unix.O_CLOEXEC, 0)
		if err == nil {
			(<-done).close()
			unix.Close(fd)
			return
		}
		if err != unix.ENXIO && err != unix.EINTR {
			go func() { (<-done).close() }()
			return
		}
		select {
		case res := <-done:
			// The open finished on its own (a real partner came, or the
			// FIFO was removed and replaced): discard it.
			res.close()
			return
		case <-time.After(time.Millisecond):
			// ENXIO (no reader yet) or EINTR: try again.
		}
	}
}
