package shell

import (
	"fmt"
	"math"
	"strconv"
	"syscall"

	"golang.org/x/sys/unix"
)

// A ulimit resource as bash lists it: option letter, the text of
// `ulimit -a`, the unit in bytes (1 for counts) and the rlimit number;
// pipe size (-p) is fixed and read-only.
type ulimitRes struct {
	opt   byte
	desc  string
	unit  uint64
	res   int
	fixed uint64
}

var ulimitTable = []ulimitRes{
	{'R', "real-time non-blocking time  (microseconds, -R)", 1, unix.RLIMIT_RTTIME, 0},
	{'c', "core file size              (blocks, -c)", 1024, unix.RLIMIT_CORE, 0},
	{'d', "data seg size               (kbytes, -d)", 1024, unix.RLIMIT_DATA, 0},
	{'e', "scheduling priority                 (-e)", 1, unix.RLIMIT_NICE, 0},
	{'f', "file size                   (blocks, -f)", 1024, unix.RLIMIT_FSIZE, 0},
	{'i', "pending signals                     (-i)", 1, unix.RLIMIT_SIGPENDING, 0},
	{'l', "max locked memory           (kbytes, -l)", 1024, unix.RLIMIT_MEMLOCK, 0},
	{'m', "max memory size             (kbytes, -m)", 1024, unix.RLIMIT_RSS, 0},
	{'n', "open files                          (-n)", 1, unix.RLIMIT_NOFILE, 0},
	{'p', "pipe size                (512 bytes, -p)", 1, -1, 8},
	{'q', "POSIX message queues         (bytes, -q)", 1, unix.RLIMIT_MSGQUEUE, 0},
	{'r', "real-time priority                  (-r)", 1, unix.RLIMIT_RTPRIO, 0},
	{'s', "stack size                  (kbytes, -s)", 1024, unix.RLIMIT_STACK, 0},
	{'t', "cpu time                   (seconds, -t)", 1, unix.RLIMIT_CPU, 0},
	{'u', "max user processes                  (-u)", 1, unix.RLIMIT_NPROC, 0},
	{'v', "virtual memory              (kbytes, -v)", 1024, unix.RLIMIT_AS, 0},
	{'x', "file locks                          (-x)", 1, unix.RLIMIT_LOCKS, 0},
}

func init() { builtins["ulimit"] = builtinUlimit }

// builtinUlimit shows or sets resource limits. -H and -S choose the hard
// or soft limit (setting without either sets both, showing shows the soft
// one). Limits are process-wide, so a change made in a subshell that runs
// in-process (a pipeline stage on a goroutine) also applies to gosh
// itself, unlike bash where that subshell is a forked process.
func builtinUlimit(r *Runner, args []string) int {
	hard, soft, all := false, false, false
	var sel []ulimitRes
	value := ""
	for _, a := range args[1:] {
		if len(a) > 1 && a[0] == '-' {
			for k := 1; k < len(a); k++ {
				switch c := a[k]; c {
				case 'H':
					hard = true
				case 'S':
					soft = true
				case 'a':
					all = true
				default:
					found := false
					for _, u := range ulimitTable {
						if u.opt == c {
							sel = append(sel, u)
							found = true
						}
					}
					if !found {
						r.errf("ulimit: -%c: invalid option", c)
						fmt.Fprintln(r.fds.writer(2), "ulimit: usage: ulimit [-SHabcdefiklmnpqrstuvxPRT] [limit]")
						return 2
					}
				}
			}
			continue
		}
		if value != "" {
			r.errf("ulimit: %s: invalid number", a)
			return 1
		}
		value = a
	}
	if all {
		sel = ulimitTable
	}
	if len(sel) == 0 {
		sel = []ulimitRes{ulimitTable[4]} // -f
	}
	if value == "" {
		status := 0
		for _, u := range sel {
			v, err := u.get(hard)
			if err != nil {
				r.errf("ulimit: %s: cannot get limit: %v", u.name(), err)
				status = 1
				continue
			}
			if len(sel) > 1 {
				fmt.Fprintf(r.out(), "%s %s\n", u.desc, v)
			} else {
				fmt.Fprintln(r.out(), v)
			}
		}
		return status
	}
	if !hard && !soft {
		hard, soft = true, true
	}
	status := 0
	for _, u := range sel {
		if err := u.set(value, hard, soft); err != nil {
			r.errf("ulimit: %s: %v", u.name(), err)
			status = 1
		}
	}
	return status
}

// name is the description without the units, as bash's messages use it.
func (u ulimitRes) name() string {
	for i := 0; i < len(u.desc); i++ {
		if u.desc[i] == '(' || (u.desc[i] == ' ' && i+1 < len(u.desc) && u.desc[i+1] == ' ') {
			return u.desc[:i]
		}
	}
	return u.desc
}

func (u ulimitRes) get(hard bool) (string, error) {
	if u.res < 0 {
		return strconv.FormatUint(u.fixed, 10), nil
	}
	var lim unix.Rlimit
	if err := unix.Getrlimit(u.res, &lim); err != nil {
		return "", err
	}
	v := lim.Cur
	if hard {
		v = lim.Max
	}
	if v == unix.RLIM_INFINITY {
		return "unlimited", nil
	}
	return strconv.FormatUint(v/u.unit, 10), nil
}

func (u ulimitRes) set(value string, hard, soft bool) error {
	if u.res < 0 {
		return fmt.Errorf("cannot modify limit: %v", unwrapSyscall(syscall.EINVAL))
	}
	var lim unix.Rlimit
	if err := unix.Getrlimit(u.res, &lim); err != nil {
		return err
	}
	var n uint64
	switch value {
	case "unlimited":
		n = unix.RLIM_INFINITY
	case "hard":
		n = lim.Max
	case "soft":
		n = lim.Cur
	default:
		v, err := strconv.ParseUint(value, 10, 64)
		if err != nil {
			return fmt.Errorf("%s: invalid number", value)
		}
		if v > math.MaxUint64/max(u.unit, 1) {
			return fmt.Errorf("%s: limit out of range", value)
		}
		n = v * u.unit
	}
	if hard {
		lim.Max = n
	}
	if soft {
		lim.Cur = n
	}
	// syscall.Setrlimit, not unix's: for RLIMIT_NOFILE it also tells the
	// Go runtime not to restore its startup limit in children.
	if err := syscall.Setrlimit(u.res, (*syscall.Rlimit)(&lim)); err != nil {
		return fmt.Errorf("cannot modify limit: %v", unwrapSyscall(err))
	}
	return nil
}
