package exec

import (
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"time"
)

// forkExecUnstuck is syscall.ForkExec for a child that joins a job's
// process group, made safe against a Ctrl-Z that arrives between fork
// and exec. The caller holds reaper.mu.
//
// Go forks with vfork semantics: the calling thread waits until the
// child has exec'd. A child that joined the terminal's foreground group
// (a later stage of a pipeline being started) but has not exec'd yet
// stops on the SIGTSTP of a Ctrl-Z like the rest of the job, and then
// the shell would wait for its exec forever. While the fork is pending, a
// watcher continues any stopped child the reaper does not know (that can
// only be the one being forked), and once the fork returns it is stopped
// again with SIGTSTP, so the job ends up stopped as the user asked.
func forkExecUnstuck(path string, args []string, attr *syscall.ProcAttr) (int, error) {
	done := make(chan struct{})
	continued := make(chan bool, 1)
	go func() {
		unstuck := false
		tick := time.NewTicker(20 * time.Millisecond)
		defer tick.Stop()
		for {
			select {
			case <-done:
				continued <- unstuck
				return
			case <-tick.C:
			}
			for _, pid := range unknownStoppedChildren() {
				if syscall.Kill(pid, syscall.SIGCONT) == nil {
					unstuck = true
				}
			}
		}
	}()
	pid, err := syscall.ForkExec(path, args, attr)
	close(done)
	if <-continued && err == nil {
		syscall.Kill(pid, syscall.SIGTSTP)
	}
	return pid, err
}

// unknownStoppedChildren lists our stopped children that the reaper has
// not recorded. It reads reaper.procs while Start holds reaper.mu, so
// the map does not change meanwhile.
func unknownStoppedChildren() []int {
	files, _ := filepath.Glob("/proc/self/task/*/children")
	var pids []int
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			continue
		}
		for _, s := range strings.Fields(string(b)) {
			pid, err := strconv.Atoi(s)
			if err != nil || reaper.procs[pid] != nil {
				continue
			}
			if procState(pid) == "T" {
				pids = append(pids, pid)
			}
		}
	}
	return pids
}

// procState returns a process's state letter from /proc/PID/stat.
func procState(pid int) string {
	b, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/stat")
	if err != nil {
		return ""
	}
	s := string(b)
	i := strings.LastIndexByte(s, ')')
	if i < 0 || i+2 >= len(s) {
		return ""
	}
	return s[i+2 : i+3]
}
