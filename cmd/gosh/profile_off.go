//go:build !goshprof

package main

import "os"

// startProfile, without the goshprof build tag, only says that
// GOSH_CPUPROFILE needs it (see profile.go).
func startProfile() func() {
	if os.Getenv("GOSH_CPUPROFILE") != "" {
		os.Stderr.WriteString("gosh: GOSH_CPUPROFILE needs a build with -tags goshprof\n")
	}
	return func() {}
}
