// Package exec starts and waits for the processes of shell jobs.
//
// Only this package creates child processes. A Cmd describes one child: its
// argv, environment, directory and an fd table (Files[i] becomes fd i in the
// child, nil entries are closed). Start forks and execs it with
// syscall.ForkExec, whose child side dup2s each file onto its index and closes
// every other descriptor (all descriptors gosh opens carry O_CLOEXEC), so a
// child sees exactly the descriptors its Cmd names.
//
// One Reaper owns every child: it is woken by SIGCHLD (caught with
// signal.Notify, never ignored, so children start with default dispositions),
// polls its known processes with wait4(pid, WNOHANG|WUNTRACED|WCONTINUED) and
// records exits, stops and continues on the Process. It never waits for a pid
// it did not start, so other code in the same binary (tests using os/exec) is
// not disturbed. Starting a pipeline holds the reaper's lock, so a process
// group leader is never reaped before the last stage has joined its group.
//
// Pipe creates kernel pipes with pipe2(O_CLOEXEC); the descriptors stay in
// blocking mode because their file status flags are shared with children.
// SetPipeSize sets a pipe's capacity, up to PipeMaxSize. OpenInterruptible
// opens a FIFO whose other side nobody has opened yet on a separate
// goroutine, so the caller can give up (Ctrl-C): it then completes the
// waiting open itself from the other side and closes both descriptors.
//
// A Terminal owns the controlling terminal of an interactive shell: which
// process group is in the foreground and the shell's saved termios. It
// calls tcsetpgrp and tcsetattr with SIGTTOU blocked on one locked thread
// only, so nothing is ignored in children. NotifyOrdered lets the shell
// receive other signals on the reaper's goroutine, ordered with the exits
// it records. A child that joins a job's group is started so that a
// Ctrl-Z between its fork and its exec cannot leave the shell waiting for
// the exec (unstick_linux.go).
//
// A Tracer (trace*.go) watches one pipeline: the shell hands it each pipe
// it makes (Relay), each external stage's Cmd and Process (Prepare,
// Started) and each in-process stage's start and end. It relays every pipe
// through a second one with splice(2), halving both capacities so the
// total buffering is unchanged, to count bytes exactly while keeping EOF
// and SIGPIPE: one relay loop per Tracer serves all its pipes on a locked
// thread with raw system calls, GOMAXPROCS being raised by one while it
// runs (relay_linux.go); it samples /proc/PID/wchan and FIONREAD every interval for
// stage states and fill levels; and it reads /proc/PID/io in the reaper's
// BeforeReap hook. Finish returns a Trace (table, JSON, Chrome trace
// events, SVG). A nil *Tracer does nothing. TRACING.md at the repository
// root states the design and its error bounds.
//
// Process and Job are safe for concurrent use: their state changes under the
// reaper's lock and waiters are woken through channels.
package exec
