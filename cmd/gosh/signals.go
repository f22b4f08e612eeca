package main

import (
	"os"
	"os/signal"
	"sync"
	"syscall"

	goshexec "gosh/exec"
	"gosh/shell"
)

// hangupHooks run when an interactive shell is hung up, before it dies:
// the line editor saves its history there.
var hangupHooks struct {
	sync.Mutex
	fs []func()
}

// onHangup adds f to the work done when the terminal hangs up.
func onHangup(f func()) {
	hangupHooks.Lock()
	hangupHooks.fs = append(hangupHooks.fs, f)
	hangupHooks.Unlock()
}

// catchHangup makes SIGHUP end an interactive shell as in bash: its jobs
// get SIGHUP (and SIGCONT when stopped, or they could not act on it), the
// hangup hooks run, and gosh dies by SIGHUP. A `trap ... HUP` replaces
// all of this with the handler. stop stops catching; rearm catches again
// after signal.Reset.
func catchHangup(r *shell.Runner) (stop, rearm func()) {
	hup := make(chan os.Signal, 1)
	signal.Notify(hup, syscall.SIGHUP)
	done := make(chan struct{})
	go func() {
		for {
			select {
			case <-done:
				return
			case <-hup:
			}
			if r.Trapped(syscall.SIGHUP) {
				continue
			}
			r.HangUpJobs()
			hangupHooks.Lock()
			for _, f := range hangupHooks.fs {
				f()
			}
			hangupHooks.Unlock()
			goshexec.DieBySignal(syscall.SIGHUP)
		}
	}()
	return func() {
			signal.Stop(hup)
			close(done)
		}, func() {
			signal.Notify(hup, syscall.SIGHUP)
		}
}
