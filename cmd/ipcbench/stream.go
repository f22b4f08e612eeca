package main

import (
	"errors"
	"fmt"
	"unsafe"

	"golang.org/x/sys/unix"
)

// The hot paths below use unix.RawSyscall: the child is one goroutine on
// one locked thread with nothing else to run, so there is no point telling
// the Go scheduler about a blocking call (entersyscall would wake sysmon
// every 20 µs to hand the P to another thread). This keeps the syscall
// sequence the same as a C program's.

// dataCall issues trap(fd, &p[0], n, 0, 0, 0) on the calling thread,
// retrying on EINTR and counting every attempt in *calls.
func dataCall(calls *uint64, trap uintptr, fd int, p []byte, n int) (int, error) {
	for {
		r, _, errno := unix.RawSyscall6(trap, uintptr(fd), uintptr(unsafe.Pointer(&p[0])), uintptr(n), 0, 0, 0)
		*calls++
		if errno == unix.EINTR {
			continue
		}
		if errno != 0 {
			return 0, errno
		}
		return int(r), nil
	}
}

// fdEnd is one end of a byte stream: an anonymous pipe, a FIFO or a
// SOCK_STREAM socketpair. Messages are written whole and read back by
// looping until all their bytes have arrived, because a stream keeps no
// message boundaries.
type fdEnd struct {
	fd  int
	buf []byte // receive buffer, grown to the message size on first use
	n   uint64
}

// send writes all of p, looping over partial writes.
func (e *fdEnd) send(p []byte) error {
	for len(p) > 0 {
		// write(2): the kernel copies from p into the pipe or socket buffer,
		// blocking while the buffer is full.
		w, err := dataCall(&e.n, unix.SYS_WRITE, e.fd, p, len(p))
		if err != nil {
			return err
		}
		p = p[w:]
	}
	return nil
}

// next reads until the receive buffer holds one whole message.
func (e *fdEnd) next() ([]byte, error) {
	p := e.buf
	for len(p) > 0 {
		// read(2): the kernel copies from its buffer into ours, blocking
		// while the buffer is empty.
		r, err := dataCall(&e.n, unix.SYS_READ, e.fd, p, len(p))
		if err != nil {
			return nil, err
		}
		if r == 0 {
			return nil, errors.New("unexpected end of stream")
		}
		p = p[r:]
	}
	return e.buf, nil
}

func (e *fdEnd) release()      {}
func (e *fdEnd) calls() uint64 { return e.n }

// openFIFO opens a named pipe by path, for writing when tx. open(2) on a
// FIFO blocks until the other side has opened it too.
func openFIFO(path string, tx bool, size int) (*fdEnd, error) {
	flag := unix.O_RDONLY
	if tx {
		flag = unix.O_WRONLY
	}
	// open(2) by name: the only step where a FIFO differs from pipe(2).
	fd, err := unix.Open(path, flag|unix.O_CLOEXEC, 0)
	if err != nil {
		return nil, fmt.Errorf("ipcbench: fifo: open %s: %w", path, err)
	}
	return &fdEnd{fd: fd, buf: make([]byte, size)}, nil
}

// mqAttr mirrors the kernel's struct mq_attr.
type mqAttr struct {
	Flags, Maxmsg, Msgsize, Curmsgs int64
	_                               [4]int64
}

// mqOpen is mq_open(3) without glibc: name has no leading slash.
func mqOpen(name string, flag int, mode uint32, attr *mqAttr) (int, error) {
	p, err := unix.BytePtrFromString(name)
	if err != nil {
		return -1, err
	}
	// mq_open(2): create the queue in the mqueue filesystem; the result is
	// an ordinary file descriptor, so it can be inherited across exec.
	fd, _, errno := unix.Syscall6(unix.SYS_MQ_OPEN, uintptr(unsafe.Pointer(p)), uintptr(flag), uintptr(mode), uintptr(unsafe.Pointer(attr)), 0, 0)
	if errno != 0 {
		return -1, errno
	}
	return int(fd), nil
}

// mqUnlink removes the queue's name; open descriptors keep it alive.
func mqUnlink(name string) error {
	p, err := unix.BytePtrFromString(name)
	if err != nil {
		return err
	}
	// mq_unlink(2)
	_, _, errno := unix.Syscall(unix.SYS_MQ_UNLINK, uintptr(unsafe.Pointer(p)), 0, 0)
	if errno != 0 {
		return errno
	}
	return nil
}

// mqEnd is one side of a POSIX message queue. A message larger than the
// queue's message size is sent as consecutive chunks of chunk bytes.
type mqEnd struct {
	fd    int
	chunk int
	size  int    // message size
	buf   []byte // receive buffer: size rounded up to whole chunks
	n     uint64
}

func newMQEnd(fd, chunk, size int) *mqEnd {
	return &mqEnd{fd: fd, chunk: chunk, size: size, buf: make([]byte, (size+chunk-1)/chunk*chunk)}
}

// send queues p as ceil(len(p)/chunk) mq messages.
func (e *mqEnd) send(p []byte) error {
	for len(p) > 0 {
		c := min(len(p), e.chunk)
		// mq_timedsend(2): the kernel copies c bytes into a msg_msg it
		// allocates, blocking while the queue holds mq_maxmsg messages.
		if _, err := dataCall(&e.n, unix.SYS_MQ_TIMEDSEND, e.fd, p, c); err != nil {
			return err
		}
		p = p[c:]
	}
	return nil
}

// next receives chunks until one whole message is in the buffer.
func (e *mqEnd) next() ([]byte, error) {
	for off := 0; off < e.size; {
		// mq_timedreceive(2): the kernel copies the oldest message out and
		// frees it, blocking while the queue is empty. The buffer must
		// hold mq_msgsize bytes.
		r, err := dataCall(&e.n, unix.SYS_MQ_TIMEDRECEIVE, e.fd, e.buf[off:], e.chunk)
		if err != nil {
			return nil, err
		}
		if r == 0 || (int(r) != e.chunk && off+int(r) != e.size) {
			return nil, fmt.Errorf("short mq message (%d bytes at offset %d)", r, off)
		}
		off += int(r)
	}
	return e.buf[:e.size], nil
}

func (e *mqEnd) release()      {}
func (e *mqEnd) calls() uint64 { return e.n }
