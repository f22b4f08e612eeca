package shell

import (
	"fmt"
	"os"
	"sort"
	"strconv"
	"strings"
	"syscall"

	"gosh/exec"

	"mvdan.cc/sh/v3/syntax"
)

func init() {
	builtins["wait"] = builtinWait
	builtins["jobs"] = builtinJobs
	builtins["fg"] = builtinFg
	builtins["bg"] = builtinBg
	builtins["kill"] = builtinKill
	builtins["disown"] = builtinDisown
	builtins["suspend"] = builtinSuspend
}

// builtinSuspend stops the shell until it gets SIGCONT (the parent
// shell's fg), then takes its terminal settings back. A login shell
// needs -f, as in bash.
func builtinSuspend(r *Runner, args []string) int {
	force := false
	for _, a := range args[1:] {
		switch a {
		case "-f":
			force = true
		default:
			return r.usage("suspend", "%s: invalid option", a)
		}
	}
	if strings.HasPrefix(r.arg0, "-") && !force {
		r.errf("suspend: cannot suspend a login shell")
		return 1
	}
	// SIGSTOP, since the shell catches SIGTSTP to stay out of Ctrl-Z.
	if err := exec.Raise(syscall.SIGSTOP); err != nil {
		r.errf("suspend: %v", unwrapSyscall(err))
		return 1
	}
	if r.sh.term != nil {
		r.sh.term.TakeBack()
	}
	return 0
}

// background starts st as a job without waiting for it. A pipeline of
// plain external commands is started directly; anything else (builtins,
// functions, compound commands, redirections to FIFOs) runs in a
// re-executed gosh, so the job is a real process with a real pid.
func (r *Runner) background(st *syntax.Stmt) {
	r.lastStatus = 0
	if r.canStartDirect(st) {
		var stmts []*syntax.Stmt
		var errToo []bool
		if isPipe(st.Cmd) {
			stmts, errToo = flatten(st.Cmd)
		} else {
			fg := *st
			fg.Background = false
			stmts, errToo = []*syntax.Stmt{&fg}, []bool{false}
		}
		stages, job := r.startPipeline(stmts, errToo, true)
		if job != nil && len(job.Procs) == len(stages) {
			if job.Leader != nil {
				job.Leader.Release()
			}
			r.addBackground(job, st)
			return
		}
		// Some stage did not start as a process: wait for what did.
		if stages != nil {
			r.finishPipeline(stages, job)
		}
		return
	}
	p, err := r.startSubshellProcess(st)
	if err != nil {
		r.errf("cannot start background job: %v", err)
		r.lastStatus = 1
		return
	}
	pgid := 0
	if r.opts.Monitor && r.subshell == 0 {
		pgid = p.Pid
	}
	job := exec.NewJob(nodeText(st), pgid, []*exec.Process{p})
	r.addBackground(job, st)
}

// canStartDirect reports whether every stage of st is a simple command
// naming an external program, with literal words for redirections that
// are not FIFOs (opening a FIFO could block the shell).
func (r *Runner) canStartDirect(st *syntax.Stmt) bool {
	if r.opts.Trace {
		return false // traced in the re-executed gosh, which waits for it
	}
	var stmts []*syntax.Stmt
	if isPipe(st.Cmd) {
		if len(st.Redirs) > 0 {
			return false
		}
		stmts, _ = flatten(st.Cmd)
	} else {
		stmts = []*syntax.Stmt{st}
	}
	for _, s := range stmts {
		ce, ok := s.Cmd.(*syntax.CallExpr)
		if !ok || s.Negated || len(ce.Args) == 0 {
			return false
		}
		name := ce.Args[0].Lit()
		if name == "" || r.funcs[name] != nil || builtins[name] != nil || r.aliases[name] != "" {
			return false
		}
		for _, w := range ce.Args {
			if hasCmdSubst(w) {
				return false
			}
		}
		for _, rd := range s.Redirs {
			if rd.Word == nil || rd.Op == syntax.Hdoc || rd.Op == syntax.DashHdoc {
				continue
			}
			lit := rd.Word.Lit()
			if lit == "" {
				return false
			}
			if fi, err := os.Stat(r.path(lit)); err == nil && fi.Mode()&os.ModeNamedPipe != 0 {
				return false
			}
		}
	}
	return true
}

func hasCmdSubst(w *syntax.Word) bool {
	found := false
	syntax.Walk(w, func(n syntax.Node) bool {
		switch n.(type) {
		case *syntax.CmdSubst, *syntax.ProcSubst:
			found = true
		}
		return !found
	})
	return found
}

// addBackground records a started background job and sets $!.
func (r *Runner) addBackground(job *exec.Job, n syntax.Node) {
	if job == nil {
		return
	}
	if job.Text == "" {
		job.Text = nodeText(n)
	}
	r.jobs.Add(job)
	r.lastBg = job.Procs[len(job.Procs)-1].Pid
	if r.opts.Interactive && r.subshell == 0 {
		fmt.Fprintf(r.fds.writer(2), "[%d] %d\n", job.ID, r.lastBg)
	}
	r.pruneJobs()
}

// pruneJobs forgets old finished jobs a script never waited for, so a
// long-running script that starts many jobs does not grow without bound.
func (r *Runner) pruneJobs() {
	js := r.jobs.Jobs()
	if len(js) < 1024 {
		return
	}
	for _, j := range js[:len(js)-512] {
		if j.State() == exec.Exited {
			r.jobs.Remove(j)
		}
	}
}

// jobStatus is the status a finished job reports: its last process's, or
// under pipefail the rightmost failure.
func (r *Runner) jobStatus(j *exec.Job) int {
	ws := j.Statuses()
	status := exec.ExitCode(ws[len(ws)-1])
	if r.opts.Pipefail {
		for _, w := range ws {
			if c := exec.ExitCode(w); c != 0 {
				status = c
			}
		}
	}
	return status
}

// jobsNamed resolves each of specs with findJob for the builtin name,
// reporting the ones that name no job; status is 1 if any did.
func (r *Runner) jobsNamed(name string, specs []string) (js []*exec.Job, status int) {
	for _, a := range specs {
		j, err := r.findJob(a)
		if err != nil {
			r.errf("%s: %v", name, err)
			status = 1
			continue
		}
		js = append(js, j)
	}
	return js, status
}

// findJob resolves a job spec (%n, %+, %%, %-, %str, %?str) or a pid.
func (r *Runner) findJob(spec string) (*exec.Job, error) {
	if !strings.HasPrefix(spec, "%") {
		pid, err := strconv.Atoi(spec)
		if err != nil {
			return nil, fmt.Errorf("%s: arguments must be process or job IDs", spec)
		}
		if j := r.jobs.ByPid(pid); j != nil {
			return j, nil
		}
		return nil, fmt.Errorf("pid %d is not a child of this shell", pid)
	}
	cur, prev := r.jobs.Current()
	s := spec[1:]
	var j *exec.Job
	switch {
	case s == "" || s == "+" || s == "%":
		j = cur
	case s == "-":
		j = prev
	case s[0] >= '0' && s[0] <= '9':
		n, err := strconv.Atoi(s)
		if err == nil {
			j = r.jobs.Get(n)
		}
	case s[0] == '?':
		for _, x := range r.jobs.Jobs() {
			if strings.Contains(x.Text, s[1:]) {
				if j != nil {
					return nil, fmt.Errorf("%s: ambiguous job spec", spec)
				}
				j = x
			}
		}
	default:
		for _, x := range r.jobs.Jobs() {
			if strings.HasPrefix(x.Text, s) {
				if j != nil {
					return nil, fmt.Errorf("%s: ambiguous job spec", spec)
				}
				j = x
			}
		}
	}
	if j == nil {
		return nil, fmt.Errorf("%s: no such job", spec)
	}
	return j, nil
}

func builtinWait(r *Runner, args []string) int {
	args = args[1:]
	anyOne := false
	for len(args) > 0 && strings.HasPrefix(args[0], "-") && !strings.HasPrefix(args[0], "-%") {
		switch args[0] {
		case "-n":
			anyOne = true
		case "-f":
		case "--":
			args = args[1:]
			goto ops
		default:
			return r.usage("wait", "%s: invalid option", args[0])
		}
		args = args[1:]
	}
ops:
	if anyOne {
		return r.waitAny(args)
	}
	if len(args) == 0 {
		for _, j := range r.jobs.Jobs() {
			if !r.waitBg(j) {
				return 128 + r.pendingSignal()
			}
			r.reportKilled(j)
			r.jobs.Remove(j)
		}
		return 0
	}
	status := 0
	for _, a := range args {
		j, err := r.findJob(a)
		if err != nil {
			if !strings.HasPrefix(a, "%") {
				if _, perr := strconv.Atoi(a); perr != nil {
					r.errf("wait: `%s': not a pid or valid job spec", a)
					status = 2
					continue
				}
			}
			r.errf("wait: %v", err)
			status = 127
			continue
		}
		if !r.waitBg(j) {
			return 128 + r.pendingSignal()
		}
		r.reportKilled(j)
		status = r.jobStatus(j)
		if !strings.HasPrefix(a, "%") {
			// wait PID reports that process's own status.
			pid, _ := strconv.Atoi(a)
			for _, p := range j.Procs {
				if p.Pid == pid {
					status = exec.ExitCode(p.Status())
				}
			}
		}
		r.jobs.Remove(j)
	}
	return status
}

// waitBg waits for a background job to finish. It returns false when a
// trapped signal arrived first, as POSIX requires wait to return then.
func (r *Runner) waitBg(j *exec.Job) bool {
	for {
		st := j.State()
		if st == exec.Exited || (st == exec.Stopped && r.opts.Monitor) {
			return true
		}
		select {
		case <-j.Changed():
		case <-r.sh.sigs.wake():
			if r.sh.sigs.anyPending() {
				return false
			}
		}
		if r.sh.isInterrupted() && r.opts.Interactive {
			return true
		}
	}
}

// waitAny is wait -n: it waits for the first of the named jobs (or of
// all) to finish, forgets it and returns its status; 127 when there is
// none to wait for.
func (r *Runner) waitAny(args []string) int {
	var js []*exec.Job
	if len(args) == 0 {
		js = r.jobs.Jobs()
	} else {
		for _, a := range args {
			if j, err := r.findJob(a); err == nil {
				js = append(js, j)
			} else {
				r.errf("wait: %s: no such job", a)
			}
		}
	}
	if len(js) == 0 {
		return 127
	}
	changed := make(chan struct{}, 1)
	for _, j := range js {
		j.Notify(changed)
		defer j.StopNotify(changed)
	}
	for {
		for _, j := range js {
			if j.State() == exec.Exited {
				if j.Rest != nil {
					j.Rest()
				}
				r.jobs.Remove(j)
				return r.jobStatus(j)
			}
		}
		select {
		case <-changed:
		case <-r.sh.sigs.wake():
			if r.sh.sigs.anyPending() {
				return 128 + r.pendingSignal()
			}
		}
	}
}

// builtinJobs lists jobs, all or those named: -l adds the leader's pid,
// -p prints only that pid, -r and -s keep running or stopped jobs.
// Finished jobs are listed once, then forgotten.
func builtinJobs(r *Runner, args []string) int {
	long, pids, running, stopped := false, false, false, false
	args = args[1:]
	for len(args) > 0 && strings.HasPrefix(args[0], "-") && len(args[0]) > 1 {
		a := args[0]
		args = args[1:]
		if a == "--" {
			break
		}
		for _, c := range a[1:] {
			switch c {
			case 'l':
				long = true
			case 'p':
				pids = true
			case 'r':
				running = true
			case 's':
				stopped = true
			default:
				return r.usage("jobs", "-%c: invalid option", c)
			}
		}
	}
	js := r.jobs.Jobs()
	status := 0
	if len(args) > 0 {
		js, status = r.jobsNamed("jobs", args)
	}
	cur, prev := r.jobs.Current()
	for _, j := range js {
		st := j.State()
		if running && st != exec.Running || stopped && st != exec.Stopped {
			continue
		}
		if pids {
			fmt.Fprintln(r.out(), j.Procs[0].Pid)
			continue
		}
		mark := " "
		if j == cur {
			mark = "+"
		} else if j == prev {
			mark = "-"
		}
		state := r.jobStateText(j)
		text := j.Text
		if st == exec.Running {
			text += " &"
		}
		if long {
			fmt.Fprintf(r.out(), "[%d]%s %d %-22s  %s\n", j.ID, mark, j.Procs[0].Pid, state, text)
		} else {
			fmt.Fprintf(r.out(), "[%d]%s  %-22s  %s\n", j.ID, mark, state, text)
		}
		if st == exec.Exited {
			j.Notified = true
			r.jobs.Remove(j)
		}
	}
	return status
}

// jobStateText is bash's word for a job's state.
func (r *Runner) jobStateText(j *exec.Job) string {
	switch j.State() {
	case exec.Running:
		return "Running"
	case exec.Stopped:
		for _, p := range j.Procs {
			if p.State() == exec.Stopped {
				switch p.Status().StopSignal() {
				case syscall.SIGTTIN:
					return "Stopped (tty input)"
				case syscall.SIGTTOU:
					return "Stopped (tty output)"
				case syscall.SIGSTOP:
					return "Stopped (signal)"
				}
			}
		}
		return "Stopped"
	}
	ws := j.Statuses()
	last := ws[len(ws)-1]
	switch {
	case last.Signaled():
		s := signalText(last.Signal())
		if last.CoreDump() {
			s += " (core dumped)"
		}
		return s
	case last.ExitStatus() != 0:
		return fmt.Sprintf("Exit %d", last.ExitStatus())
	}
	return "Done"
}

// NotifyJobs prints a notice for each background job that finished or
// stopped since the last call, and forgets finished ones. The
// interactive loop calls it before each prompt.
func (r *Runner) NotifyJobs() {
	cur, prev := r.jobs.Current()
	for _, j := range r.jobs.Jobs() {
		st := j.State()
		if st == exec.Running || (st == exec.Stopped && j.Reported == exec.Stopped) {
			continue
		}
		mark := " "
		if j == cur {
			mark = "+"
		} else if j == prev {
			mark = "-"
		}
		fmt.Fprintf(r.fds.writer(2), "[%d]%s  %-22s  %s\n", j.ID, mark, r.jobStateText(j), j.Text)
		if st == exec.Exited {
			r.jobs.Remove(j)
		} else {
			j.Reported = exec.Stopped
		}
	}
}

func (r *Runner) jobArg(name string, args []string) (*exec.Job, int) {
	var j *exec.Job
	var err error
	if len(args) > 1 {
		j, err = r.findJob(args[1])
	} else {
		j, err = r.findJob("%+")
		if err != nil {
			err = fmt.Errorf("current: no such job")
		}
	}
	if err != nil {
		r.errf("%s: %v", name, err)
		return nil, 1
	}
	return j, 0
}

func builtinFg(r *Runner, args []string) int {
	if !r.opts.Monitor {
		r.errf("fg: no job control")
		return 1
	}
	j, st := r.jobArg("fg", args)
	if j == nil {
		return st
	}
	fmt.Fprintln(r.out(), j.Text)
	owner := r.monitorJobs() && j.Pgid > 0
	if owner {
		r.sh.term.Give(j.Pgid)
	}
	j.Reported = exec.Running
	if err := j.Continue(); err != nil && owner {
		r.sh.term.TakeBack()
	}
	if !owner {
		// Without a terminal of our own (or the job's own group), fg
		// only waits for it.
		j.Wait(false)
	} else if r.waitJob(j) {
		return stopStatus(j)
	}
	if j.Rest != nil {
		j.Rest()
	}
	r.jobs.Remove(j)
	return r.jobStatus(j)
}

func builtinBg(r *Runner, args []string) int {
	if !r.opts.Monitor {
		r.errf("bg: no job control")
		return 1
	}
	j, st := r.jobArg("bg", args)
	if j == nil {
		return st
	}
	j.Reported = exec.Running
	j.Continue()
	fmt.Fprintf(r.out(), "[%d]+ %s &\n", j.ID, j.Text)
	return 0
}

// HangUpJobs sends SIGHUP to every job, and SIGCONT after it to stopped
// ones so they can act on it, except jobs marked by disown -h. The
// interactive shell calls it when its terminal hangs up; it is safe to
// call from any goroutine.
func (r *Runner) HangUpJobs() {
	for _, j := range r.sh.jobs.Jobs() {
		if j.NoHangup.Load() || j.State() == exec.Exited {
			continue
		}
		j.Signal(syscall.SIGHUP)
		if j.State() == exec.Stopped {
			j.Signal(syscall.SIGCONT)
		}
	}
}

// builtinDisown forgets jobs (or, with -h, keeps them but spares them
// the hangup): -a all jobs, -r only running ones, else the named jobs or
// the current one.
func builtinDisown(r *Runner, args []string) int {
	args = args[1:]
	all, keep, runningOnly := false, false, false
	for len(args) > 0 && strings.HasPrefix(args[0], "-") && args[0] != "-" {
		if args[0] == "--" {
			args = args[1:]
			break
		}
		for _, c := range args[0][1:] {
			switch c {
			case 'a':
				all = true
			case 'h':
				keep = true
			case 'r':
				runningOnly = true
			default:
				return r.usage("disown", "-%c: invalid option", c)
			}
		}
		args = args[1:]
	}
	var js []*exec.Job
	status := 0
	switch {
	case all || (runningOnly && len(args) == 0):
		js = r.jobs.Jobs()
	case len(args) == 0:
		j, err := r.findJob("%+")
		if err != nil {
			r.errf("disown: current: no such job")
			return 1
		}
		js = []*exec.Job{j}
	default:
		js, status = r.jobsNamed("disown", args)
	}
	for _, j := range js {
		if runningOnly && j.State() != exec.Running {
			continue
		}
		if keep {
			j.NoHangup.Store(true)
		} else {
			r.jobs.Remove(j)
		}
	}
	return status
}

// signals lists the signal names kill -l prints, by number.
var signalNames = map[syscall.Signal]string{
	1: "HUP", 2: "INT", 3: "QUIT", 4: "ILL", 5: "TRAP", 6: "ABRT", 7: "BUS", 8: "FPE", 9: "KILL",
	10: "USR1", 11: "SEGV", 12: "USR2", 13: "PIPE", 14: "ALRM", 15: "TERM", 16: "STKFLT", 17: "CHLD",
	18: "CONT", 19: "STOP", 20: "TSTP", 21: "TTIN", 22: "TTOU", 23: "URG", 24: "XCPU", 25: "XFSZ",
	26: "VTALRM", 27: "PROF", 28: "WINCH", 29: "IO", 30: "PWR", 31: "SYS",
}

// parseSignal accepts a name (with or without SIG), or a number.
func parseSignal(s string) (syscall.Signal, bool) {
	if n, err := strconv.Atoi(s); err == nil {
		if n >= 0 && n < 65 {
			return syscall.Signal(n), true
		}
		return 0, false
	}
	s = strings.TrimPrefix(strings.ToUpper(s), "SIG")
	for n, name := range signalNames {
		if name == s {
			return n, true
		}
	}
	if s == "EXIT" {
		return 0, true
	}
	if s == "IOT" {
		return syscall.SIGABRT, true
	}
	if s == "POLL" {
		return syscall.SIGIO, true
	}
	return 0, false
}

// reportKilled prints bash's notice for a background job that wait finds
// killed by a signal, in a shell without job control notices (those
// print their own): "line 3:  1234 Hangup    sleep 1". As in bash,
// SIGINT, SIGPIPE and SIGTERM go unmentioned.
func (r *Runner) reportKilled(j *exec.Job) {
	ws := j.Statuses()
	if r.opts.Interactive || r.opts.Monitor || len(ws) == 0 || len(j.Procs) == 0 {
		return
	}
	last := ws[len(ws)-1]
	if !last.Signaled() {
		return
	}
	switch last.Signal() {
	case syscall.SIGINT, syscall.SIGPIPE, syscall.SIGTERM:
		return
	}
	msg := signalText(last.Signal())
	if last.CoreDump() {
		msg += " (core dumped)"
	}
	r.errf("%5d %-24s%s", j.Procs[len(j.Procs)-1].Pid, msg, j.Text)
}

// signalText is the notice bash prints for a job killed by sig.
func signalText(sig syscall.Signal) string {
	switch sig {
	case syscall.SIGHUP:
		return "Hangup"
	case syscall.SIGINT:
		return "Interrupt"
	case syscall.SIGQUIT:
		return "Quit"
	case syscall.SIGKILL:
		return "Killed"
	case syscall.SIGTERM:
		return "Terminated"
	case syscall.SIGSEGV:
		return "Segmentation fault"
	case syscall.SIGABRT:
		return "Aborted"
	case syscall.SIGBUS:
		return "Bus error"
	case syscall.SIGFPE:
		return "Floating point exception"
	case syscall.SIGILL:
		return "Illegal instruction"
	case syscall.SIGPIPE:
		return "Broken pipe"
	case syscall.SIGALRM:
		return "Alarm clock"
	case syscall.SIGUSR1:
		return "User defined signal 1"
	case syscall.SIGUSR2:
		return "User defined signal 2"
	}
	return "Signal " + strconv.Itoa(int(sig))
}

func builtinKill(r *Runner, args []string) int {
	args = args[1:]
	sig := syscall.SIGTERM
	if len(args) == 0 {
		r.errf("kill: usage: kill [-s sigspec | -n signum | -sigspec] pid | jobspec ... or kill -l [sigspec]")
		return 2
	}
	switch a := args[0]; {
	case a == "-l" || a == "-L":
		if len(args) == 1 {
			nums := make([]int, 0, len(signalNames))
			for n := range signalNames {
				nums = append(nums, int(n))
			}
			sort.Ints(nums)
			var parts []string
			for _, n := range nums {
				parts = append(parts, fmt.Sprintf("%2d) SIG%s", n, signalNames[syscall.Signal(n)]))
			}
			for i := 0; i < len(parts); i += 5 {
				end := min(i+5, len(parts))
				fmt.Fprintln(r.out(), strings.Join(parts[i:end], "\t"))
			}
			return 0
		}
		status := 0
		for _, s := range args[1:] {
			if n, err := strconv.Atoi(s); err == nil {
				if n > 128 {
					n -= 128
				}
				if n == 0 {
					fmt.Fprintln(r.out(), "EXIT") // as trap calls signal 0
					continue
				}
				if name, ok := signalNames[syscall.Signal(n)]; ok {
					fmt.Fprintln(r.out(), name)
					continue
				}
			} else if sg, ok := parseSignal(s); ok && (sg != 0 || strings.EqualFold(s, "EXIT")) {
				fmt.Fprintln(r.out(), int(sg))
				continue
			}
			r.errf("kill: %s: invalid signal specification", s)
			status = 1
		}
		return status
	case a == "-s" || a == "-n":
		if len(args) < 2 {
			r.errf("kill: %s: option requires an argument", a)
			return 2
		}
		s, ok := parseSignal(args[1])
		if !ok {
			r.errf("kill: %s: invalid signal specification", args[1])
			return 1
		}
		sig = s
		args = args[2:]
	case a == "--":
		args = args[1:]
	case strings.HasPrefix(a, "-") && len(a) > 1:
		s, ok := parseSignal(a[1:])
		if !ok {
			r.errf("kill: %s: invalid signal specification", a[1:])
			return 1
		}
		sig = s
		args = args[1:]
	}
	status := 0
	for _, a := range args {
		if strings.HasPrefix(a, "%") {
			j, err := r.findJob(a)
			if err != nil {
				r.errf("kill: %v", err)
				status = 1
				continue
			}
			signal := j.Signal
			if sig == syscall.SIGCONT {
				signal = func(syscall.Signal) error { return j.Continue() }
			}
			if err := signal(sig); err != nil && err != os.ErrProcessDone {
				r.errf("kill: %s: %v", a, unwrapSyscall(err))
				status = 1
			}
			if sig == syscall.SIGCONT {
				j.Reported = exec.Running
			}
			continue
		}
		pid, err := strconv.Atoi(a)
		if err != nil {
			r.errf("kill: %s: arguments must be process or job IDs", a)
			status = 1
			continue
		}
		kill := syscall.Kill
		if pid == os.Getpid() {
			kill = func(int, syscall.Signal) error { return r.killSelf(sig) }
		}
		if err := kill(pid, sig); err != nil {
			r.errf("kill: (%d) - %v", pid, unwrapSyscall(err))
			status = 1
		}
	}
	return status
}
