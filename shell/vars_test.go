package shell

import (
	"os"
	"path/filepath"
	"testing"
)

// runCapture runs src in a new runner and returns what it wrote to stdout.
func runCapture(t *testing.T, src string) string {
	t.Helper()
	out, err := os.Create(filepath.Join(t.TempDir(), "out"))
	if err != nil {
		t.Fatal(err)
	}
	defer out.Close()
	r := New(WithEnv([]string{"PATH=/usr/bin:/bin"}), WithStdio(nil, out, nil))
	r.RunSource([]byte(src), "test")
	data, err := os.ReadFile(out.Name())
	if err != nil {
		t.Fatal(err)
	}
	return string(data)
}

// TestSubshellVarsCopyOnWrite checks that subshells sharing the parent's
// variables (until one side writes) never see each other's writes, also
// when pipeline stages and process substitutions run at once (run with
// -race).
func TestSubshellVarsCopyOnWrite(t *testing.T) {
	for _, tc := range []struct{ src, want string }{
		{`x=1; y=$(x=2; echo $x); echo $x $y`, "1 2\n"},
		{`x=1; (x=3; unset x); echo $x`, "1\n"},
		{`x=1; echo a | { read x; echo $x; }; echo $x`, "a\n1\n"},
		{`x=1; f() { local x=5; y=$(echo $x; x=6); echo $x $y; }; f; echo $x`, "5 5\n1\n"},
		{`x=1; { x=2; unset y; } | { i=0; while [ $i -lt 50 ]; do y=$y$x; i=$((i+1)); done; echo ${#y}; }; echo $x`, "50\n1\n"},
		{`x=1; cat <(i=0; while [ $i -lt 50 ]; do x=$i; i=$((i+1)); done; echo $x) <(echo $x); echo $x`, "49\n1\n1\n"},
		{`x=a; for i in 1 2 3; do x=$x$(echo $x | cat); done; echo $x`, "aaaaaaaa\n"},
	} {
		if got := runCapture(t, tc.src); got != tc.want {
			t.Errorf("%s: got %q, want %q", tc.src, got, tc.want)
		}
	}
}
