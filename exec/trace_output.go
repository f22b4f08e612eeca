package exec

import (
	"bytes"
	"encoding/json"
	"encoding/xml"
	"fmt"
	"io"
	"math"
	"strings"
	"text/tabwriter"
)

// WriteTable writes the human summary: one aligned row per stage (the
// bottleneck marked with '*'), one line per pipe, and the verdict.
func (tr *Trace) WriteTable(w io.Writer) error {
	var b bytes.Buffer
	fmt.Fprintf(&b, "trace: %s  (wall %s, %d samples every %s)\n", tr.Command,
		HumanSeconds(tr.Wall), tr.Samples, HumanSeconds(tr.Interval))
	tw := tabwriter.NewWriter(&b, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprint(tw, "  #\tpid\tstatus\tpipe in\tpipe out\tuser\tsys\trunning\tread-wait\twrite-wait\tother\tmax rss\t  command\n")
	for _, s := range tr.Stages {
		mark := " "
		if s.Index == tr.Bottleneck {
			mark = "*"
		}
		pid := "-"
		switch s.Kind {
		case "process":
			pid = fmt.Sprint(s.Pid)
		case "in_process":
			pid = "shell"
		}
		status := fmt.Sprint(s.Status)
		if s.Signal != "" {
			status += " " + s.Signal
		}
		cpu := func(v float64) string {
			if s.Kind != "process" {
				return "-"
			}
			return HumanSeconds(v)
		}
		rss := "-"
		if s.Kind == "process" {
			rss = HumanBytes(s.MaxRSS)
		}
		fmt.Fprintf(tw, "%s %d\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t  %s\n", mark, s.Index+1, pid, status,
			optBytes(s.PipeRead), optBytes(s.PipeWritten), cpu(s.UserCPU), cpu(s.SysCPU),
			HumanSeconds(s.Time.Running), HumanSeconds(s.Time.BlockedRead),
			HumanSeconds(s.Time.BlockedWrite), HumanSeconds(s.Time.Other), rss, shorten(s.Text, 48))
	}
	tw.Flush()
	for _, p := range tr.Pipes {
		if !p.Counted {
			fmt.Fprintf(&b, "pipe %d>%d: not relayed; the writer wrote ~%s in all, the reader read ~%s in all\n",
				p.From+1, p.To+1, HumanBytes(p.Written), HumanBytes(p.Read))
			continue
		}
		fmt.Fprintf(&b, "pipe %d>%d: %s written (%d B), %s read", p.From+1, p.To+1,
			HumanBytes(p.Written), p.Written, HumanBytes(p.Read))
		if p.Read != p.Written {
			fmt.Fprintf(&b, " (%d B)", p.Read)
		}
		fmt.Fprintf(&b, "; capacity %s, max fill %s, full %s, empty %s\n", HumanBytes(int64(p.Capacity)),
			HumanBytes(int64(p.MaxFill)), HumanSeconds(p.Full), HumanSeconds(p.Empty))
	}
	fmt.Fprintf(&b, "verdict: %s\n", tr.Verdict)
	_, err := w.Write(b.Bytes())
	return err
}

func optBytes(n *int64) string {
	if n == nil {
		return "-"
	}
	return HumanBytes(*n)
}

// shorten cuts s to at most n runes, marking the cut with "...".
func shorten(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n-3]) + "..."
}

// HumanBytes prints n with a binary unit: 512 B, 1.5 KiB, 9.5 MiB.
func HumanBytes(n int64) string {
	if n < 1024 {
		return fmt.Sprintf("%d B", n)
	}
	v := float64(n)
	for _, u := range []string{"KiB", "MiB", "GiB", "TiB"} {
		v /= 1024
		if v < 1024 || u == "TiB" {
			if v < 10 {
				return fmt.Sprintf("%.1f %s", v, u)
			}
			return fmt.Sprintf("%.0f %s", v, u)
		}
	}
	return ""
}

// HumanSeconds prints a duration in seconds compactly: 0, 850us, 12ms, 2.04s.
func HumanSeconds(s float64) string {
	switch {
	case s <= 0:
		return "0"
	case s < 0.9995e-3:
		return fmt.Sprintf("%.0fus", s*1e6)
	case s < 0.9995:
		return fmt.Sprintf("%.0fms", s*1e3)
	case s < 100:
		return fmt.Sprintf("%.2fs", s)
	}
	return fmt.Sprintf("%.0fs", s)
}

// WriteJSON writes tr as indented JSON (schema: trace.schema.json).
func (tr *Trace) WriteJSON(w io.Writer) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(tr)
}

// chromeEvent is one event of the Trace Event Format read by Perfetto
// and chrome://tracing; times are microseconds.
type chromeEvent struct {
	Name string         `json:"name"`
	Cat  string         `json:"cat,omitempty"`
	Ph   string         `json:"ph"`
	Ts   float64        `json:"ts"`
	Dur  *float64       `json:"dur,omitempty"`
	Pid  int            `json:"pid"`
	Tid  int            `json:"tid"`
	S    string         `json:"s,omitempty"`
	Args map[string]any `json:"args,omitempty"`
}

// WriteChrome writes tr in the Chrome trace-event format: one thread per
// stage with a complete ("X") event per state span, an instant event at
// each stage's exit, and one counter ("C") track per pipe's fill level.
func (tr *Trace) WriteChrome(w io.Writer) error {
	const pid = 1
	us := func(s float64) float64 { return math.Round(s*1e7) / 10 }
	ev := []chromeEvent{{Name: "process_name", Ph: "M", Pid: pid, Args: map[string]any{"name": "trace: " + tr.Command}}}
	for _, s := range tr.Stages {
		tid := s.Index + 1
		name := fmt.Sprintf("%d: %s", tid, s.Text)
		if s.Pid != 0 {
			name += fmt.Sprintf(" (pid %d)", s.Pid)
		}
		ev = append(ev,
			chromeEvent{Name: "thread_name", Ph: "M", Pid: pid, Tid: tid, Args: map[string]any{"name": name}},
			chromeEvent{Name: "thread_sort_index", Ph: "M", Pid: pid, Tid: tid, Args: map[string]any{"sort_index": tid}})
		for _, sp := range s.Spans {
			d := us(sp.End) - us(sp.Start)
			ev = append(ev, chromeEvent{Name: sp.State, Cat: "state", Ph: "X", Ts: us(sp.Start), Dur: &d, Pid: pid, Tid: tid})
		}
		if s.Kind != "not_started" {
			exit := fmt.Sprintf("exit %d", s.Status)
			if s.Signal != "" {
				exit += " " + s.Signal
			}
			ev = append(ev, chromeEvent{Name: exit, Cat: "exit", Ph: "i", S: "t", Ts: us(s.End), Pid: pid, Tid: tid,
				Args: map[string]any{"pipe_read_bytes": s.PipeRead, "pipe_written_bytes": s.PipeWritten}})
		}
	}
	for _, p := range tr.Pipes {
		name := fmt.Sprintf("pipe %d>%d fill", p.From+1, p.To+1)
		for _, f := range p.Fill {
			ev = append(ev, chromeEvent{Name: name, Ph: "C", Ts: us(f[0]), Pid: pid, Args: map[string]any{"bytes": f[1]}})
		}
	}
	return json.NewEncoder(w).Encode(map[string]any{"traceEvents": ev, "displayTimeUnit": "ms",
		"otherData": map[string]any{"command": tr.Command, "verdict": tr.Verdict}})
}

// stateColors are the SVG fills of the four states.
var stateColors = map[string]string{
	"running":       "#2e9d4a",
	"blocked_read":  "#2f6fd6",
	"blocked_write": "#d6402f",
	"other":         "#a0a0a0",
}

// WriteSVG draws tr as a timeline: one lane per stage coloured by state,
// then one band per pipe with its fill level as a curve.
func (tr *Trace) WriteSVG(w io.Writer) error {
	const (
		width, label, right = 1000.0, 300.0, 20.0
		lane, gap, band     = 22.0, 8.0, 50.0
		top                 = 48.0
	)
	plot := width - label - right
	wall := math.Max(tr.Wall, 1e-6)
	x := func(s float64) float64 { return label + plot*math.Min(math.Max(s, 0), wall)/wall }
	esc := func(s string) string {
		var b strings.Builder
		xml.EscapeText(&b, []byte(s))
		return b.String()
	}
	lanesEnd := top + float64(len(tr.Stages))*(lane+gap)
	height := lanesEnd + float64(len(tr.Pipes))*(band+gap) + 70
	var b bytes.Buffer
	fmt.Fprintf(&b, `<svg xmlns="http://www.w3.org/2000/svg" width="%.0f" height="%.0f" viewBox="0 0 %.0f %.0f" font-family="monospace" font-size="12">`+"\n",
		width, height, width, height)
	fmt.Fprintf(&b, `<rect width="100%%" height="100%%" fill="white"/>`+"\n")
	fmt.Fprintf(&b, `<text x="8" y="18" font-size="14">trace: %s</text>`+"\n", esc(shorten(tr.Command, 110)))
	fmt.Fprintf(&b, `<text x="8" y="36">%s</text>`+"\n", esc(shorten("wall "+HumanSeconds(tr.Wall)+"; "+tr.Verdict, 140)))
	for _, s := range tr.Stages {
		y := top + float64(s.Index)*(lane+gap)
		name := fmt.Sprintf("%d %s", s.Index+1, s.Text)
		if s.Index == tr.Bottleneck {
			name = "* " + name
		}
		fmt.Fprintf(&b, `<text x="8" y="%.1f">%s</text>`+"\n", y+lane-6, esc(shorten(name, 40)))
		fmt.Fprintf(&b, `<rect x="%.1f" y="%.1f" width="%.1f" height="%.1f" fill="#f4f4f4"/>`+"\n", label, y, plot, lane)
		for _, sp := range s.Spans {
			x0, x1 := x(sp.Start), x(sp.End)
			fmt.Fprintf(&b, `<rect class="span" x="%.2f" y="%.1f" width="%.2f" height="%.1f" fill="%s"><title>%s %s-%s</title></rect>`+"\n",
				x0, y, math.Max(x1-x0, 0.5), lane, stateColors[sp.State], sp.State, HumanSeconds(sp.Start), HumanSeconds(sp.End))
		}
	}
	for i, p := range tr.Pipes {
		y := lanesEnd + float64(i)*(band+gap)
		fmt.Fprintf(&b, `<text x="8" y="%.1f">pipe %d&gt;%d fill</text>`+"\n", y+16, p.From+1, p.To+1)
		fmt.Fprintf(&b, `<text x="8" y="%.1f">capacity %s</text>`+"\n", y+32, esc(HumanBytes(int64(p.Capacity))))
		fmt.Fprintf(&b, `<rect x="%.1f" y="%.1f" width="%.1f" height="%.1f" fill="none" stroke="#bbb"/>`+"\n", label, y, plot, band)
		if len(p.Fill) == 0 || p.Capacity == 0 {
			continue
		}
		var pts strings.Builder
		for _, f := range p.Fill {
			fy := y + band - band*math.Min(f[1]/float64(p.Capacity), 1)
			fmt.Fprintf(&pts, "%.2f,%.2f ", x(f[0]), fy)
		}
		fmt.Fprintf(&b, `<polyline class="fill" points="%s" fill="none" stroke="#7a3db8" stroke-width="1.5"/>`+"\n",
			strings.TrimSpace(pts.String()))
	}
	// Time axis and legend.
	axis := height - 50
	fmt.Fprintf(&b, `<line x1="%.1f" y1="%.1f" x2="%.1f" y2="%.1f" stroke="black"/>`+"\n", label, axis, label+plot, axis)
	for k := 0; k <= 5; k++ {
		s := wall * float64(k) / 5
		anchor := "middle"
		if k == 5 {
			anchor = "end"
		}
		fmt.Fprintf(&b, `<text x="%.1f" y="%.1f" text-anchor="%s">%s</text>`+"\n", x(s), axis+16, anchor, HumanSeconds(s))
	}
	lx := 8.0
	for _, st := range []string{"running", "blocked_read", "blocked_write", "other"} {
		fmt.Fprintf(&b, `<rect x="%.1f" y="%.1f" width="12" height="12" fill="%s"/><text x="%.1f" y="%.1f">%s</text>`+"\n",
			lx, height-22, stateColors[st], lx+16, height-12, st)
		lx += 140
	}
	b.WriteString("</svg>\n")
	_, err := w.Write(b.Bytes())
	return err
}
