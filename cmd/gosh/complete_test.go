package main

import (
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"gosh/shell"
)

// newTestRunner returns a Runner in dir with HOME=dir and a PATH of one
// directory holding the executables named in bins.
func newTestRunner(t *testing.T, dir string, bins ...string) *shell.Runner {
	t.Helper()
	bin := filepath.Join(dir, "bin")
	os.MkdirAll(bin, 0o755)
	for _, b := range bins {
		os.WriteFile(filepath.Join(bin, b), []byte("#!/bin/sh\n"), 0o755)
	}
	return shell.New(shell.WithEnv([]string{"HOME=" + dir, "PATH=" + bin, "GOSH_TEST_VAR=1", "GOSH_TEST_VAX=2"}),
		shell.WithDir(dir), shell.WithStdio(nil, nil, nil))
}

func TestCompleteTable(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	for _, f := range []string{"a file", "a$b", "only.txt", ".hidden", "it's"} {
		os.WriteFile(filepath.Join(dir, f), nil, 0o644)
	}
	os.Mkdir(filepath.Join(dir, "adir"), 0o755)
	os.WriteFile(filepath.Join(dir, "adir", "inside"), nil, 0o644)
	os.Symlink("adir", filepath.Join(dir, "alink"))
	r := newTestRunner(t, dir, "zzcmd-one", "zzcmd-two", "notexec")
	os.Chmod(filepath.Join(dir, "bin", "notexec"), 0o644)
	r.RunCommand("zzfunc() { :; }; alias zzalias=true")
	r.RunCommand(`complete -W 'alpha beta both' zzw; complete -o nospace -W ad zzn; complete -o filenames -d zzd
		_zzf() { COMPREPLY=("$2wo-${COMP_WORDS[0]}-$COMP_CWORD" "$COMP_LINE"); }; complete -F _zzf zzf`)
	for _, tc := range []struct {
		line  string
		want  []string
		shown int
	}{
		// Files: quoting, directories, symlinks to directories.
		{"cat o", []string{"nly.txt "}, 1},
		{"cat a", []string{`\ file `, `\$b `, "dir/", "link/"}, 1},
		{`cat a\ `, []string{"file "}, 2},
		{`cat "a `, []string{`file" `}, 2},
		{`cat 'a`, []string{` file' `, `$b' `, "dir/", "link/"}, 1},
		{"cat it", []string{`\'s `}, 2},
		{"cat adir/", []string{"inside "}, 0},
		{"cat ~/adir/i", []string{"nside "}, 1},
		{"cat .h", []string{"idden "}, 2},
		{"cat nothing", nil, 0},
		// Commands: PATH executables, functions, aliases, builtins.
		{"zzc", []string{"md-one ", "md-two "}, 3},
		{"zzf", []string{"unc "}, 3},
		{"zza", []string{"lias "}, 3},
		{"echo x | zzcmd-t", []string{"wo "}, 7},
		{"FOO=1 zzf", []string{"unc "}, 3},
		{"notex", nil, 5},
		{"histor", []string{"y "}, 6},
		// Not a command position: files.
		{"echo zzc", nil, 0},
		// Variables.
		{"echo $GOSH_TEST_VA", []string{"R ", "X "}, 12},
		{"echo ${GOSH_TEST_VAR", []string{"} "}, 13},
		// ~user
		{"echo ~roo", []string{"t/"}, 3},
		// Completion specs (complete -W, -F, -o nospace, -o filenames).
		{"zzw b", []string{"eta ", "oth "}, 1},
		{"ls | zzw x", nil, 0},
		{"zzf one tw", []string{"wo-zzf-2 "}, 2},
		{"zzn a", []string{"d"}, 1},
		{"zzd a", []string{"dir/", "link/"}, 1},
	} {
		got, shown := complete(r, wordAt(tc.line))
		if strings.HasPrefix(tc.line, "echo ~") && !hasUser("root") {
			continue
		}
		if !reflect.DeepEqual(got, tc.want) || (len(tc.want) > 0 && shown != tc.shown) {
			t.Errorf("complete(%q) = %q, %d; want %q, %d", tc.line, got, shown, tc.want, tc.shown)
		}
	}
}

func hasUser(name string) bool {
	for _, n := range userNames() {
		if n == name {
			return true
		}
	}
	return false
}

func TestWordAt(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		line    string
		value   string
		quote   quoting
		command bool
	}{
		{"", "", unquoted, true},
		{"ls", "ls", unquoted, true},
		{"ls ", "", unquoted, false},
		{"ls -l f", "f", unquoted, false},
		{`cat "a b`, "a b", inDouble, false},
		{`cat 'a b`, "a b", inSingle, false},
		{`cat a\ b`, "a b", unquoted, false},
		{`cat "a\"b`, `a"b`, inDouble, false},
		{"a && b", "b", unquoted, true},
		{"a; ", "", unquoted, true},
		{"if tr", "tr", unquoted, true},
		{"x=1 y=2 c", "c", unquoted, true},
		{"cat < f", "f", unquoted, false},
		{"(ec", "ec", unquoted, true},
	} {
		w := wordAt(tc.line)
		if w.value != tc.value || w.quote != tc.quote || w.command != tc.command {
			t.Errorf("wordAt(%q) = %q %v %v; want %q %v %v", tc.line, w.value, w.quote, w.command, tc.value, tc.quote, tc.command)
		}
	}
}

func TestCompleteEmptyAndInitial(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	r := newTestRunner(t, dir, "zzcmd-one")
	if got, _ := complete(r, wordAt("")); got != nil {
		t.Errorf("empty line without complete -E: %q", got)
	}
	r.RunCommand("complete -W empty-line -E; complete -W zzcmd-init -I")
	for _, tc := range []struct {
		line string
		want []string
	}{
		{"", []string{"empty-line "}},
		{"x; zzc", []string{"md-init "}},
		{"zzcmd-one z", nil}, // arguments: no spec, files
	} {
		if got, _ := complete(r, wordAt(tc.line)); !reflect.DeepEqual(got, tc.want) {
			t.Errorf("complete(%q) = %q; want %q", tc.line, got, tc.want)
		}
	}
}

func TestCompleterLimits(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	var bins []string
	for i := 0; i < maxListed+10; i++ {
		bins = append(bins, fmt.Sprintf("zzmany%03d", i))
	}
	r := newTestRunner(t, dir, bins...)
	do := completer(r)
	if got, _ := do([]rune(""), 0); got != nil {
		t.Errorf("Tab on an empty line completed %d commands", len(got))
	}
	got, _ := do([]rune("zzm"), 3)
	if len(got) != 1 || string(got[0]) != "any" {
		t.Errorf("Tab with %d candidates: %q, want only the common part", maxListed+10, got)
	}
	got, _ = do([]rune("zzmany0"), 7)
	if len(got) != 100 {
		t.Errorf("Tab with 100 candidates: %d listed", len(got))
	}
}
