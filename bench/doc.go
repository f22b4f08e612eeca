// Command bench times gosh against dash, bash and any other shell on the
// workloads of issue 8 and prints, per workload and shell, the median wall
// and CPU time, their ratios to dash, the peak RSS, and for gosh whether it
// meets the target. Run it from the module root with
//
//	go run ./bench
//
// (flags: -quick, -only REGEXP, -n RUNS, -shells name=path,..., -gosh PATH,
// -json FILE, -budget, -timeout; see bench/README.md).
//
// # Model
//
// The table of rows is Workloads (workloads.go). Each row is a shell script
// run as `PROGRAM -c SCRIPT` with stdin from /dev/null, in its own process
// group, with an environment of only PATH, HOME (an empty temporary
// directory, so no rc file is read), LC_ALL=C and TERM=dumb. Data files a
// row needs (the 50 MB word list) are generated once, deterministically, in
// the temporary directory.
//
// Runs alternate between programs: within a workload, round k runs every
// program once in a fixed order (gosh, dash, bash, extra shells, reference
// programs), so slow drifts of a shared machine hit every shell alike.
// Rounds repeat Runs times (-n), but no new round starts once the row's
// time budget is spent; every row gets at least one round. Reported values
// are medians over a program's successful runs, and ratios compare medians
// taken in the same invocation.
//
// # Measurements
//
// Each run is started with syscall.ForkExec and reaped with syscall.Wait4.
// Wall time is measured from just before the fork to the return of wait4.
// CPU time is ru_utime+ru_stime of wait4's rusage. On Linux that rusage is
// the child's RUSAGE_BOTH (kernel/exit.c, wait_task_zombie): the shell's
// own time plus that of every descendant it (transitively) waited for,
// which is exactly "user+sys of the shell and its children"; it equals the
// runner's getrusage(RUSAGE_CHILDREN) delta for the run without depending
// on what else the runner process reaps. Descendants nobody waits for
// (orphans reaped by init) are not counted; no workload leaves any.
//
// Peak RSS is not wait4's ru_maxrss: that is the largest peak of the shell
// and the descendants it waited for, and at least the runner's own peak,
// because the kernel carries the forking process's high-water mark across
// exec (exec_mmap saves the old mm's hiwater_rss into the new image's
// signal maxrss). So after its timed rounds each program runs the row once
// more, untimed, under ptrace with PTRACE_O_TRACEEXIT, and the runner reads
// VmHWM from /proc/PID/status at the exit stop: the shell's own peak since
// exec. Only the shell is traced, not its children. The tree-wide
// ru_maxrss medians are kept in the JSON output (tree_rss_bytes). -quick
// does the probe only in rows with an RSS target.
//
// The "idle interactive RSS" row starts each shell with no arguments on a
// new pseudo-terminal (github.com/creack/pty), so it is interactive as for a
// user (line editor and all), waits for its first output (the prompt; at
// most 2 s) and 300 ms more, and reads VmRSS (reported) and VmHWM from
// /proc/PID/status; then it hangs up the terminal.
//
// # Correctness
//
// Every script prints something that proves its work was done (a final
// counter, a byte count, the top of a sorted count). Each run's stdout is
// compared with the row's Want, or else with the baseline's (dash's) first
// output; a program whose output differs, whose exit status is not zero,
// that is killed or that exceeds -timeout FAILs the row with the reason
// and the first line of its stderr, and is not run again in that row. A
// shell that is missing or does not build FAILs its rows; the runner goes
// on with the others.
//
// # Verdicts
//
// Only gosh (Subject) is judged: PASS when every Target of the row holds,
// MISS (the missed value marked with "!") otherwise. Ratio targets compare
// medians of the same metric from the same invocation; CPU time is used
// because it is much less sensitive than wall time to other load on a
// shared machine. go-empty, an empty Go program built by the same go
// command, is the startup row's floor for any Go binary. gosh-traced
// (gosh --trace) and gosh-halfpipes (gosh with GOSH_PIPESIZE=32768 in its
// environment, Program.Env) are gosh configurations for the tracer rows.
//
// # Adding rows
//
// Append a Workload to Workloads. A row only some shells support sets Only
// (e.g. []string{"gosh"}) and Baseline (e.g. a second gosh configuration
// given with -shells gosh-untraced=/path), and its targets name that
// baseline in Against.
package main
