package main

import (
	"fmt"
	"os"
	"sync/atomic"
	"time"
	"unsafe"

	"golang.org/x/sys/unix"
)

// Shared-memory ring layout, in one memfd mapped MAP_SHARED by both
// processes:
//
//	offset   0: producer-owned word pair (futex ring: head, consumer-waiting;
//	            semaphore ring: "filled" semaphore value, waiters)
//	offset 128: consumer-owned word pair (futex ring: tail, producer-waiting;
//	            semaphore ring: "empty" semaphore value, waiters)
//	offset 4096: slots × slotSize bytes of message slots
//
// The two pairs sit 128 bytes apart so that the cache lines (and the
// adjacent-line prefetcher's pairs) the two sides write never overlap.
const (
	ringProdOff  = 0
	ringConsOff  = 128
	ringDataOff  = 4096
	ringCapacity = 1 << 20 // default ring size in bytes for throughput runs

	// futex(2) operations from <linux/futex.h>, without FUTEX_PRIVATE_FLAG.
	futexWaitOp = 0
	futexWakeOp = 1
)

// ringGeometry picks the slot count and slot size for messages of size
// bytes: at least four slots, at least ringCapacity bytes.
func ringGeometry(size int) (slots, slotSize int) {
	slotSize = (size + 63) &^ 63
	slots = max(4, ringCapacity/slotSize)
	return slots, slotSize
}

// createRing makes the memfd for one ring and initialises its header.
// The returned file is passed to both children.
func createRing(mech string, slots, slotSize int) (*os.File, error) {
	// memfd_create(2): anonymous shared memory, a file only by descriptor.
	fd, err := unix.MemfdCreate("ipcbench-"+mech, unix.MFD_CLOEXEC)
	if err != nil {
		return nil, fmt.Errorf("ipcbench: %s: memfd_create: %w", mech, err)
	}
	f := os.NewFile(uintptr(fd), "ipcbench-"+mech)
	length := ringDataOff + slots*slotSize
	// ftruncate(2) sizes it; the pages are allocated on first touch.
	if err := unix.Ftruncate(fd, int64(length)); err != nil {
		f.Close()
		return nil, fmt.Errorf("ipcbench: %s: ftruncate: %w", mech, err)
	}
	if mech == "shm-sem" {
		mem, err := unix.Mmap(fd, 0, ringDataOff, unix.PROT_READ|unix.PROT_WRITE, unix.MAP_SHARED)
		if err != nil {
			f.Close()
			return nil, fmt.Errorf("ipcbench: %s: mmap: %w", mech, err)
		}
		// sem_init(empty, 1, slots): every slot starts free.
		atomic.StoreUint32((*uint32)(unsafe.Pointer(&mem[ringConsOff])), uint32(slots))
		unix.Munmap(mem)
	}
	return f, nil
}

// ring is one process's view of a shared-memory ring. Both variants hand
// the consumer a slice of the slot itself (no copy out); the producer
// copies its message into the slot.
type ring struct {
	sem      bool
	mem      []byte
	slots    uint32
	slotSize int
	size     int // message size
	spin     time.Duration
	prod     *uint32 // head, or filled.value
	prodAux  *uint32 // consumer-waiting flag, or filled.waiters
	cons     *uint32 // tail, or empty.value
	consAux  *uint32 // producer-waiting flag, or empty.waiters
	head     uint32  // private copy: messages published (producer) / seen
	tail     uint32  // private copy: messages released (consumer)
	n        uint64  // futex system calls issued
}

// mapRing maps the ring passed as descriptor fd.
func mapRing(mech string, fd int, ci chanInfo, size int, spin time.Duration) (*ring, error) {
	length := ringDataOff + ci.Slots*ci.SlotSize
	// mmap(2) MAP_SHARED: both processes now address the same pages; from
	// here on no system call touches the data.
	mem, err := unix.Mmap(fd, 0, length, unix.PROT_READ|unix.PROT_WRITE, unix.MAP_SHARED|unix.MAP_POPULATE)
	if err != nil {
		return nil, fmt.Errorf("ipcbench: %s: mmap %d bytes: %w", mech, length, err)
	}
	unix.Close(fd)
	w := func(off int) *uint32 { return (*uint32)(unsafe.Pointer(&mem[off])) }
	return &ring{
		sem: mech == "shm-sem", mem: mem, slots: uint32(ci.Slots), slotSize: ci.SlotSize,
		size: size, spin: spin,
		prod: w(ringProdOff), prodAux: w(ringProdOff + 4),
		cons: w(ringConsOff), consAux: w(ringConsOff + 4),
	}, nil
}

func (r *ring) slot(i uint32) []byte {
	off := ringDataOff + int(i%r.slots)*r.slotSize
	return r.mem[off : off+r.size : off+r.size]
}

func (r *ring) calls() uint64 { return r.n }

// futexWait sleeps while *addr == val. FUTEX_WAIT without the PRIVATE
// flag, because the word is shared between processes.
func (r *ring) futexWait(addr *uint32, val uint32) {
	// futex(2) FUTEX_WAIT: returns at once (EAGAIN) if *addr != val.
	unix.RawSyscall6(unix.SYS_FUTEX, uintptr(unsafe.Pointer(addr)), futexWaitOp, uintptr(val), 0, 0, 0)
	r.n++
}

// futexWake wakes one process sleeping on addr.
func (r *ring) futexWake(addr *uint32) {
	// futex(2) FUTEX_WAKE, one waiter.
	unix.RawSyscall6(unix.SYS_FUTEX, uintptr(unsafe.Pointer(addr)), futexWakeOp, 1, 0, 0, 0)
	r.n++
}

// send copies p into the next free slot and publishes it.
func (r *ring) send(p []byte) error {
	if r.sem {
		r.semWait(r.cons, r.consAux) // sem_wait(empty)
		copy(r.slot(r.head), p)
		r.head++
		r.semPost(r.prod, r.prodAux) // sem_post(filled)
		return nil
	}
	// Futex ring: wait while head-tail == slots (full).
	for r.head-atomic.LoadUint32(r.cons) == r.slots {
		if r.spinUntil(func() bool { return r.head-atomic.LoadUint32(r.cons) != r.slots }) {
			break
		}
		t := atomic.LoadUint32(r.cons)
		atomic.StoreUint32(r.consAux, 1) // tell the consumer we sleep
		if r.head-atomic.LoadUint32(r.cons) != r.slots {
			atomic.StoreUint32(r.consAux, 0)
			break
		}
		r.futexWait(r.cons, t)
	}
	copy(r.slot(r.head), p)
	r.head++
	atomic.StoreUint32(r.prod, r.head)
	// Wake the consumer only if it said it sleeps on an empty ring.
	if atomic.LoadUint32(r.prodAux) != 0 && atomic.CompareAndSwapUint32(r.prodAux, 1, 0) {
		r.futexWake(r.prod)
	}
	return nil
}

// next waits for a published slot and returns it in place.
func (r *ring) next() ([]byte, error) {
	if r.sem {
		r.semWait(r.prod, r.prodAux) // sem_wait(filled)
		return r.slot(r.tail), nil
	}
	// Futex ring: wait while head == tail (empty).
	for atomic.LoadUint32(r.prod) == r.tail {
		if r.spinUntil(func() bool { return atomic.LoadUint32(r.prod) != r.tail }) {
			break
		}
		atomic.StoreUint32(r.prodAux, 1) // tell the producer we sleep
		if atomic.LoadUint32(r.prod) != r.tail {
			atomic.StoreUint32(r.prodAux, 0)
			break
		}
		r.futexWait(r.prod, r.tail)
	}
	return r.slot(r.tail), nil
}

// release frees the slot returned by next.
func (r *ring) release() {
	r.tail++
	if r.sem {
		r.semPost(r.cons, r.consAux) // sem_post(empty)
		return
	}
	atomic.StoreUint32(r.cons, r.tail)
	// Wake a producer sleeping on a full ring once half the ring is free
	// (or at once for a two-slot ring), so that on one CPU each switch
	// moves a batch of messages rather than one.
	if atomic.LoadUint32(r.consAux) != 0 && atomic.LoadUint32(r.prod)-r.tail <= r.slots/2 &&
		atomic.CompareAndSwapUint32(r.consAux, 1, 0) {
		r.futexWake(r.cons)
	}
}

// spinUntil polls cond for up to r.spin; it reports whether cond held.
func (r *ring) spinUntil(cond func() bool) bool {
	if r.spin <= 0 {
		return false
	}
	start := time.Now()
	for {
		for i := 0; i < 64; i++ {
			if cond() {
				return true
			}
		}
		if time.Since(start) > r.spin {
			return false
		}
	}
}

// semWait is sem_wait on the counting semaphore {*val, *waiters}, the
// way glibc implements it: take a unit with compare-and-swap, or register
// as a waiter and sleep on the value word while it is zero.
func (r *ring) semWait(val, waiters *uint32) {
	for {
		v := atomic.LoadUint32(val)
		if v > 0 {
			if atomic.CompareAndSwapUint32(val, v, v-1) {
				return
			}
			continue
		}
		if r.spinUntil(func() bool { return atomic.LoadUint32(val) > 0 }) {
			continue
		}
		atomic.AddUint32(waiters, 1)
		r.futexWait(val, 0)
		atomic.AddUint32(waiters, ^uint32(0))
	}
}

// semPost is sem_post: add a unit and wake one sleeper if any registered.
func (r *ring) semPost(val, waiters *uint32) {
	atomic.AddUint32(val, 1)
	if atomic.LoadUint32(waiters) > 0 {
		r.futexWake(val)
	}
}
