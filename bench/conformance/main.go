package main

import (
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"
)

// expect is one expected outcome of a case; nil fields are not checked.
type expect struct {
	stdout *string
	stderr *string
	status *int
}

// variant is an expectation qualified by kind (OK, BUG, N-I) and shells.
type variant struct {
	kind   string // "OK", "BUG", "N-I"
	shells []string
	expect
}

type tcase struct {
	file, name string
	line       int
	code       string
	def        expect
	variants   []variant
}

type result struct {
	stdout, stderr string
	status         int
}

func main() {
	shells := flag.String("shells", "gosh=/tmp/gosh,bash=bash,dash=dash", "comma-separated name=path list")
	only := flag.String("only", "", "run only files whose base name matches this regexp")
	skip := flag.String("skip", `^(ysh-|hay|ble-|zsh-|interactive|spec-harness)`, "skip files whose base name matches this regexp")
	jobs := flag.Int("j", 2, "cases run at once")
	timeout := flag.Duration("timeout", 5*time.Second, "time limit per case")
	failOut := flag.String("fail", "", "write gosh's failing cases (name, want, got) to this file")
	mdOut := flag.String("md", "", "write the per-file table as Markdown to this file")
	extraPath := flag.String("path", "", "directories put at the front of PATH (e.g. one with a python2 link)")
	flag.Parse()
	if flag.NArg() != 1 {
		fmt.Fprintln(os.Stderr, "usage: conformance [flags] SUITE_DIR")
		os.Exit(2)
	}
	dir := flag.Arg(0)
	var names, paths []string
	for _, kv := range strings.Split(*shells, ",") {
		n, p, ok := strings.Cut(kv, "=")
		if !ok {
			n, p = kv, kv
		}
		if lp, err := exec.LookPath(p); err == nil {
			p, _ = filepath.Abs(lp)
		}
		names = append(names, n)
		paths = append(paths, p)
	}
	files, _ := filepath.Glob(filepath.Join(dir, "*.test.sh"))
	sort.Strings(files)
	var onlyRe, skipRe *regexp.Regexp
	if *only != "" {
		onlyRe = regexp.MustCompile(*only)
	}
	if *skip != "" {
		skipRe = regexp.MustCompile(*skip)
	}
	root, _ := filepath.Abs(filepath.Dir(filepath.Clean(dir)))
	binDir, _ := filepath.Abs(filepath.Join(dir, "bin"))
	if *extraPath != "" {
		binDir = *extraPath + ":" + binDir
	}

	type row struct {
		file  string
		cases int
		pass  []int
		same  []int
	}
	var rows []row
	var failBuf bytes.Buffer
	total := row{file: "TOTAL", pass: make([]int, len(names)), same: make([]int, len(names))}
	for _, f := range files {
		base := filepath.Base(f)
		if (onlyRe != nil && !onlyRe.MatchString(base)) || (skipRe != nil && skipRe.MatchString(base)) {
			continue
		}
		cases, err := parseFile(f)
		if err != nil {
			fmt.Fprintln(os.Stderr, "conformance:", err)
			continue
		}
		rw := row{file: strings.TrimSuffix(base, ".test.sh"), cases: len(cases), pass: make([]int, len(names)), same: make([]int, len(names))}
		results := make([][]result, len(cases))
		var wg sync.WaitGroup
		sem := make(chan struct{}, *jobs)
		for i := range cases {
			results[i] = make([]result, len(names))
			for j := range names {
				wg.Add(1)
				sem <- struct{}{}
				go func(i, j int) {
					defer wg.Done()
					defer func() { <-sem }()
					results[i][j] = runCase(cases[i].code, paths[j], root, binDir, *timeout)
				}(i, j)
			}
		}
		wg.Wait()
		bashIdx := indexOf(names, "bash")
		for i, c := range cases {
			for j, n := range names {
				ok := passes(c, n, results[i][j])
				if ok {
					rw.pass[j]++
				}
				if bashIdx >= 0 && results[i][j].stdout == results[i][bashIdx].stdout && results[i][j].status == results[i][bashIdx].status {
					rw.same[j]++
				}
				if !ok && n == "gosh" && *failOut != "" {
					bashMark := ""
					if bashIdx >= 0 && passes(c, "bash", results[i][bashIdx]) {
						bashMark = " [bash passes]"
					}
					fmt.Fprintf(&failBuf, "=== %s:%d %s%s\n--- code\n%s--- want stdout %s status %s\n--- got status %d\n%s--- got stderr\n%s\n",
						base, c.line, c.name, bashMark, c.code, showStr(c.def.stdout), showInt(c.def.status),
						results[i][j].status, results[i][j].stdout, results[i][j].stderr)
				}
			}
		}
		rows = append(rows, rw)
		total.cases += rw.cases
		for j := range names {
			total.pass[j] += rw.pass[j]
			total.same[j] += rw.same[j]
		}
		fmt.Fprintf(os.Stderr, "%-28s %4d", rw.file, rw.cases)
		for j, n := range names {
			fmt.Fprintf(os.Stderr, "  %s %d", n, rw.pass[j])
		}
		fmt.Fprintln(os.Stderr)
	}
	rows = append(rows, total)

	var md bytes.Buffer
	fmt.Fprintf(&md, "| file | cases |")
	for _, n := range names {
		fmt.Fprintf(&md, " %s pass |", n)
	}
	for _, n := range names {
		if n != "bash" {
			fmt.Fprintf(&md, " %s same as bash |", n)
		}
	}
	fmt.Fprintf(&md, "\n|---|---:|%s%s\n", strings.Repeat("---:|", len(names)), strings.Repeat("---:|", len(names)-1))
	for _, rw := range rows {
		name := rw.file
		if name == "TOTAL" {
			name = "**TOTAL**"
		}
		fmt.Fprintf(&md, "| %s | %d |", name, rw.cases)
		for j := range names {
			fmt.Fprintf(&md, " %d |", rw.pass[j])
		}
		for j, n := range names {
			if n != "bash" {
				fmt.Fprintf(&md, " %d |", rw.same[j])
			}
		}
		md.WriteString("\n")
	}
	os.Stdout.Write(md.Bytes())
	if *mdOut != "" {
		os.WriteFile(*mdOut, md.Bytes(), 0o644)
	}
	if *failOut != "" {
		os.WriteFile(*failOut, failBuf.Bytes(), 0o644)
	}
}

func indexOf(s []string, x string) int {
	for i, v := range s {
		if v == x {
			return i
		}
	}
	return -1
}

func showStr(p *string) string {
	if p == nil {
		return "(any)"
	}
	return strconv.Quote(*p)
}

func showInt(p *int) string {
	if p == nil {
		return "0"
	}
	return strconv.Itoa(*p)
}

// passes reports whether res satisfies the case for the named shell.
func passes(c tcase, shell string, res result) bool {
	accept := []string{shell}
	if shell == "gosh" {
		accept = append(accept, "bash")
	}
	for _, v := range c.variants {
		if v.kind != "OK" {
			continue
		}
		for _, s := range v.shells {
			if indexOf(accept, s) >= 0 && matches(merge(c.def, v.expect), res) {
				return true
			}
		}
	}
	return matches(c.def, res)
}

// merge lays a variant over the default: a variant that states only a
// status keeps the default stdout, as the suite's own runner does.
func merge(def, v expect) expect {
	out := def
	if v.stdout != nil {
		out.stdout = v.stdout
	}
	if v.stderr != nil {
		out.stderr = v.stderr
	}
	if v.status != nil {
		out.status = v.status
	}
	return out
}

func matches(e expect, res result) bool {
	if e.stdout != nil && *e.stdout != res.stdout {
		return false
	}
	if e.stderr != nil && *e.stderr != res.stderr {
		return false
	}
	want := 0
	if e.status != nil {
		want = *e.status
	}
	return want == res.status
}

var qualRe = regexp.MustCompile(`^(OK|BUG|N-I)(-\d+)?\s+(\S+)\s+(.*)$`)

// parseFile reads the cases of one spec file.
func parseFile(path string) ([]tcase, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	base := filepath.Base(path)
	lines := strings.Split(string(data), "\n")
	var cases []tcase
	var cur *tcase
	var code strings.Builder
	flush := func() {
		if cur != nil {
			// Leading blank lines are not part of the case (LINENO
			// expectations count from its first line of code).
			cur.code = strings.TrimLeft(code.String(), "\n")
			cases = append(cases, *cur)
		}
		code.Reset()
	}
	for i := 0; i < len(lines); i++ {
		ln := lines[i]
		if strings.HasPrefix(ln, "#### ") {
			flush()
			cur = &tcase{file: base, name: strings.TrimPrefix(ln, "#### "), line: i + 1}
			continue
		}
		if cur == nil {
			continue
		}
		if !strings.HasPrefix(ln, "## ") {
			code.WriteString(ln)
			code.WriteString("\n")
			continue
		}
		meta := strings.TrimPrefix(ln, "## ")
		kind, shells := "", []string(nil)
		if m := qualRe.FindStringSubmatch(meta); m != nil {
			kind, shells, meta = m[1], strings.Split(m[3], "/"), m[4]
		}
		key, val, _ := strings.Cut(meta, ":")
		val = strings.TrimSpace(val)
		var e expect
		switch key {
		case "stdout":
			s := val + "\n"
			e.stdout = &s
		case "stderr":
			s := val + "\n"
			e.stderr = &s
		case "stdout-json", "stderr-json":
			var s string
			if json.Unmarshal([]byte(val), &s) != nil {
				continue
			}
			if key == "stdout-json" {
				e.stdout = &s
			} else {
				e.stderr = &s
			}
		case "STDOUT", "STDERR":
			var b strings.Builder
			for i++; i < len(lines) && !strings.HasPrefix(lines[i], "## "); i++ {
				b.WriteString(lines[i])
				b.WriteString("\n")
			}
			// lines[i] is "## END" or the next directive: step back for
			// the latter so the loop reads it.
			if i < len(lines) && !strings.HasPrefix(lines[i], "## END") {
				i--
			}
			s := b.String()
			if key == "STDOUT" {
				e.stdout = &s
			} else {
				e.stderr = &s
			}
		case "status", "code":
			n, err := strconv.Atoi(val)
			if err != nil {
				continue
			}
			e.status = &n
		default:
			continue
		}
		if kind == "" {
			cur.def = merge(cur.def, e)
			continue
		}
		// Several lines may qualify the same shells (a status line and a
		// STDOUT block): fold them into one variant.
		joined := false
		for k := range cur.variants {
			v := &cur.variants[k]
			if v.kind == kind && strings.Join(v.shells, "/") == strings.Join(shells, "/") {
				v.expect = merge(v.expect, e)
				joined = true
			}
		}
		if !joined {
			cur.variants = append(cur.variants, variant{kind: kind, shells: shells, expect: e})
		}
	}
	flush()
	return cases, nil
}

// runCase runs code with one shell in a fresh directory.
func runCase(code, shell, root, binDir string, timeout time.Duration) result {
	tmp, err := os.MkdirTemp("", "conf-")
	if err != nil {
		return result{stderr: err.Error(), status: -1}
	}
	defer os.RemoveAll(tmp)
	script := filepath.Join(tmp, "case.sh")
	os.WriteFile(script, []byte(code), 0o644)
	work := filepath.Join(tmp, "work")
	os.Mkdir(work, 0o755)
	os.Mkdir(filepath.Join(work, "_tmp"), 0o755) // some cases write there
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, shell, script)
	cmd.Dir = work
	cmd.Env = []string{
		"PATH=" + binDir + ":/usr/local/bin:/usr/bin:/bin",
		"HOME=" + work, "LC_ALL=C.UTF-8",
		"SH=" + shell, "TMP=" + work, "REPO_ROOT=" + root,
	}
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	cmd.Cancel = func() error { return syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL) }
	cmd.WaitDelay = time.Second
	var out, errb bytes.Buffer
	cmd.Stdout = &limited{w: &out, n: 1 << 20}
	cmd.Stderr = &limited{w: &errb, n: 1 << 20}
	err = cmd.Run()
	st := 0
	if err != nil {
		if ee, ok := err.(*exec.ExitError); ok {
			if ws, ok := ee.Sys().(syscall.WaitStatus); ok && ws.Signaled() {
				st = 128 + int(ws.Signal())
			} else {
				st = ee.ExitCode()
			}
		} else {
			st = -1
		}
	}
	if ctx.Err() != nil {
		st = -2
	}
	return result{stdout: out.String(), stderr: errb.String(), status: st}
}

// limited keeps at most n bytes so a runaway case cannot fill memory.
type limited struct {
	w io.Writer
	n int
}

func (l *limited) Write(p []byte) (int, error) {
	if l.n <= 0 {
		return len(p), nil
	}
	q := p
	if len(q) > l.n {
		q = q[:l.n]
	}
	l.n -= len(q)
	l.w.Write(q)
	return len(p), nil
}
