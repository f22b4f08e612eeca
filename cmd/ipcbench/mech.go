package main

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync/atomic"

	"golang.org/x/sys/unix"
)

// mechanism is one data path between the producer and the consumer.
type mechanism struct {
	name string
	// kernelCopies and userCopies count the copies of each message byte
	// after setup: by the kernel (write/read, send/receive) and by the
	// program itself (memcpy into a ring slot). The consumer checksums
	// what it receives in place in every case.
	kernelCopies, userCopies int
	// open creates the kernel objects of one one-way channel for messages
	// of size bytes.
	open func(c *config, size int) (*channel, error)
}

// channel is one one-way channel as the parent created it.
type channel struct {
	tx, rx *os.File // descriptors for the sending and receiving child (nil for FIFOs)
	info   chanInfo
	buffer int      // bytes the channel can hold before the sender blocks
	undo   []func() // cleanup, in order
}

func (ch *channel) close() {
	if ch == nil {
		return
	}
	for _, f := range ch.undo {
		f()
	}
	ch.undo = nil
}

// closeFiles drops the parent's copies of the descriptors once both
// children hold theirs, so that end-of-stream works.
func (ch *channel) closeFiles() {
	if ch == nil {
		return
	}
	for _, f := range []*os.File{ch.tx, ch.rx} {
		if f != nil {
			f.Close()
		}
	}
}

// mechanisms lists every data path in the order the report prints them.
var mechanisms = []*mechanism{
	{name: "pipe", kernelCopies: 2, open: openPipe(false)},
	{name: "pipe-big", kernelCopies: 2, open: openPipe(true)},
	{name: "fifo", kernelCopies: 2, open: openFIFOChan},
	{name: "socketpair", kernelCopies: 2, open: openSocketpair},
	{name: "mqueue", kernelCopies: 2, open: openMQ},
	{name: "shm-futex", userCopies: 1, open: openRing("shm-futex")},
	{name: "shm-sem", userCopies: 1, open: openRing("shm-sem")},
}

func findMechanism(name string) *mechanism {
	for _, m := range mechanisms {
		if m.name == name {
			return m
		}
	}
	return nil
}

// readProcInt reads a number from a /proc/sys file.
func readProcInt(path string) (int, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return 0, err
	}
	return strconv.Atoi(strings.TrimSpace(string(b)))
}

// openPipe returns the opener for anonymous pipes; big pipes are enlarged
// to /proc/sys/fs/pipe-max-size with F_SETPIPE_SZ.
func openPipe(big bool) func(*config, int) (*channel, error) {
	return func(c *config, size int) (*channel, error) {
		var p [2]int
		// pipe2(2): a kernel ring of pages, 16 of them (64 KiB) by default.
		if err := unix.Pipe2(p[:], unix.O_CLOEXEC); err != nil {
			return nil, fmt.Errorf("ipcbench: pipe: %w", err)
		}
		ch := &channel{rx: os.NewFile(uintptr(p[0]), "pipe-r"), tx: os.NewFile(uintptr(p[1]), "pipe-w")}
		if big {
			const limit = "/proc/sys/fs/pipe-max-size"
			want, err := readProcInt(limit)
			if err != nil {
				ch.closeFiles()
				return nil, fmt.Errorf("ipcbench: pipe-big: read %s: %w", limit, err)
			}
			// fcntl(2) F_SETPIPE_SZ: grow the ring to the allowed maximum.
			if _, err := unix.FcntlInt(uintptr(p[1]), unix.F_SETPIPE_SZ, want); err != nil {
				ch.closeFiles()
				return nil, fmt.Errorf("ipcbench: pipe-big: F_SETPIPE_SZ %d (limit %s): %w", want, limit, err)
			}
		}
		ch.buffer, _ = unix.FcntlInt(uintptr(p[1]), unix.F_GETPIPE_SZ, 0)
		return ch, nil
	}
}

var fifoSeq atomic.Int64

// openFIFOChan makes a named pipe in a fresh temporary directory; each
// child opens it by path.
func openFIFOChan(c *config, size int) (*channel, error) {
	dir, err := os.MkdirTemp("", "ipcbench-fifo-")
	if err != nil {
		return nil, fmt.Errorf("ipcbench: fifo: %w", err)
	}
	path := filepath.Join(dir, fmt.Sprintf("fifo%d", fifoSeq.Add(1)))
	// mknod(2) S_IFIFO: the same pipe object as pipe(2), reached by name.
	if err := unix.Mkfifo(path, 0o600); err != nil {
		os.RemoveAll(dir)
		return nil, fmt.Errorf("ipcbench: fifo: mkfifo %s: %w", path, err)
	}
	return &channel{info: chanInfo{Path: path}, buffer: 16 * 4096, undo: []func(){func() { os.RemoveAll(dir) }}}, nil
}

// openSocketpair makes an AF_UNIX SOCK_STREAM pair; one end per child.
func openSocketpair(c *config, size int) (*channel, error) {
	// socketpair(2): two connected sockets; data is queued as skbs on the
	// receiver, charged to the sender's SO_SNDBUF.
	p, err := unix.Socketpair(unix.AF_UNIX, unix.SOCK_STREAM|unix.SOCK_CLOEXEC, 0)
	if err != nil {
		return nil, fmt.Errorf("ipcbench: socketpair: %w", err)
	}
	ch := &channel{tx: os.NewFile(uintptr(p[0]), "sock-tx"), rx: os.NewFile(uintptr(p[1]), "sock-rx")}
	ch.buffer, _ = unix.GetsockoptInt(p[0], unix.SOL_SOCKET, unix.SO_SNDBUF)
	return ch, nil
}

// Message-queue limits the kernel enforces on mq_open.
const (
	mqMsgsizeMax = "/proc/sys/fs/mqueue/msgsize_max"
	mqMsgMax     = "/proc/sys/fs/mqueue/msg_max"
)

// errLimit marks errors that ask the user to raise a system limit.
var errLimit = errors.New("limit")

type limitError struct{ msg string }

func (e *limitError) Error() string        { return e.msg }
func (e *limitError) Is(target error) bool { return target == errLimit }

var mqSeq atomic.Int64

// openMQ creates an unnamed-after-creation POSIX message queue: it is
// created, unlinked at once and handed to both children as a descriptor.
// Messages above msgsize_max are refused with an error naming the limit,
// unless -mq-chunk splits them into msgsize_max pieces.
func openMQ(c *config, size int) (*channel, error) {
	maxSize, err := readProcInt(mqMsgsizeMax)
	if err != nil {
		return nil, fmt.Errorf("ipcbench: mqueue: read %s: %w", mqMsgsizeMax, err)
	}
	maxMsg, err := readProcInt(mqMsgMax)
	if err != nil {
		return nil, fmt.Errorf("ipcbench: mqueue: read %s: %w", mqMsgMax, err)
	}
	chunk := size
	if size > maxSize {
		if !c.mqChunk {
			return nil, &limitError{fmt.Sprintf(
				"ipcbench: mqueue: message size %d exceeds %s (%d); raise it (sysctl fs.mqueue.msgsize_max=%d, or -raise-limits as root) or split messages with -mq-chunk",
				size, mqMsgsizeMax, maxSize, size)}
		}
		chunk = maxSize
	}
	attr := mqAttr{Maxmsg: int64(min(maxMsg, 10)), Msgsize: int64(chunk)}
	name := fmt.Sprintf("ipcbench-%d-%d", os.Getpid(), mqSeq.Add(1))
	fd, err := mqOpen(name, unix.O_RDWR|unix.O_CREAT|unix.O_EXCL|unix.O_CLOEXEC, 0o600, &attr)
	if err != nil {
		if err == unix.EMFILE {
			var rl unix.Rlimit
			unix.Getrlimit(unix.RLIMIT_MSGQUEUE, &rl)
			return nil, &limitError{fmt.Sprintf(
				"ipcbench: mqueue: %d messages of %d bytes exceed RLIMIT_MSGQUEUE (%d bytes, ulimit -q); raise it or use -raise-limits",
				attr.Maxmsg, chunk, rl.Cur)}
		}
		return nil, fmt.Errorf("ipcbench: mqueue: mq_open %d×%d bytes (limits %s, %s): %w", attr.Maxmsg, chunk, mqMsgMax, mqMsgsizeMax, err)
	}
	if err := mqUnlink(name); err != nil {
		unix.Close(fd)
		return nil, fmt.Errorf("ipcbench: mqueue: mq_unlink: %w", err)
	}
	f := os.NewFile(uintptr(fd), name)
	return &channel{tx: f, rx: f, info: chanInfo{Chunk: chunk}, buffer: int(attr.Maxmsg) * chunk}, nil
}

// openRing returns the opener for one of the shared-memory rings.
func openRing(mech string) func(*config, int) (*channel, error) {
	return func(c *config, size int) (*channel, error) {
		slots, slotSize := ringGeometry(size)
		f, err := createRing(mech, slots, slotSize)
		if err != nil {
			return nil, err
		}
		return &channel{tx: f, rx: f, info: chanInfo{Slots: slots, SlotSize: slotSize}, buffer: slots * slotSize}, nil
	}
}
