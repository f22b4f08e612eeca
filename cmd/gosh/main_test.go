package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"syscall"
	"testing"
	"time"

	"github.com/rogpeppe/go-internal/testscript"
)

// TestMain lets the test binary act as gosh itself (testscript installs it
// as `gosh` on PATH), and as small helper programs the tests need.
func TestMain(m *testing.M) {
	closeInheritedFds()
	testscript.Main(m, map[string]func(){
		"gosh": func() { os.Exit(run(os.Args, os.Stdin, os.Stdout, os.Stderr)) },
	})
}

// TestScripts runs the end-to-end scripts in testdata/script. Scripts
// named *_bash.txtar or *_dash.txtar also need that shell on PATH, which
// .ci/run installs; locally they are skipped without it.
func TestScripts(t *testing.T) {
	testscript.Run(t, testscript.Params{
		Dir:                 filepath.Join("..", "..", "testdata", "script"),
		RequireExplicitExec: true,
		Deadline:            time.Now().Add(8 * time.Minute),
		Setup: func(env *testscript.Env) error {
			env.Setenv("LC_ALL", "C")
			env.Setenv("HOME", env.WorkDir)
			return nil
		},
		Condition: func(cond string) (bool, error) {
			switch cond {
			case "bash", "dash", "strace", "tmux":
				_, err := exec.LookPath(cond)
				return err == nil, nil
			case "root":
				return os.Geteuid() == 0, nil
			}
			return false, nil
		},
	})
}

// closeInheritedFds marks every fd above 2 that the test binary inherited
// from whoever ran `go test` close-on-exec, so the gosh processes the
// tests start have exactly fds 0, 1 and 2, as the fd tests require.
func closeInheritedFds() {
	ents, err := os.ReadDir("/proc/self/fd")
	if err != nil {
		return
	}
	for _, e := range ents {
		if fd, err := strconv.Atoi(e.Name()); err == nil && fd > 2 {
			syscall.CloseOnExec(fd)
		}
	}
}
