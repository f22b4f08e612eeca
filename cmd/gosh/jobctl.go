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
	stops := make(chan os.Signal, 1)
	signal.Notify(stops, syscall.SIGTSTP, syscall.SIGTTIN, syscall.SIGTTOU)
	go func() {
		for range stops {
			// The shell itself never stops; its foreground jobs do.
		}
	}()
	stopHangup := catchHangup(r)
	return func() {
		stopHangup()
		t.Release()
	}, nil
}
