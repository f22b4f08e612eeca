package exec

import (
	"os"
	"strconv"
	"strings"
)

// PipeMaxSize returns the largest capacity an unprivileged process may
// give a pipe (/proc/sys/fs/pipe-max-size), or the kernel's default limit
// of 1 MiB when that file cannot be read.
func PipeMaxSize() int {
	b, err := os.ReadFile("/proc/sys/fs/pipe-max-size")
	if err != nil {
		return 1 << 20
	}
	n, err := strconv.Atoi(strings.TrimSpace(string(b)))
	if err != nil || n <= 0 {
		return 1 << 20
	}
	return n
}
