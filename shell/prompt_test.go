package shell

import (
	"os"
	"path/filepath"
	"testing"
	"time"
)

func TestExpandPrompt(t *testing.T) {
	// Not parallel: it sets promptNow.
	dir := t.TempDir()
	work := filepath.Join(dir, "work")
	os.Mkdir(work, 0o755)
	r := New(WithEnv([]string{"HOME=" + dir}), WithDir(work), WithStdio(nil, nil, nil))
	r.SetVar("HOME", dir)
	r.SetVar("HOSTNAME", "box.example.org")
	r.SetVar("X", "ex")
	old := promptNow
	promptNow = func() time.Time { return time.Date(2026, 3, 4, 15, 6, 7, 0, time.UTC) }
	defer func() { promptNow = old }()
	dollar := "$"
	if os.Geteuid() == 0 {
		dollar = "#"
	}
	for _, tc := range []struct{ ps, want string }{
		{`\h|\H`, "box|box.example.org"},
		{`\w|\W`, "~/work|work"},
		{`\$`, dollar},
		{`\t|\A|\T|\@|\d`, "15:06:07|15:06|03:06:07|03:06 PM|Wed Mar 04"},
		{`\j|\?`, "0|0"},
		{`\s`, "gosh"},
		{`\[\e[1m\]b\[\e[0m\]`, "\x1b[1mb\x1b[0m"},
		{`\101\n`, "A\n"},
		{`$X-$(echo sub)-$((2+3))`, "ex-sub-5"},
		{`\\ \z`, `\ \z`},
		{`\!`, "7"},
		{`trailing\`, `trailing\`},
	} {
		if got := r.PromptString(tc.ps, 7); got != tc.want {
			t.Errorf("PromptString(%q) = %q, want %q", tc.ps, got, tc.want)
		}
	}
	// The text of an escape is not expanded again.
	odd := filepath.Join(dir, "$X`x`")
	os.Mkdir(odd, 0o755)
	r.SetVar("PWD", odd)
	if got := r.PromptString(`\W $X`, 1); got != "$X`x` ex" {
		t.Errorf("escape text expanded again: %q", got)
	}
	r.SetVar("PWD", work)
	r.RunCommand("false")
	if got := r.PromptString(`\?`, 1); got != "1" {
		t.Errorf(`\? after false = %q`, got)
	}
}
