package shell

import (
	"os"
	"strings"
	"testing"
)

// TestPanicIsInternalError: a Go panic inside the interpreter, at the top
// level, in a pipeline stage on its own goroutine or in a process
// substitution, becomes one "gosh: internal error" line and status 2
// instead of a crash. The panic comes from a builtin only this test
// registers.
func TestPanicIsInternalError(t *testing.T) {
	builtins["__test_panic"] = func(*Runner, []string) int { panic("test panic") }
	defer delete(builtins, "__test_panic")
	for _, tc := range []struct {
		script, stdout string
		status         int
	}{
		{"echo before; __test_panic; echo after", "before\n", 2},
		{"__test_panic | cat; echo \"after ${PIPESTATUS[*]}\"", "after 2 0\n", 0},
		{"echo x | { __test_panic; echo no; }; echo \"after ${PIPESTATUS[1]}\"", "after 2\n", 0},
		{"cat <(__test_panic); echo after", "after\n", 0},
		{"(__test_panic); echo \"after $?\"", "after 2\n", 0},
		{"x=$(__test_panic); echo \"after $?\"", "after 2\n", 0},
	} {
		dir := t.TempDir()
		out, err := os.Create(dir + "/out")
		if err != nil {
			t.Fatal(err)
		}
		errf, err := os.Create(dir + "/err")
		if err != nil {
			t.Fatal(err)
		}
		r := New(WithStdio(nil, out, errf), WithDir(dir))
		r.RunCommand(tc.script)
		status := r.Exit()
		out.Close()
		errf.Close()
		gotOut, _ := os.ReadFile(dir + "/out")
		gotErr, _ := os.ReadFile(dir + "/err")
		if string(gotOut) != tc.stdout || status != tc.status {
			t.Errorf("%q: stdout %q status %d, want %q %d (stderr %q)", tc.script, gotOut, status, tc.stdout, tc.status, gotErr)
		}
		if strings.Count(string(gotErr), "gosh: internal error: test panic\n") != 1 {
			t.Errorf("%q: stderr %q, want one internal error line", tc.script, gotErr)
		}
	}
}
