package exec

import (
	"os"

	"golang.org/x/sys/unix"
)

// Pipe returns the read and write ends of a new kernel pipe. Both ends are
// close-on-exec and stay in blocking mode; the caller owns both.
func Pipe() (r, w *os.File, err error) {
	var p [2]int
	if err := unix.Pipe2(p[:], unix.O_CLOEXEC); err != nil {
		return nil, nil, os.NewSyscallError("pipe2", err)
	}
	return os.NewFile(uintptr(p[0]), "|0"), os.NewFile(uintptr(p[1]), "|1"), nil
}

// SetPipeSize sets the capacity of the pipe behind f (fcntl F_SETPIPE_SZ)
// and returns the capacity the kernel chose (a power-of-two number of pages).
func SetPipeSize(f *os.File, size int) (int, error) {
	n, err := unix.FcntlInt(f.Fd(), unix.F_SETPIPE_SZ, size)
	if err != nil {
		return 0, os.NewSyscallError("fcntl F_SETPIPE_SZ", err)
	}
	return n, nil
}

// PipeSize returns the capacity of the pipe behind f (fcntl F_GETPIPE_SZ).
func PipeSize(f *os.File) (int, error) {
	n, err := unix.FcntlInt(f.Fd(), unix.F_GETPIPE_SZ, 0)
	if err != nil {
		return 0, os.NewSyscallError("fcntl F_GETPIPE_SZ", err)
	}
	return n, nil
}

// Open opens path with open(2) and O_CLOEXEC and wraps the descriptor
// without putting it in non-blocking mode (os.OpenFile would do that for a
// FIFO, and the flag would be shared with the children that inherit it).
func Open(path string, flag int, perm uint32) (*os.File, error) {
	for {
		fd, err := unix.Open(path, flag|unix.O_CLOEXEC, perm)
		if err == unix.EINTR {
			continue
		}
		if err != nil {
			return nil, &os.PathError{Op: "open", Path: path, Err: err}
		}
		return os.NewFile(uintptr(fd), path), nil
	}
}

// Dup returns a new close-on-exec descriptor for the same open file.
func Dup(f *os.File) (*os.File, error) {
	fd, err := unix.FcntlInt(f.Fd(), unix.F_DUPFD_CLOEXEC, 3)
	if err != nil {
		return nil, os.NewSyscallError("fcntl F_DUPFD_CLOEXEC", err)
	}
	return os.NewFile(uintptr(fd), f.Name()), nil
}
