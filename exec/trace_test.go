package exec

import (
	"errors"
	"io"
	"os"
	"runtime"
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

// TestTraceRelayYieldsToRuntime: the relays wait in raw system calls,
// holding a P; a garbage collection (which must stop every goroutine)
// still completes while one relay waits for input and another for room,
// and GOMAXPROCS is raised by one per running relay and back to what it
// was when both have ended.
func TestTraceRelayYieldsToRuntime(t *testing.T) {
	procs := runtime.GOMAXPROCS(0)
	tr1, w1, r1 := relayPair(t) // waits for input
	tr2, w2, r2 := relayPair(t) // waits for its reader to make room
	wrote := make(chan error, 1)
	go func() {
		_, err := w2.Write(make([]byte, 1<<20)) // blocks when both pipes are full
		wrote <- err
	}()
	// Wait until both relays run and the second one's pipe B is full
	// (the deadline guards against hanging; it is not a timing).
	capB, err := PipeSize(r2)
	if err != nil {
		t.Fatal(err)
	}
	for deadline := time.Now().Add(20 * time.Second); runtime.GOMAXPROCS(0) != procs+2 || fionread(int(r2.Fd())) < capB; time.Sleep(time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("GOMAXPROCS %d (want %d), %d bytes in B (want %d)", runtime.GOMAXPROCS(0), procs+2, fionread(int(r2.Fd())), capB)
		}
	}
	// A relay that could not be stopped would stop everything, this
	// test included, until go test's -timeout reports the hang.
	runtime.GC()
	runtime.GC()
	w1.Close()
	if b, err := io.ReadAll(r1); err != nil || len(b) != 0 {
		t.Errorf("first relay: %q, %v", b, err)
	}
	r1.Close()
	r2.Close() // the relay sees its reader gone and closes A: EPIPE
	if err := <-wrote; !errors.Is(err, syscall.EPIPE) {
		t.Errorf("writer blocked on the second relay: %v, want EPIPE", err)
	}
	w2.Close()
	tr1.Finish([]int{0, 0})
	tr2.Finish([]int{141, 0})
	// The loops end just after Finish (a guard against hanging again).
	for deadline := time.Now().Add(20 * time.Second); runtime.GOMAXPROCS(0) != procs; time.Sleep(time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("GOMAXPROCS %d after the relays ended, want %d", runtime.GOMAXPROCS(0), procs)
		}
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
