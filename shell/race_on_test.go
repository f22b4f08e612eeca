//go:build race

package shell

// raceEnabled: the race detector slows every goroutine several times,
// which makes timing-accuracy checks measure the detector, not gosh.
const raceEnabled = true
