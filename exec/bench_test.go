package exec

import (
	"os"
	"testing"
)

func benchCmd(b *testing.B, path string, files []*os.File) *Cmd {
	return &Cmd{Path: path, Args: []string{path}, Env: os.Environ(), Files: files, Pgid: -1}
}

// BenchmarkStartWait: start /bin/true and wait for the reaper to report it.
func BenchmarkStartWait(b *testing.B) {
	devnull, err := os.OpenFile(os.DevNull, os.O_RDWR, 0)
	if err != nil {
		b.Fatal(err)
	}
	defer devnull.Close()
	c := benchCmd(b, "/bin/true", []*os.File{devnull, devnull, devnull})
	for b.Loop() {
		p, err := Start(c)
		if err != nil {
			b.Fatal(err)
		}
		if ws := p.Wait(); ws.ExitStatus() != 0 {
			b.Fatalf("status %v", ws)
		}
	}
}

// BenchmarkPipeline3: start /bin/cat three times joined by pipes, as a
// job, and wait for all of them.
func BenchmarkPipeline3(b *testing.B) {
	devnull, err := os.OpenFile(os.DevNull, os.O_RDWR, 0)
	if err != nil {
		b.Fatal(err)
	}
	defer devnull.Close()
	for b.Loop() {
		var procs []*Process
		in := devnull
		for i := 0; i < 3; i++ {
			out := devnull
			var next *os.File
			if i < 2 {
				pr, pw, err := Pipe()
				if err != nil {
					b.Fatal(err)
				}
				out, next = pw, pr
			}
			p, err := Start(benchCmd(b, "/bin/cat", []*os.File{in, out, devnull}))
			if err != nil {
				b.Fatal(err)
			}
			if in != devnull {
				in.Close()
			}
			if out != devnull {
				out.Close()
			}
			in = next
			procs = append(procs, p)
		}
		NewJob("", 0, procs).Wait(false)
	}
}
