package main

import (
	"os"
	"os/signal"
	"syscall"

	goshexec "gosh/exec"
	"gosh/shell"

	"golang.org/x/sys/unix"
)

// setupJobControl turns on job control for the interactive shell r on the
// terminal tty: gosh waits until it is in the foreground (stopped by
// SIGTTIN meanwhile, when started in the background), moves into a
// process group of its own, takes the terminal and saves its settings.
// From then on the stop signals from the terminal (SIGTSTP, SIGTTIN,
// SIGTTOU) are caught, not ignored, so the shell never stops while its
// children still get the default actions; SIGHUP hangs up the jobs.
//
// restore hands the terminal back to the process group that had it; the
// REPL calls it when the shell exits. When tty is not a terminal, job
// control stays off and err is nil; other failures leave it off too.
func setupJobControl(r *shell.Runner, tty *os.File) (restore func(), err error) {
	if _, err := unix.IoctlGetTermios(int(tty.Fd()), unix.TCGETS); err != nil {
		return func() {}, nil
	}
	t, err := goshexec.AcquireTerminal(tty)
	if err != nil {
		return func() {}, err
	}
	shell.WithTerminal(t)(r)
	own := make(chan os.Signal, 4)
	signal.Notify(own, ownSignals...)
	go func() {
		for sig := range own {
			// The shell itself never stops on the terminal's stop
			// signals, and ignores SIGTERM and SIGQUIT; its jobs do
			// not. SIGINT stops what the shell itself runs.
			if sig == syscall.SIGINT {
				r.Interrupt()
			}
		}
	}()
	stopHangup, rearmHangup := catchHangup(r)
	r.OnTrapReset(func(sig syscall.Signal) {
		// trap - SIG dropped our registrations for it: take it again.
		for _, s := range ownSignals {
			if s == sig {
				signal.Notify(own, sig)
			}
		}
		if sig == syscall.SIGHUP {
			rearmHangup()
		}
	})
	return func() {
		stopHangup()
		t.Release()
	}, nil
}

// ownSignals are caught by an interactive shell with job control for its
// own sake; children get them with default actions.
var ownSignals = []os.Signal{syscall.SIGINT, syscall.SIGTERM, syscall.SIGQUIT,
	syscall.SIGTSTP, syscall.SIGTTIN, syscall.SIGTTOU}
