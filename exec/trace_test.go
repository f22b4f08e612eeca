package exec

import (
	"errors"
	"io"
	"os"
	"syscall"
	"testing"
	"time"
)

// relayPair makes a pipe, relays it through a one-pipe Tracer and returns
// the writer's end and the reader's end.
func relayPair(t *testing.T) (tr *Tracer, w, r *os.File) {
	t.Helper()
	pr, pw, err := Pipe()
	if err != nil {
		t.Fatal(err)
	}
	tr = NewTracer("w | r", []string{"w", "r"}, TraceOptions{})
	rb := tr.Relay(0, pr, pw)
	if rb == pr {
		t.Fatal("relay not set up")
	}
	return tr, pw, rb
}

func TestTraceRelayCountsAndEOF(t *testing.T) {
	tr, w, r := relayPair(t)
	const n = 3<<20 + 17
	go func() {
		buf := make([]byte, 10000)
		for left := n; left > 0; {
			k, err := w.Write(buf[:min(left, len(buf))])
			if err != nil {
				t.Error(err)
				return
			}
			left -= k
		}
		w.Close()
	}()
	got, err := io.Copy(io.Discard, r) // ends only at the relayed EOF
	if err != nil || got != n {
		t.Fatalf("read %d bytes, %v", got, err)
	}
	r.Close()
	tt := tr.Finish([]int{0, 0})
	p := tt.Pipes[0]
	if !p.Counted || p.Written != n || p.Read != n || p.Relayed != n || p.ReaderLeft {
		t.Errorf("pipe %+v", p)
	}
}

// TestTraceRelayReaderGone: when the reader closes its end, the writer's
// next write fails with EPIPE (SIGPIPE for a process) even though the
// relay sat between them waiting for input.
func TestTraceRelayReaderGone(t *testing.T) {
	tr, w, r := relayPair(t)
	if _, err := w.Write([]byte("hello")); err != nil {
		t.Fatal(err)
	}
	buf := make([]byte, 2)
	if _, err := io.ReadFull(r, buf); err != nil {
		t.Fatal(err)
	}
	r.Close()
	deadline := time.Now().Add(10 * time.Second)
	var err error
	for time.Now().Before(deadline) {
		if _, err = w.Write([]byte("x")); err != nil {
			break
		}
		time.Sleep(time.Millisecond)
	}
	if !errors.Is(err, syscall.EPIPE) {
		t.Fatalf("write after the reader left: %v", err)
	}
	w.Close()
	p := tr.Finish([]int{141, 0}).Pipes[0]
	if p.Read != 2 || !p.ReaderLeft || p.Written < 5 {
		t.Errorf("pipe %+v", p)
	}
}

func TestTraceHumanUnits(t *testing.T) {
	for _, c := range []struct {
		n    int64
		want string
	}{{0, "0 B"}, {1023, "1023 B"}, {1536, "1.5 KiB"}, {10000000, "9.5 MiB"}, {200 << 20, "200 MiB"}, {3 << 30, "3.0 GiB"}} {
		if got := HumanBytes(c.n); got != c.want {
			t.Errorf("HumanBytes(%d) = %q, want %q", c.n, got, c.want)
		}
	}
	for _, c := range []struct {
		s    float64
		want string
	}{{0, "0"}, {0.0004, "400us"}, {0.012, "12ms"}, {2.041, "2.04s"}, {150, "150s"}} {
		if got := HumanSeconds(c.s); got != c.want {
			t.Errorf("HumanSeconds(%v) = %q, want %q", c.s, got, c.want)
		}
	}
}

func TestTraceThinKeepsPeaks(t *testing.T) {
	var pts []fillPoint
	for i := range 8 {
		pts = append(pts, fillPoint{bytes: i % 3})
	}
	got := thin(pts)
	want := []int{1, 2, 2, 1}
	if len(got) != len(want) {
		t.Fatalf("thin: %v", got)
	}
	for i := range want {
		if got[i].bytes != want[i] {
			t.Errorf("thin: point %d is %d, want %d", i, got[i].bytes, want[i])
		}
	}
}

func TestTraceNil(t *testing.T) {
	var tr *Tracer
	pr, pw, err := Pipe()
	if err != nil {
		t.Fatal(err)
	}
	defer pr.Close()
	defer pw.Close()
	if tr.Relay(0, pr, pw) != pr || tr.Hook(0) != nil || tr.Finish(nil) != nil {
		t.Error("a nil Tracer must do nothing")
	}
	tr.Started(0, nil)
	tr.InProcess(0)
	tr.Ended(0)
	tr.Live(io.Discard, 80, 0, time.Millisecond)()
}
