package main

import (
	"bytes"
	"fmt"
	"io"
	"os"
	"runtime"
	"text/tabwriter"

	"golang.org/x/sys/unix"
)

// report is the JSON document -json prints.
type report struct {
	Header  map[string]any `json:"header"`
	Results []Result       `json:"results"`
}

// writeTable prints the throughput table, the latency table and notes for
// runs that failed or were skipped.
func writeTable(w io.Writer, c *config, results []Result) {
	fmt.Fprintf(w, "ipcbench: %s %s/%s, %d CPUs, cpu=%s%s, %s per throughput run, %d round trips, spin %v\n",
		runtime.Version(), runtime.GOOS, runtime.GOARCH, runtime.NumCPU(), c.cpuMode, cpuNote(c),
		sizeName(int(c.bytes)), c.rtt, c.spin)
	var notes []string
	note := func(r Result) string {
		notes = append(notes, r.Err)
		if r.Limit {
			return fmt.Sprintf("skipped (limit), note %d", len(notes))
		}
		return fmt.Sprintf("FAILED, note %d", len(notes))
	}
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "\nthroughput\tmsg\tbuffer\tGB/s\tio sysc/MiB\tall sysc/MiB\tvcsw/MiB\tcopies k+u\tcrc32\t")
	for _, r := range results {
		if r.Mode != "throughput" {
			continue
		}
		if r.Err != "" && r.Seconds == 0 {
			fmt.Fprintf(tw, "%s\t%s\t-\t-\t-\t-\t-\t%d+%d\t%s\t\n", r.Mech, sizeName(r.Size), r.KernelCopies, r.UserCopies, note(r))
			continue
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%.2f\t%.1f\t%.1f\t%.1f\t%d+%d\t%s\t\n",
			r.Mech, sizeName(r.Size), sizeName(r.Buffer), r.GBps, r.IOSyscalls, r.AllSyscalls,
			r.VolSwitches, r.KernelCopies, r.UserCopies, verdict(r, note))
	}
	if c.rtt > 0 {
		fmt.Fprintln(tw, "\nlatency 64 B\tmedian µs\tp99 µs\tio sysc/rt\tall sysc/rt\tvcsw/rt\tcopies k+u\tcrc32\t")
	}
	for _, r := range results {
		if r.Mode != "latency" {
			continue
		}
		if r.Err != "" && r.MedianUs == 0 {
			fmt.Fprintf(tw, "%s\t-\t-\t-\t-\t-\t%d+%d\t%s\t\n", r.Mech, r.KernelCopies, r.UserCopies, note(r))
			continue
		}
		fmt.Fprintf(tw, "%s\t%.2f\t%.2f\t%.2f\t%.2f\t%.2f\t%d+%d\t%s\t\n",
			r.Mech, r.MedianUs, r.P99Us, r.IOSyscalls, r.AllSyscalls, r.VolSwitches,
			r.KernelCopies, r.UserCopies, verdict(r, note))
	}
	tw.Flush()
	fmt.Fprint(w, legend)
	for i, n := range notes {
		fmt.Fprintf(w, "note %d: %s\n", i+1, n)
	}
}

const legend = `
GB/s: 10^9 bytes / (consumer's last byte - producer's first send), CLOCK_MONOTONIC.
io sysc: syscr+syscw of both processes from /proc/PID/io (read/write family only).
all sysc: every data-path system call the code issued (read, write, mq_timed*, futex).
vcsw: voluntary context switches of both data threads (getrusage RUSAGE_THREAD).
copies k+u: copies of each byte after setup, by the kernel + by the program (memcpy
  into a ring slot); consumers checksum what they receive in place.
crc32: CRC-32 of the stream, computed by the producer and by the consumer; "ok" = equal.
`

func verdict(r Result, note func(Result) string) string {
	if r.Verified {
		return "ok " + r.Checksum
	}
	return note(r)
}

func cpuNote(c *config) string {
	if c.prodCPU < 0 {
		return ""
	}
	return fmt.Sprintf(" (producer cpu%d, consumer cpu%d)", c.prodCPU, c.consCPU)
}

// svgChart draws throughput as grouped bars: one group per mechanism, one
// bar per message size.
func svgChart(c *config, results []Result) []byte {
	const (
		barW, gap, left, top, height = 18, 24, 60, 40, 300
	)
	colors := []string{"#4e79a7", "#f28e2b", "#59a14f", "#e15759", "#76b7b2", "#edc948"}
	peak := 1.0
	for _, r := range results {
		peak = max(peak, r.GBps)
	}
	groupW := len(c.sizes)*barW + gap
	width := left + len(c.mechs)*groupW + 20
	var b bytes.Buffer
	fmt.Fprintf(&b, `<svg xmlns="http://www.w3.org/2000/svg" width="%d" height="%d" font-family="sans-serif" font-size="11">`+"\n", width, top+height+70)
	fmt.Fprintf(&b, `<text x="%d" y="20" font-size="14">ipcbench throughput, GB/s (cpu=%s)</text>`+"\n", left, c.cpuMode)
	for i := 0; i <= 4; i++ {
		v := peak * float64(i) / 4
		y := top + height - int(float64(height)*float64(i)/4)
		fmt.Fprintf(&b, `<line x1="%d" x2="%d" y1="%d" y2="%d" stroke="#ddd"/><text x="%d" y="%d" text-anchor="end">%.1f</text>`+"\n",
			left, width-10, y, y, left-5, y+4, v)
	}
	for gi, m := range c.mechs {
		x0 := left + gi*groupW + gap/2
		for si, s := range c.sizes {
			for _, r := range results {
				if r.Mech != m.name || r.Mode != "throughput" || r.Size != s || r.GBps == 0 {
					continue
				}
				h := int(float64(height) * r.GBps / peak)
				fmt.Fprintf(&b, `<rect x="%d" y="%d" width="%d" height="%d" fill="%s"><title>%s %s: %.2f GB/s</title></rect>`+"\n",
					x0+si*barW, top+height-h, barW-2, h, colors[si%len(colors)], m.name, sizeName(s), r.GBps)
			}
		}
		fmt.Fprintf(&b, `<text x="%d" y="%d" text-anchor="middle">%s</text>`+"\n", x0+len(c.sizes)*barW/2, top+height+15, m.name)
	}
	for si, s := range c.sizes {
		x := left + si*90
		fmt.Fprintf(&b, `<rect x="%d" y="%d" width="10" height="10" fill="%s"/><text x="%d" y="%d">%s</text>`+"\n",
			x, top+height+35, colors[si%len(colors)], x+14, top+height+44, sizeName(s))
	}
	b.WriteString("</svg>\n")
	return b.Bytes()
}

// socketPair returns the parent's and the child's ends of a control
// socket, both close-on-exec (the child end is dup'ed into place).
func socketPair() (parent, child *os.File, err error) {
	p, err := unix.Socketpair(unix.AF_UNIX, unix.SOCK_STREAM|unix.SOCK_CLOEXEC, 0)
	if err != nil {
		return nil, nil, err
	}
	return os.NewFile(uintptr(p[0]), "ctl"), os.NewFile(uintptr(p[1]), "ctl-child"), nil
}
