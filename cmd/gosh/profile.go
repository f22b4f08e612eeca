//go:build goshprof

package main

import (
	"os"
	"runtime/pprof"
)

// startProfile starts a CPU profile into the file named by GOSH_CPUPROFILE
// (a hidden switch for performance work, see issue 8) and returns the
// function that stops it. It exists only in a build with -tags goshprof:
// runtime/pprof brings compress/gzip and friends, whose init and pages
// cost about 3% of gosh -c true.
func startProfile() func() {
	name := os.Getenv("GOSH_CPUPROFILE")
	if name == "" {
		return func() {}
	}
	f, err := os.Create(name)
	if err != nil {
		return func() {}
	}
	if err := pprof.StartCPUProfile(f); err != nil {
		f.Close()
		return func() {}
	}
	return func() {
		pprof.StopCPUProfile()
		f.Close()
	}
}
