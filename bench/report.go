package main

import (
	"encoding/json"
	"fmt"
	"io"
	"os"
	"slices"
	"strings"
	"text/tabwriter"
	"time"
)

// Row is the result of one program in one workload.
type Row struct {
	Workload string `json:"workload"`
	Program  string `json:"program"`
	// Runs is the number of successful timed runs the medians are over.
	Runs int `json:"runs"`
	// Wall and CPU are medians over the successful runs.
	Wall time.Duration `json:"wall_ns"`
	CPU  time.Duration `json:"cpu_ns"`
	// RSS is the program's own peak resident set (VmHWM at exit, from one
	// extra untimed run with only the program under ptrace; 0 if unknown);
	// for an Idle row, the median VmRSS at the prompt.
	RSS int64 `json:"rss_bytes"`
	// TreeRSS is the median wait4 ru_maxrss: the largest peak of the
	// program, its waited-for descendants and the runner at fork time.
	TreeRSS int64 `json:"tree_rss_bytes,omitempty"`
	// HWM is the median VmHWM of an idle shell (Idle rows only).
	HWM int64 `json:"hwm_bytes,omitempty"`
	// Baseline is the program the ratios divide by; WallRatio and CPURatio
	// are 0 when either side has no data.
	Baseline  string  `json:"baseline"`
	WallRatio float64 `json:"wall_ratio,omitempty"`
	CPURatio  float64 `json:"cpu_ratio,omitempty"`
	// Targets describes the subject's targets (subject rows only).
	Targets string `json:"targets,omitempty"`
	// Status is PASS, MISS or FAIL for the subject; ok or FAIL otherwise;
	// n/a for a subject row whose targets could not be evaluated.
	Status string `json:"status"`
	// Detail explains Status: measured target values, or the failure.
	Detail  string   `json:"detail,omitempty"`
	Samples []Sample `json:"samples"`
	idle    bool
}

// Report is the result of a Run.
type Report struct {
	Start time.Time `json:"start"`
	Host  string    `json:"host"`
	Rows  []Row     `json:"rows"`
}

// median returns the median of xs (the mean of the middle two for an even
// count), or 0 for none.
func median[T int64 | time.Duration](xs []T) T {
	if len(xs) == 0 {
		return 0
	}
	s := slices.Clone(xs)
	slices.Sort(s)
	n := len(s)
	if n%2 == 1 {
		return s[n/2]
	}
	return (s[n/2-1] + s[n/2]) / 2
}

// summarize turns the per-program states of w into rows, computing medians,
// ratios to w's baseline and, for the subject, the verdict on w.Targets.
func summarize(w *Workload, states []*progState) []Row {
	rows := make([]Row, len(states))
	byName := map[string]*Row{}
	for i, st := range states {
		r := &rows[i]
		*r = Row{Workload: w.Name, Program: st.prog.Name, Runs: len(st.samples), Baseline: w.baseline(), Samples: st.samples, idle: w.Idle}
		if r.Samples == nil {
			r.Samples = []Sample{}
		}
		var walls, cpus []time.Duration
		var rss, hwm []int64
		for _, s := range st.samples {
			walls, cpus = append(walls, s.Wall), append(cpus, s.CPU)
			rss, hwm = append(rss, s.MaxRSS), append(hwm, s.HWM)
		}
		r.Wall, r.CPU = median(walls), median(cpus)
		if w.Idle {
			r.RSS, r.HWM = median(rss), median(hwm)
		} else {
			r.RSS, r.TreeRSS = st.hwm, median(rss)
		}
		switch {
		case st.err != "":
			r.Status, r.Detail = "FAIL", st.err
		default:
			r.Status, r.Detail = "ok", st.hwmErr
			byName[r.Program] = r
		}
	}
	base := byName[w.baseline()]
	for i := range rows {
		r := &rows[i]
		if base != nil && r.Status == "ok" && !w.Idle {
			r.WallRatio = ratio(float64(r.Wall), float64(base.Wall))
			r.CPURatio = ratio(float64(r.CPU), float64(base.CPU))
		}
		if r.Program != Subject {
			continue
		}
		var ts []string
		for _, t := range w.Targets {
			ts = append(ts, t.String())
		}
		r.Targets = strings.Join(ts, " ")
		if r.Status == "ok" {
			var d string
			r.Status, d = judge(w.Targets, r, byName)
			r.Detail = strings.TrimPrefix(strings.Join([]string{r.Detail, d}, "; "), "; ")
		}
	}
	return rows
}

// ratio returns a/b, or 0 if b is 0.
func ratio(a, b float64) float64 {
	if b == 0 {
		return 0
	}
	return a / b
}

// value returns r's median of m as a float (seconds for times).
func value(r *Row, m Metric) float64 {
	switch m {
	case CPU:
		return r.CPU.Seconds()
	case Wall:
		return r.Wall.Seconds()
	default:
		return float64(r.RSS)
	}
}

// judge evaluates targets for the subject row r, given the successful rows
// of the workload by program name. It returns PASS when every target holds,
// MISS when one does not, n/a when none missed but one could not be
// evaluated (its Against program has no data), and the measured values.
func judge(targets []Target, r *Row, byName map[string]*Row) (status, detail string) {
	status = "PASS"
	if len(targets) == 0 {
		status = "ok"
	}
	var ds []string
	for _, t := range targets {
		v := value(r, t.Metric)
		if v == 0 {
			if status == "PASS" {
				status = "n/a"
			}
			ds = append(ds, fmt.Sprintf("%s ?", t.Metric))
			continue
		}
		if t.Against == "" {
			ok := v <= t.Max
			d := fmt.Sprintf("%s %s", t.Metric, fmtDur(time.Duration(v*float64(time.Second))))
			if t.Metric == RSS {
				d = fmt.Sprintf("%s %s", t.Metric, fmtBytes(int64(v)))
			}
			if !ok {
				status, d = "MISS", d+"!"
			}
			ds = append(ds, d)
			continue
		}
		o := byName[t.Against]
		if o == nil || value(o, t.Metric) == 0 {
			if status == "PASS" {
				status = "n/a"
			}
			ds = append(ds, fmt.Sprintf("%s ?x%s", t.Metric, t.Against))
			continue
		}
		q := v / value(o, t.Metric)
		d := fmt.Sprintf("%s %.2fx%s", t.Metric, q, t.Against)
		if q > t.Max {
			status, d = "MISS", d+"!"
		}
		ds = append(ds, d)
	}
	return status, strings.Join(ds, ", ")
}

// fmtDur formats d with three significant digits in a unit suited to it.
func fmtDur(d time.Duration) string {
	switch {
	case d <= 0:
		return "0"
	case d < time.Millisecond:
		return fmt.Sprintf("%.0fµs", float64(d)/float64(time.Microsecond))
	case d < 10*time.Millisecond:
		return fmt.Sprintf("%.2fms", float64(d)/float64(time.Millisecond))
	case d < time.Second:
		return fmt.Sprintf("%.1fms", float64(d)/float64(time.Millisecond))
	default:
		return fmt.Sprintf("%.2fs", d.Seconds())
	}
}

// fmtBytes formats n bytes in MiB (KiB below 1 MiB).
func fmtBytes(n int64) string {
	if n < mib {
		return fmt.Sprintf("%.0fKiB", float64(n)/1024)
	}
	return fmt.Sprintf("%.1fMiB", float64(n)/mib)
}

// fmtRatio formats a ratio to the baseline, "-" when unknown; the baseline
// is named unless it is dash.
func fmtRatio(q float64, base string) string {
	if q == 0 {
		return "-"
	}
	if base != "dash" {
		return fmt.Sprintf("%.2f/%s", q, base)
	}
	return fmt.Sprintf("%.2f", q)
}

// WriteTable writes rep as an aligned table, one line per row: workload,
// program, runs, median wall and CPU, their ratios to the baseline (dash
// unless named), median peak RSS, the subject's targets and the result.
func (rep *Report) WriteTable(out io.Writer) {
	tw := tabwriter.NewWriter(out, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "WORKLOAD\tSHELL\tRUNS\tWALL\tCPU\tWALL/DASH\tCPU/DASH\tPEAK RSS\tTARGET\tRESULT")
	prev := ""
	for _, r := range rep.Rows {
		name := r.Workload
		if name == prev {
			name = ""
		} else if prev != "" {
			fmt.Fprintln(tw, "\t\t\t\t\t\t\t\t\t")
		}
		prev = r.Workload
		wall, cpu, rss := fmtDur(r.Wall), fmtDur(r.CPU), fmtBytes(r.RSS)
		if r.RSS == 0 {
			rss = "-"
		}
		if r.Runs == 0 {
			wall, cpu, rss = "-", "-", "-"
		} else if r.idle {
			wall, cpu = "-", "-"
			rss += " (hwm " + fmtBytes(r.HWM) + ")"
		}
		result := r.Status
		if r.Detail != "" {
			result += " " + r.Detail
		}
		fmt.Fprintf(tw, "%s\t%s\t%d\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n", name, r.Program, r.Runs, wall, cpu,
			fmtRatio(r.WallRatio, r.Baseline), fmtRatio(r.CPURatio, r.Baseline), rss, r.Targets, result)
	}
	tw.Flush()
}

// WriteJSON writes rep as indented JSON to path.
func (rep *Report) WriteJSON(path string) error {
	b, err := json.MarshalIndent(rep, "", "  ")
	if err != nil {
		return err
	}
	return os.WriteFile(path, append(b, '\n'), 0o644)
}
