package exec

import (
	"bytes"
	"fmt"
	"io"
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

// Live draws a pv-like view of the pipeline on w (a terminal) once it has
// run for delay, redrawing it in place every period, and returns a
// function that erases the view and returns once nothing more will be
// written. It does nothing on a nil Tracer.
func (t *Tracer) Live(w io.Writer, delay, period time.Duration) (stop func()) {
	if t == nil {
		return func() {}
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
		drawn := 0
		prev := t.snapshot()
		last := time.Now()
		for {
			rows := t.snapshot()
			now := time.Now()
			dt := now.Sub(last).Seconds()
			var b bytes.Buffer
			if drawn > 0 {
				fmt.Fprintf(&b, "\x1b[%dA", drawn)
			}
			fmt.Fprintf(&b, "\r\x1b[Ktrace %s\n", HumanSeconds(now.Sub(t.start).Seconds()))
			for i, r := range rows {
				fmt.Fprintf(&b, "\r\x1b[K%2d %-13s in %s  out %s  %s\n", i+1, r.state,
					liveRate(r.in, prev[i].in, dt), liveRate(r.out, prev[i].out, dt), shorten(r.text, 40))
			}
			w.Write(b.Bytes())
			drawn = len(rows) + 1
			prev, last = rows, now
			select {
			case <-quit:
				// Erase the view: back to its first line, clear below.
				fmt.Fprintf(w, "\x1b[%dA\r\x1b[J", drawn)
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

// liveRate prints a byte count and its rate since the last redraw.
func liveRate(n, prev int64, dt float64) string {
	if n < 0 {
		return fmt.Sprintf("%21s", "-")
	}
	rate := 0.0
	if dt > 0 && prev >= 0 {
		rate = float64(n-prev) / dt
	}
	return fmt.Sprintf("%9s %9s/s", HumanBytes(n), HumanBytes(int64(rate)))
}
