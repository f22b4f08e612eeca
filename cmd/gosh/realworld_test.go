package main

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
)

// TestRealWorld runs the scripts in testdata/realworld, written in the
// style of real tools (getopts, functions, traps, here-docs, arrays,
// pipelines), and compares their combined stdout and stderr plus a final
// "[exit N]" line with NAME.out. For each NAME.sh: NAME.setup, if present,
// is run first in the same fresh directory; NAME.args holds the
// arguments (split on blanks); NAME.in is stdin (else /dev/null).
//
// When bash is installed the same run is repeated with bash and must give
// the same output, except for one deliberate difference: gosh prefixes
// its own error messages with "gosh: " ("gosh: x.sh: line 3: ..." where
// bash prints "x.sh: line 3: ..."), which the comparison removes.
func TestRealWorld(t *testing.T) {
	dir := filepath.Join("..", "..", "testdata", "realworld")
	scripts, _ := filepath.Glob(filepath.Join(dir, "*.sh"))
	if len(scripts) < 5 {
		t.Fatalf("want at least five real-world scripts in %s, found %d", dir, len(scripts))
	}
	self, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	bin := t.TempDir()
	gosh := filepath.Join(bin, "gosh")
	if err := os.Symlink(self, gosh); err != nil {
		t.Fatal(err)
	}
	bash, _ := exec.LookPath("bash")
	for _, script := range scripts {
		name := strings.TrimSuffix(filepath.Base(script), ".sh")
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			want, err := os.ReadFile(filepath.Join(dir, name+".out"))
			if err != nil {
				t.Fatal(err)
			}
			got := runRealWorld(t, gosh, dir, name)
			if got != string(want) {
				t.Errorf("gosh output differs from %s.out\n--- got\n%s--- want\n%s", name, got, want)
			}
			if bash == "" {
				return
			}
			b := runRealWorld(t, bash, dir, name)
			if g := goshPrefix.ReplaceAllString(got, "$1"); g != b {
				t.Errorf("gosh and bash differ on %s\n--- gosh\n%s--- bash\n%s", name, g, b)
			}
		})
	}
}

var goshPrefix = regexp.MustCompile(`(?m)^((?:  \| )?)gosh: `)

// runRealWorld runs one script with shell in a fresh directory and returns
// its combined output followed by "[exit N]".
func runRealWorld(t *testing.T, shell, dir, name string) string {
	work := t.TempDir()
	src, err := os.ReadFile(filepath.Join(dir, name+".sh"))
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(work, name+".sh"), src, 0o755); err != nil {
		t.Fatal(err)
	}
	env := []string{"PATH=" + os.Getenv("PATH"), "HOME=" + work, "LC_ALL=C", "TMPDIR=" + work}
	if setup, err := os.ReadFile(filepath.Join(dir, name+".setup")); err == nil {
		cmd := exec.Command(shell, "-c", string(setup))
		cmd.Dir, cmd.Env = work, env
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("%s setup: %v\n%s", shell, err, out)
		}
	}
	var args []string
	if a, err := os.ReadFile(filepath.Join(dir, name+".args")); err == nil {
		args = strings.Fields(string(a))
	}
	cmd := exec.Command(shell, append([]string{name + ".sh"}, args...)...)
	cmd.Dir, cmd.Env = work, env
	if in, err := os.Open(filepath.Join(dir, name+".in")); err == nil {
		defer in.Close()
		cmd.Stdin = in
	}
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	status := 0
	if err := cmd.Run(); err != nil {
		ee, ok := err.(*exec.ExitError)
		if !ok {
			t.Fatalf("%s %s: %v", shell, name, err)
		}
		status = ee.ExitCode()
	}
	return out.String() + "[exit " + strconv.Itoa(status) + "]\n"
}
