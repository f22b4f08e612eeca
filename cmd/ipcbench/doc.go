// Command ipcbench moves the same data from one producer process to one
// consumer process over each of Linux's IPC data paths and reports what
// each path costs: throughput, round-trip latency, system calls, copies and
// context switches, with every byte verified.
//
// Usage:
//
//	ipcbench [-mech all|pipe,pipe-big,fifo,socketpair,mqueue,shm-futex,shm-sem]
//	         [-sizes 4K,64K,1M] [-bytes 1G] [-rtt 50000] [-cpu same|split|none]
//	         [-spin N] [-json] [-svg file] [-mq-chunk] [-raise-limits]
//
// # Model
//
// The command is an orchestrator. For every run (one mechanism, one message
// size, throughput or latency) it creates the kernel objects of the channel
// (pipe2, mkfifo, socketpair, mq_open, memfd_create), then re-executes its
// own binary twice with IPCBENCH_CHILD naming the role: a producer and a
// consumer, real separate processes that inherit the channel as descriptor
// 4 (and 5 for the reverse channel of latency runs) and a control socket as
// descriptor 3. Each child locks its one goroutine to one OS thread, pins
// every thread to the CPU -cpu selects, attaches to the channel, reports
// ready and waits for the parent's go; both then start together.
//
// Throughput runs send -bytes worth of messages of each -sizes size.
// Latency runs bounce a 64-byte message back and forth -rtt times (after
// a warm-up of up to 1000 round trips) over two one-way channels and time
// each round trip in the producer.
//
// # Mechanisms
//
//   - pipe: pipe2(2), default capacity (16 pages, 64 KiB).
//   - pipe-big: the same, grown with F_SETPIPE_SZ to /proc/sys/fs/pipe-max-size.
//   - fifo: a named pipe each child opens by path.
//   - socketpair: AF_UNIX SOCK_STREAM pair.
//   - mqueue: a POSIX message queue (raw mq_open/mq_timedsend/
//     mq_timedreceive system calls), unlinked at once and passed as a
//     descriptor.
//   - shm-futex: a ring of slots in a MAP_SHARED memfd with head and tail
//     indices; a side enters the kernel only to sleep on an empty or full
//     ring (futex wait) or to wake a sleeper (futex wake). The consumer wakes
//     a sleeping producer once half the ring is free.
//   - shm-sem: the same ring driven by two counting semaphores, "filled"
//     and "empty", implemented as glibc implements sem_t: a value word plus a
//     waiter count, sem_post waking whenever a waiter is registered.
//
// Message passing copies each byte twice, both times in the kernel: from
// the producer's buffer into the kernel's (pipe pages, socket skbs,
// msg_msg) and from there into the consumer's buffer. Shared memory copies
// nothing in the kernel after setup: the producer copies its message into
// a ring slot (one user-space memcpy) and the consumer checksums the slot
// in place before releasing it. The "copies k+u" column prints those two
// counts.
//
// # Measurements
//
// Throughput is bytes divided by the time from the producer's first send
// to the consumer's last received byte, both read from CLOCK_MONOTONIC.
// System calls come from /proc/PID/io (syscr and syscw of both processes,
// read before and after the transfer through one open descriptor whose own
// pread is subtracted) and from the code's own count of every data-path
// call, which also covers the calls /proc/PID/io does not: mq_timedsend,
// mq_timedreceive and futex. Voluntary and involuntary context switches are
// the data thread's (getrusage RUSAGE_THREAD). Every message carries its
// sequence number every 512 bytes and in its last 8 bytes; the producer
// computes the CRC-32 of the whole stream before it starts and the consumer
// over what it receives, so a lost, repeated, reordered or torn message
// fails the run.
//
// # Limits
//
// A POSIX message queue refuses messages larger than
// /proc/sys/fs/mqueue/msgsize_max (8192 by default) for unprivileged users.
// ipcbench does not chunk silently: such a run is reported as skipped with
// an error naming the limit. -mq-chunk sends each message as msgsize_max
// pieces instead; -raise-limits (root) raises the sysctl for the duration
// of the command, announcing the change and restoring it on exit, and
// raises the process's RLIMIT_MSGQUEUE.
//
// DATAPATHS.md in this directory explains each path in terms of the numbers
// the command prints.
package main
