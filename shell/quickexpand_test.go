package shell

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"mvdan.cc/sh/v3/expand"
	"mvdan.cc/sh/v3/syntax"
)

// TestQuickExpandMatchesGeneral checks the quick expanders against the
// general ones on words they handle and words they must refuse: wherever
// a quick expander answers, its answer must be the general expander's.
func TestQuickExpandMatchesGeneral(t *testing.T) {
	dir := t.TempDir()
	for _, f := range []string{"a1", "a2", "b"} {
		os.WriteFile(filepath.Join(dir, f), nil, 0o644)
	}
	words := []string{
		`[`, `]`, `]]`, `-lt`, `x`, `a[1]`, `a[`, `*`, `a*`, `a?`, `[ab]1`, `~`, `~/x`, `a{b,c}`, `{a..c}`, `}`,
		`$i`, `"$i"`, `${i}`, `$e`, `"$e"`, `$u`, `"$u"`, `$sp`, `"$sp"`, `$g`, `"$g"`, `$br`, `a$e`, `$e$e`,
		`""`, `''`, `'a b'`, `"a b"`, `"a\"b"`, `a\ b`, `$'a\tb'`, `x$i`, `$i$i`, `"$i"x'y'`, `$colon`,
		`$((i+1))`, `$((i*2-3))`, `$((i/0))`, `$((i%3))`, `$((-i))`, `$((!i))`, `$((i<5))`, `$((n))`,
		`$((ref))`, `$((i++))`, `$((010))`, `$((0x10))`, `$((2#101))`, `$((expr))`, `$((u+1))`, `"$((i))"`,
		`$?`, `$#`, `$1`, `$2`, `$9`, `$@`, `"$@"`, `$*`, `$-`, `$$`, `$arr`, `"$arr"`, `$RANDOM`, `$LINENO`,
		`$(echo hi)`, `${i:-x}`, `${#i}`, `$dash`, `$neg`,
	}
	setups := []struct {
		name string
		fn   func(r *Runner)
	}{
		{"default", func(r *Runner) {}},
		{"ifs-colon", func(r *Runner) { r.setVarString("IFS", ":") }},
		{"ifs-empty", func(r *Runner) { r.setVarString("IFS", "") }},
		{"ifs-digits", func(r *Runner) { r.setVarString("IFS", "1-") }},
		{"ifs-unset", func(r *Runner) { r.vars.unset("IFS") }},
		{"nounset", func(r *Runner) { r.opts.Nounset = true }},
		{"noglob", func(r *Runner) { r.opts.Noglob = true }},
		{"extglob-nullglob", func(r *Runner) { r.opts.ExtGlob, r.opts.NullGlob = true, true }},
	}
	for _, su := range setups {
		r := New(WithEnv(nil), WithDir(dir))
		r.params = []string{"p1", ""}
		for name, val := range map[string]string{"i": "7", "e": "", "sp": "a b", "g": "a*", "br": "[", "n": "-3",
			"ref": "i", "expr": "1+2", "colon": "a:b", "dash": "1-2", "neg": "-1"} {
			r.setVarString(name, val)
		}
		r.setVar("arr", expand.Variable{Set: true, Kind: expand.Indexed, List: []string{"x", "y"}})
		su.fn(r)
		for _, src := range words {
			f, err := syntax.NewParser().Parse(strings.NewReader("echo "+src), "")
			if err != nil {
				t.Fatalf("parse %q: %v", src, err)
			}
			w := f.Stmts[0].Cmd.(*syntax.CallExpr).Args[1]
			if got, ok := r.quickFields([]*syntax.Word{w}); ok {
				want, err := expand.Fields(r.cfg(), w)
				if err != nil || !slices.Equal(got, want) {
					t.Errorf("%s: fields %s: quick %q, general %q (%v)", su.name, src, got, want, err)
				}
			}
			if got, ok := r.quickLiteral(w); ok {
				want, err := expand.Literal(r.cfg(), w)
				if err != nil || got != want {
					t.Errorf("%s: literal %s: quick %q, general %q (%v)", su.name, src, got, want, err)
				}
			}
		}
	}
}

// TestQuickExpandCoversLoopWords makes sure the quick paths are taken for
// the words of a counting loop, the case they exist for.
func TestQuickExpandCoversLoopWords(t *testing.T) {
	r := New(WithEnv(nil))
	r.setVarString("i", "3")
	f, err := syntax.NewParser().Parse(strings.NewReader(`[ $i -lt 10 ]; i=$((i+1)); echo "$i" x$i`), "")
	if err != nil {
		t.Fatal(err)
	}
	test := f.Stmts[0].Cmd.(*syntax.CallExpr)
	if got, ok := r.quickFields(test.Args); !ok || !slices.Equal(got, []string{"[", "3", "-lt", "10", "]"}) {
		t.Errorf("test words: %q %v", got, ok)
	}
	as := f.Stmts[1].Cmd.(*syntax.CallExpr).Assigns[0]
	if got, ok := r.quickLiteral(as.Value); !ok || got != "4" {
		t.Errorf("i=$((i+1)): %q %v", got, ok)
	}
	echo := f.Stmts[2].Cmd.(*syntax.CallExpr)
	if got, ok := r.quickFields(echo.Args); !ok || !slices.Equal(got, []string{"echo", "3", "x3"}) {
		t.Errorf("echo words: %q %v", got, ok)
	}
}
