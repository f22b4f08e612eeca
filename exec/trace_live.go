package exec

import (
	"bytes"
	"fmt"
	"io"
	"strings"
	"time"
)

// liveRow is what the live view shows of one stage.
type liveRow struct {
	text    string
	state   string
	in, out int64 // bytes relayed into and out of the stage; -1 if no pipe
}

// snapshot returns the live view's rows.
func (t *Tracer) snapshot() []liveRow {
	t.mu.Lock()
	defer t.mu.Unlock()
	rows := make([]liveRow, len(t.stages))
	moved := func(i int) int64 {
		if i < 0 || i >= len(t.pipes) || t.pipes[i] == nil {
			return -1
		}
		p := t.pipes[i]
		p.mu.Lock()
		defer p.mu.Unlock()
		return p.moved
	}
	for i, s := range t.stages {
		st := "waiting"
		switch {
		case s.live:
			st = s.state.String()
		case !s.end.IsZero():
			st = "done"
		}
		rows[i] = liveRow{text: s.text, state: st, in: moved(i - 1), out: moved(i)}
	}
	return rows
}

// Live draws a pv-like status line for the pipeline on w (a terminal of
// width columns; <= 0 means 80) once it has run for delay, redrawing it in
// place every period, and returns a function that erases the line and
// returns once nothing more will be written. It does nothing on a nil
// Tracer.
//
// The view is one line, redrawn with a carriage return and never wider
// than the terminal, so it never moves the cursor up: whatever a stage
// writes to the same terminal meanwhile is not overwritten (it may end up
// after the view's text on that line, as with pv).
func (t *Tracer) Live(w io.Writer, width int, delay, period time.Duration) (stop func()) {
	if t == nil {
		return func() {}
	}
	if width <= 0 {
		width = 80
	}
	quit := make(chan struct{})
	done := make(chan struct{})
	go func() {
		defer close(done)
		select {
		case <-quit:
			return
		case <-time.After(delay):
		}
		tick := time.NewTicker(period)
		defer tick.Stop()
		prev := t.snapshot()
		last := time.Now()
		for {
			rows := t.snapshot()
			now := time.Now()
			line := liveLine(now.Sub(t.start), rows, prev, now.Sub(last).Seconds())
			w.Write([]byte("\r\x1b[K" + shorten(line, width-1)))
			prev, last = rows, now
			select {
			case <-quit:
				w.Write([]byte("\r\x1b[K"))
				return
			case <-tick.C:
			}
		}
	}()
	return func() {
		close(quit)
		<-done
	}
}

// liveStates abbreviates the states for the live line.
var liveStates = map[string]string{"running": "run", "blocked_read": "rd-wait",
	"blocked_write": "wr-wait", "other": "other", "waiting": "-", "done": "done"}

// liveLine renders the live view: elapsed time, then per stage its name,
// state, and the bytes it has put into its output pipe (or, for the last
// stage, taken from its input) with the rate since the last redraw.
func liveLine(elapsed time.Duration, rows, prev []liveRow, dt float64) string {
	var b bytes.Buffer
	fmt.Fprintf(&b, "trace %s", HumanSeconds(elapsed.Seconds()))
	for i, r := range rows {
		n, p := r.out, prev[i].out
		if n < 0 {
			n, p = r.in, prev[i].in
		}
		name := r.text
		if f := strings.Fields(name); len(f) > 0 {
			name = f[0]
		}
		fmt.Fprintf(&b, " | %d %s %s", i+1, shorten(name, 12), liveStates[r.state])
		if n >= 0 {
			rate := 0.0
			if dt > 0 && p >= 0 {
				rate = float64(n-p) / dt
			}
			fmt.Fprintf(&b, " %s %s/s", HumanBytes(n), HumanBytes(int64(rate)))
		}
	}
	return b.String()
}
