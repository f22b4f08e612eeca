package main

import (
	"bytes"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"hash/crc32"
	"os"
	"runtime"
	"runtime/debug"
	"slices"
	"strconv"
	"time"

	"golang.org/x/sys/unix"
)

// childEnv names the environment variable that turns a re-executed copy of
// the binary into a producer or consumer. Its value is a JSON childSpec.
const childEnv = "IPCBENCH_CHILD"

// Fixed descriptor numbers in a child: the control socket, then the forward
// channel (producer to consumer), then the reverse channel (latency runs).
const (
	ctlFD = 3
	fwdFD = 4
	revFD = 5
)

// chanInfo describes one one-way channel to the child that attaches to it.
type chanInfo struct {
	Path     string `json:",omitempty"` // FIFO path; empty for fd-passed channels
	Chunk    int    `json:",omitempty"` // mqueue: bytes per mq message
	Slots    int    `json:",omitempty"` // shm: ring slots
	SlotSize int    `json:",omitempty"` // shm: bytes per slot (>= message size)
}

// childSpec is everything a child needs to play its role.
type childSpec struct {
	Mech   string
	Role   string // "producer" or "consumer"
	Mode   string // "throughput" or "latency"
	Size   int    // message size in bytes
	Count  int    // messages (throughput) or round trips (latency)
	Warm   int    // latency: unrecorded warm-up round trips (included in Count)
	CPU    int    // CPU to pin every thread to, or -1
	SpinNs int64  // shm: nanoseconds to poll before sleeping on a futex
	Fwd    chanInfo
	Rev    chanInfo
}

// sideStats is what one child measured about itself; the parent sums the
// two sides.
type sideStats struct {
	Start, End int64  // CLOCK_MONOTONIC ns around the transfer
	Syscr      uint64 // read-family syscalls during the transfer (/proc/self/io)
	Syscw      uint64 // write-family syscalls during the transfer (/proc/self/io)
	Calls      uint64 // data-path syscalls the code itself issued (incl. futex, mq)
	Nvcsw      int64  // voluntary context switches of the data thread
	Nivcsw     int64  // involuntary context switches of the data thread
	Expect     uint32 `json:",omitempty"` // producer: CRC-32 of the stream it sends
	Sum        uint32 // CRC-32 of every byte this side received
	MedianNs   int64  `json:",omitempty"`
	P99Ns      int64  `json:",omitempty"`
	Err        string `json:",omitempty"`
}

// endpoint is one side of a one-way channel. A sending endpoint implements
// send; a receiving one implements next and release. calls reports how many
// data-path system calls the endpoint has issued so far.
type endpoint interface {
	// send delivers p as one message; it returns when p may be reused.
	send(p []byte) error
	// next returns the next whole message. The slice may alias shared
	// memory and is valid only until release.
	next() ([]byte, error)
	// release hands the message returned by next back to the channel.
	release()
	calls() uint64
}

// childMain runs a child role described by the JSON spec and reports its
// sideStats on the control socket. It returns the exit status.
func childMain(spec string) int {
	var s childSpec
	st := sideStats{}
	if err := json.Unmarshal([]byte(spec), &s); err != nil {
		st.Err = "ipcbench: child: bad spec: " + err.Error()
	} else if err := runChild(&s, &st); err != nil {
		st.Err = err.Error()
	}
	out, _ := json.Marshal(st)
	out = append(out, '\n')
	// Report on the control socket; the parent reads until the newline.
	if _, err := unix.Write(ctlFD, out); err != nil {
		fmt.Fprintln(os.Stderr, "ipcbench: child: report:", err)
		return 1
	}
	if st.Err != "" {
		return 1
	}
	return 0
}

// runChild attaches to the channels, waits for the parent's go signal and
// moves the data, filling st.
func runChild(s *childSpec, st *sideStats) error {
	// One goroutine on one locked OS thread does all the work, so that the
	// thread's rusage is the data path's and the scheduler never moves it.
	runtime.LockOSThread()
	runtime.GOMAXPROCS(1)
	// The loops do not allocate; no collector may stop them half-way.
	debug.SetGCPercent(-1)
	if s.CPU >= 0 {
		if err := pinAllThreads(s.CPU); err != nil {
			return err
		}
	}
	io, err := openIOCounter()
	if err != nil {
		return err
	}
	defer unix.Close(io.fd)

	producer := s.Role == "producer"
	// The producer writes the forward channel and reads the reverse one.
	fwd, err := attach(s.Mech, s.Fwd, fwdFD, producer, s)
	if err != nil {
		return err
	}
	var rev endpoint
	if s.Mode == "latency" {
		if rev, err = attach(s.Mech, s.Rev, revFD, !producer, s); err != nil {
			return err
		}
	}

	msg := make([]byte, s.Size)
	fillPattern(msg)
	if producer {
		st.Expect = streamCRC(msg, s.Count)
	}
	var rtts []int64
	if producer && s.Mode == "latency" {
		rtts = make([]int64, 0, s.Count)
	}

	// Tell the parent we are attached, then block until it says go.
	if _, err := unix.Write(ctlFD, []byte{'R'}); err != nil {
		return fmt.Errorf("ipcbench: child: ready: %w", err)
	}
	var goByte [1]byte
	if n, err := unix.Read(ctlFD, goByte[:]); n != 1 || err != nil {
		return fmt.Errorf("ipcbench: child: wait for go: %v", err)
	}

	io0, err := io.snapshot()
	if err != nil {
		return err
	}
	ru0 := threadRusage()
	st.Start = monoNow()
	switch {
	case s.Mode == "throughput" && producer:
		for i := 0; i < s.Count; i++ {
			stamp(msg, uint64(i))
			if err := fwd.send(msg); err != nil {
				return fmt.Errorf("ipcbench: %s: send message %d: %w", s.Mech, i, err)
			}
		}
	case s.Mode == "throughput":
		for i := 0; i < s.Count; i++ {
			m, err := fwd.next()
			if err != nil {
				return fmt.Errorf("ipcbench: %s: receive message %d: %w", s.Mech, i, err)
			}
			st.Sum = crc32.Update(st.Sum, crc32.IEEETable, m)
			fwd.release()
		}
	case producer:
		for i := 0; i < s.Count; i++ {
			stamp(msg, uint64(i))
			t0 := time.Now()
			if err := fwd.send(msg); err != nil {
				return fmt.Errorf("ipcbench: %s: ping %d: %w", s.Mech, i, err)
			}
			m, err := rev.next()
			if err != nil {
				return fmt.Errorf("ipcbench: %s: pong %d: %w", s.Mech, i, err)
			}
			d := time.Since(t0)
			st.Sum = crc32.Update(st.Sum, crc32.IEEETable, m)
			rev.release()
			if i >= s.Warm {
				rtts = append(rtts, int64(d))
			}
		}
	default:
		for i := 0; i < s.Count; i++ {
			m, err := fwd.next()
			if err != nil {
				return fmt.Errorf("ipcbench: %s: ping %d: %w", s.Mech, i, err)
			}
			st.Sum = crc32.Update(st.Sum, crc32.IEEETable, m)
			// Echo straight from the received message (from the ring
			// slot itself for shared memory).
			if err := rev.send(m); err != nil {
				return fmt.Errorf("ipcbench: %s: pong %d: %w", s.Mech, i, err)
			}
			fwd.release()
		}
	}
	st.End = monoNow()
	ru1 := threadRusage()
	io1, err := io.snapshot()
	if err != nil {
		return err
	}
	// The first snapshot's own pread is counted in the second one.
	st.Syscr = io1.syscr - io0.syscr - 1
	st.Syscw = io1.syscw - io0.syscw
	st.Calls = fwd.calls()
	if rev != nil {
		st.Calls += rev.calls()
	}
	st.Nvcsw = ru1.Nvcsw - ru0.Nvcsw
	st.Nivcsw = ru1.Nivcsw - ru0.Nivcsw
	if len(rtts) > 0 {
		slices.Sort(rtts)
		st.MedianNs = rtts[len(rtts)/2]
		st.P99Ns = rtts[min(len(rtts)-1, len(rtts)*99/100)]
	}
	return nil
}

// attach opens the child's side of one channel: the sending side when tx.
func attach(mech string, ci chanInfo, fd int, tx bool, s *childSpec) (endpoint, error) {
	switch mech {
	case "pipe", "pipe-big", "socketpair":
		return &fdEnd{fd: fd, buf: make([]byte, s.Size)}, nil
	case "fifo":
		return openFIFO(ci.Path, tx, s.Size)
	case "mqueue":
		return newMQEnd(fd, ci.Chunk, s.Size), nil
	case "shm-futex", "shm-sem":
		return mapRing(mech, fd, ci, s.Size, time.Duration(s.SpinNs))
	}
	return nil, fmt.Errorf("ipcbench: child: unknown mechanism %q", mech)
}

// stampStride is the distance between sequence-number stamps in a message:
// a message torn between two laps of a ring, or a lost or repeated
// message, changes the stamps and therefore the checksum.
const stampStride = 512

// stamp writes seq into msg every stampStride bytes and into its last 8.
func stamp(msg []byte, seq uint64) {
	if len(msg) < 8 {
		return
	}
	for off := 0; off+8 <= len(msg); off += stampStride {
		binary.LittleEndian.PutUint64(msg[off:], seq)
	}
	binary.LittleEndian.PutUint64(msg[len(msg)-8:], seq)
}

// fillPattern fills msg with a fixed pseudo-random pattern (xorshift).
func fillPattern(msg []byte) {
	x := uint64(0x9e3779b97f4a7c15)
	for i := range msg {
		x ^= x << 13
		x ^= x >> 7
		x ^= x << 17
		msg[i] = byte(x)
	}
}

// streamCRC is the CRC-32 (IEEE) of count messages stamped 0..count-1,
// computed before the transfer so it costs the producer no time.
func streamCRC(msg []byte, count int) uint32 {
	var sum uint32
	for i := 0; i < count; i++ {
		stamp(msg, uint64(i))
		sum = crc32.Update(sum, crc32.IEEETable, msg)
	}
	return sum
}

// monoNow reads CLOCK_MONOTONIC, which both children share.
func monoNow() int64 {
	var ts unix.Timespec
	_ = unix.ClockGettime(unix.CLOCK_MONOTONIC, &ts)
	return ts.Nano()
}

// threadRusage returns the calling thread's resource usage.
func threadRusage() unix.Rusage {
	var ru unix.Rusage
	_ = unix.Getrusage(unix.RUSAGE_THREAD, &ru)
	return ru
}

// pinAllThreads binds every thread of the process to cpu. Threads created
// later inherit the mask from their (already pinned) creator.
func pinAllThreads(cpu int) error {
	var set unix.CPUSet
	set.Set(cpu)
	for pass := 0; pass < 2; pass++ {
		ents, err := os.ReadDir("/proc/self/task")
		if err != nil {
			return fmt.Errorf("ipcbench: pin: %w", err)
		}
		for _, e := range ents {
			tid, err := strconv.Atoi(e.Name())
			if err != nil {
				continue
			}
			// sched_setaffinity acts on one thread (tid).
			if err := unix.SchedSetaffinity(tid, &set); err != nil && err != unix.ESRCH {
				return fmt.Errorf("ipcbench: pin to cpu %d: %w", cpu, err)
			}
		}
	}
	return nil
}

// ioCounter reads the process's /proc/self/io through one open descriptor,
// so that each snapshot costs exactly one read-family syscall.
type ioCounter struct {
	fd  int
	buf [512]byte
}

type ioSnap struct{ syscr, syscw uint64 }

func openIOCounter() (*ioCounter, error) {
	fd, err := unix.Open("/proc/self/io", unix.O_RDONLY|unix.O_CLOEXEC, 0)
	if err != nil {
		return nil, fmt.Errorf("ipcbench: open /proc/self/io: %w", err)
	}
	return &ioCounter{fd: fd}, nil
}

// snapshot reads syscr and syscw with a single pread.
func (c *ioCounter) snapshot() (ioSnap, error) {
	n, err := unix.Pread(c.fd, c.buf[:], 0)
	if err != nil {
		return ioSnap{}, fmt.Errorf("ipcbench: read /proc/self/io: %w", err)
	}
	var s ioSnap
	for _, line := range bytes.Split(c.buf[:n], []byte{'\n'}) {
		k, v, ok := bytes.Cut(line, []byte(": "))
		if !ok {
			continue
		}
		x, _ := strconv.ParseUint(string(v), 10, 64)
		switch string(k) {
		case "syscr":
			s.syscr = x
		case "syscw":
			s.syscw = x
		}
	}
	return s, nil
}
