package main

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
)

func TestOneLine(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct{ in, want string }{
		{"echo a", "echo a"},
		{"if true\nthen echo yes\nfi", "if true; then echo yes; fi"},
		{"echo a |\ntr a b", "echo a | tr a b"},
		{"for i in 1 2\ndo\necho $i\ndone", "for i in 1 2; do echo $i; done"},
		{"echo 'a\nb'", "echo 'a\nb'"},
		{"cat <<EOF\nx\nEOF", "cat <<EOF\nx\nEOF"},
		{"f() {\necho x\n}", "f() { echo x; }"},
	} {
		if got := oneLine(tc.in); got != tc.want {
			t.Errorf("oneLine(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

// Concurrent appenders, some trimming the file, lose no entry of the
// last HISTFILESIZE and never interleave.
func TestAppendHistoryConcurrent(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), "hist")
	const writers, each = 4, 50
	var wg sync.WaitGroup
	for w := 0; w < writers; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; i < each; i++ {
				if err := appendHistory(path, fmt.Sprintf("echo writer%d entry%d", w, i), -1); err != nil {
					t.Error(err)
				}
			}
		}()
	}
	wg.Wait()
	data, _ := os.ReadFile(path)
	lines := strings.Split(strings.TrimSuffix(string(data), "\n"), "\n")
	if len(lines) != writers*each {
		t.Fatalf("got %d lines, want %d", len(lines), writers*each)
	}
	seen := map[string]bool{}
	for _, l := range lines {
		seen[l] = true
	}
	for w := 0; w < writers; w++ {
		for i := 0; i < each; i++ {
			if l := fmt.Sprintf("echo writer%d entry%d", w, i); !seen[l] {
				t.Fatalf("lost %q", l)
			}
		}
	}
	// Trimming while others append keeps exactly the newest lines.
	var wg2 sync.WaitGroup
	for w := 0; w < writers; w++ {
		wg2.Add(1)
		go func() {
			defer wg2.Done()
			for i := 0; i < each; i++ {
				appendHistory(path, fmt.Sprintf("second%d-%d", w, i), 30)
			}
		}()
	}
	wg2.Wait()
	data, _ = os.ReadFile(path)
	lines = strings.Split(strings.TrimSuffix(string(data), "\n"), "\n")
	if len(lines) != 30 {
		t.Fatalf("after trimming: %d lines, want 30:\n%s", len(lines), data)
	}
	for _, l := range lines {
		if !strings.HasPrefix(l, "second") {
			t.Fatalf("after trimming, an old or broken line: %q", l)
		}
	}
}

func TestHistoryBuiltin(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	r := newTestRunner(t, dir)
	r.SetVar("HISTFILE", filepath.Join(dir, "h"))
	r.SetVar("HISTCONTROL", "ignoreboth")
	h := loadHistory(r)
	r.SetHistory(h)
	for _, c := range []string{"echo one", "echo two", "echo two", " secret", "echo three"} {
		h.Add(r, c)
	}
	if got := strings.Join(h.Entries(), "|"); got != "echo one|echo two|echo three" {
		t.Fatalf("entries with ignoreboth: %q", got)
	}
	out := filepath.Join(dir, "out")
	r.RunCommand("history 2 >" + out + "; history -d 1; history >>" + out)
	data, _ := os.ReadFile(out)
	want := "    2  echo two\n    3  echo three\n    1  echo two\n    2  echo three\n"
	if string(data) != want {
		t.Fatalf("history output:\n%s\nwant:\n%s", data, want)
	}
	file, _ := os.ReadFile(filepath.Join(dir, "h"))
	if string(file) != "echo one\necho two\necho three\n" {
		t.Fatalf("history file: %q", file)
	}
	r.RunCommand("history -c")
	if len(h.Entries()) != 0 || h.Next() != 1 {
		t.Fatalf("after history -c: %q next %d", h.Entries(), h.Next())
	}
}

func TestHistoryExpand(t *testing.T) {
	t.Parallel()
	h := &History{first: 10, entries: []string{
		"ls -l /tmp",
		`grep "a b" file | sort`,
		"echo one two three",
	}}
	for _, tc := range []struct{ in, want, err string }{
		{"!!", "echo one two three", ""},
		{"sudo !!", "sudo echo one two three", ""},
		{"!10", "ls -l /tmp", ""},
		{"!-2", `grep "a b" file | sort`, ""},
		{"!gr", `grep "a b" file | sort`, ""},
		{"!?tmp?", "ls -l /tmp", ""},
		{"cat !$", "cat three", ""},
		{"x !^ !*", "x one one two three", ""},
		{"!11:1", `"a b"`, ""},
		{"!11:3-4", "| sort", ""},
		{"!!:0", "echo", ""},
		{"!10:1-", "-l", ""}, // x- is x to the word before last, as in bash
		{"echo 'no !! here'", "echo 'no !! here'", ""},
		{`echo \!! "wow!" a != b !`, `echo \!! "wow!" a != b !`, ""},
		{`echo "!!"`, `echo "echo one two three"`, ""},
		{"!nothing", "", "!nothing: event not found"},
		{"!99", "", "!99: event not found"},
		{"!!:9", "", "!!:9: event not found"},
	} {
		got, changed, err := h.Expand(tc.in)
		if tc.err != "" {
			if err == nil || err.Error() != tc.err {
				t.Errorf("Expand(%q): error %v, want %q", tc.in, err, tc.err)
			}
			continue
		}
		if err != nil || got != tc.want || changed != (tc.in != tc.want) {
			t.Errorf("Expand(%q) = %q, %v, %v; want %q", tc.in, got, changed, err, tc.want)
		}
	}
}
