package main

import (
	"bytes"
	"os/exec"
	"strings"
	"testing"
	"time"
)

// TestQuickRun runs the whole table in -quick mode against dash and bash
// (gosh too if it builds; a failing gosh does not fail the test) plus
// "liar", a fake shell (/bin/true) that does no work, and checks that the
// table has a row per workload and program, that dash's and bash's output
// of every workload matched the reference (so the scripts print the same
// thing in both), and that the liar was caught wherever the script prints
// something. It makes no timing assertions.
func TestQuickRun(t *testing.T) {
	if testing.Short() {
		t.Skip("runs every workload once per shell (about 15 s)")
	}
	for _, sh := range []string{"dash", "bash"} {
		if _, err := exec.LookPath(sh); err != nil {
			t.Skipf("%s not found", sh)
		}
	}
	dir := t.TempDir()
	var log bytes.Buffer
	var progs []Program
	for _, p := range DefaultPrograms(dir, "", &log) {
		if p.Broken != "" && p.Name == Subject {
			t.Logf("without gosh: %s", p.Broken)
			continue
		}
		progs = append(progs, p)
	}
	progs = append(progs, Program{Name: "liar", Path: "/bin/true", Shell: true})
	cfg := quickConfig(Config{Programs: progs, Workloads: Workloads, Timeout: 20 * time.Second, Dir: dir})
	rep, err := Run(cfg)
	if err != nil {
		t.Fatal(err)
	}
	var table bytes.Buffer
	rep.WriteTable(&table)
	t.Logf("\n%s", table.String())

	type key struct{ workload, program string }
	rows := map[key]Row{}
	for _, r := range rep.Rows {
		rows[key{r.Workload, r.Program}] = r
	}
	for _, w := range Workloads {
		if !strings.Contains(table.String(), w.Name) {
			t.Errorf("table has no row for %q", w.Name)
		}
		for _, p := range participants(progs, &w) {
			r, ok := rows[key{w.Name, p.Name}]
			if !ok {
				t.Errorf("%s: no row for %s", w.Name, p.Name)
				continue
			}
			switch p.Name {
			case "dash", "bash", "go-empty":
				if r.Status != "ok" || r.Runs == 0 {
					t.Errorf("%s: %s: %s %s", w.Name, p.Name, r.Status, r.Detail)
					continue
				}
				if out := r.Samples[0].Stdout; !w.Idle && w.Name != "startup -c true" && out == "" {
					t.Errorf("%s prints nothing in %s: a shell skipping the work would not be caught", w.Name, p.Name)
				}
			case "liar":
				if w.Name != "startup -c true" && r.Status != "FAIL" {
					t.Errorf("%s: a shell that does nothing was not caught: %s %s", w.Name, r.Status, r.Detail)
				}
			}
		}
	}
}

// TestJudge checks the verdict logic on synthetic rows.
func TestJudge(t *testing.T) {
	dash := &Row{Program: "dash", CPU: 100 * time.Millisecond, RSS: 2 * mib}
	by := map[string]*Row{"dash": dash}
	targets := []Target{{Metric: CPU, Against: "dash", Max: 1.5}, {Metric: RSS, Max: 8 * mib}}
	for _, tc := range []struct {
		cpu    time.Duration
		rss    int64
		absent bool
		want   string
	}{
		{cpu: 140 * time.Millisecond, rss: 5 * mib, want: "PASS"},
		{cpu: 160 * time.Millisecond, rss: 5 * mib, want: "MISS"},
		{cpu: 100 * time.Millisecond, rss: 9 * mib, want: "MISS"},
		{cpu: 100 * time.Millisecond, rss: 0, want: "n/a"},
		{cpu: 100 * time.Millisecond, rss: 5 * mib, absent: true, want: "n/a"},
	} {
		m := by
		if tc.absent {
			m = map[string]*Row{}
		}
		got, detail := judge(targets, &Row{Program: Subject, CPU: tc.cpu, RSS: tc.rss}, m)
		if got != tc.want {
			t.Errorf("cpu %v rss %d absent %v: %s (%s), want %s", tc.cpu, tc.rss, tc.absent, got, detail, tc.want)
		}
	}
}

// TestMedian checks odd and even counts.
func TestMedian(t *testing.T) {
	if got := median([]int64{5, 1, 3}); got != 3 {
		t.Errorf("median odd = %d", got)
	}
	if got := median([]int64{4, 1, 3, 2}); got != 2 {
		t.Errorf("median even = %d", got)
	}
	if got := median[int64](nil); got != 0 {
		t.Errorf("median empty = %d", got)
	}
}

// TestRunOnceFailure checks that a failing program is reported, not fatal,
// with the first line of its stderr.
func TestRunOnceFailure(t *testing.T) {
	s := runOnce([]string{"/bin/sh", "-c", "echo boom >&2; echo more >&2; exit 3"}, nil, 10*time.Second)
	if s.Err != "exit status 3: boom" {
		t.Errorf("Err = %q", s.Err)
	}
	s = runOnce([]string{"/nonexistent/gosh", "-c", "true"}, nil, 10*time.Second)
	if !strings.HasPrefix(s.Err, "start:") {
		t.Errorf("Err = %q", s.Err)
	}
	s = runOnce([]string{"/bin/sh", "-c", "sleep 10"}, nil, 200*time.Millisecond)
	if !strings.HasPrefix(s.Err, "timed out") {
		t.Errorf("Err = %q", s.Err)
	}
}
