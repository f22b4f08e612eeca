package shell

import (
	"sort"
	"strconv"
	"strings"
	"time"

	"mvdan.cc/sh/v3/expand"
)

func init() {
	builtins["mapfile"] = builtinMapfile
	builtins["readarray"] = builtinMapfile
}

// builtinMapfile reads lines into an indexed array (bash's mapfile and
// readarray): -d delim, -n count, -O origin, -s skip, -t strip the
// delimiter, -u fd, -C callback run every -c lines with the index and the
// line as arguments. It reads with read's reader, one record at a time, so
// a regular file is left positioned after the last record it took.
func builtinMapfile(r *Runner, args []string) int {
	name := args[0]
	args = args[1:]
	delim := byte('\n')
	count, origin, skip, fd, quantum := 0, -1, 0, 0, 5000
	strip := false
	callback := ""
	for len(args) > 0 && len(args[0]) > 1 && args[0][0] == '-' {
		a := args[0]
		args = args[1:]
		if a == "--" {
			break
		}
		for k := 1; k < len(a); k++ {
			c := a[k]
			if c == 't' {
				strip = true
				continue
			}
			if c != 'd' && c != 'n' && c != 'O' && c != 's' && c != 'u' && c != 'C' && c != 'c' {
				r.errf("%s: -%c: invalid option", name, c)
				return 2
			}
			var v string
			if k+1 < len(a) {
				v, k = a[k+1:], len(a)
			} else if len(args) > 0 {
				v, args = args[0], args[1:]
			} else {
				r.errf("%s: -%c: option requires an argument", name, c)
				return 2
			}
			if c == 'd' {
				delim = 0
				if v != "" {
					delim = v[0]
				}
				continue
			}
			if c == 'C' {
				callback = v
				continue
			}
			n, err := strconv.Atoi(v)
			if err != nil || n < 0 {
				what := map[byte]string{'n': "invalid line count", 'O': "invalid array origin",
					's': "invalid line count", 'u': "invalid file descriptor specification",
					'c': "invalid callback quantum"}[c]
				r.errf("%s: %s: %s", name, v, what)
				return 1
			}
			switch c {
			case 'n':
				count = n
			case 'O':
				origin = n
			case 's':
				skip = n
			case 'u':
				fd = n
			case 'c':
				if n == 0 {
					r.errf("%s: %s: invalid callback quantum", name, v)
					return 1
				}
				quantum = n
			}
		}
	}
	arr := "MAPFILE"
	if len(args) > 0 {
		arr = args[0]
	}
	if !validName(arr) {
		r.errf("%s: `%s': not a valid identifier", name, arr)
		return 1
	}
	old := r.vars.get(arr)
	if old.ReadOnly {
		r.errf("%s: %s: readonly variable", name, arr)
		return 1
	}
	if old.Kind == expand.Associative {
		r.errf("%s: %s: not an indexed array", name, arr)
		return 1
	}
	f := r.fds.get(fd)
	if f == nil {
		r.errf("%s: %d: invalid file descriptor: Bad file descriptor", name, fd)
		return 1
	}
	var list []string
	var idx []int
	if origin >= 0 {
		list, idx = arrayOf(old)
		list, idx = append([]string(nil), list...), append([]int(nil), idx...)
	} else {
		origin = 0
	}
	put := func(i int, s string) {
		p := sort.SearchInts(idx, i)
		if p < len(idx) && idx[p] == i {
			list[p] = s
			return
		}
		list = append(list[:p], append([]string{s}, list[p:]...)...)
		idx = append(idx[:p], append([]int{i}, idx[p:]...)...)
	}
	i, taken := origin, 0
	for count == 0 || taken < count {
		line, eof, _, err := readUntil(r, f, delim, -1, true, false, time.Time{})
		if err != nil {
			r.errf("%s: read error: %d: %v", name, fd, unwrapSyscall(err))
			return 1
		}
		if eof && line == "" {
			break
		}
		if !eof && !strip {
			line += string(delim)
		}
		if nul := strings.IndexByte(line, 0); nul >= 0 {
			line = line[:nul] // bash keeps a line as a C string
		}
		if skip > 0 {
			skip--
			continue
		}
		if callback != "" && (taken+1)%quantum == 0 {
			r.setVar(arr, expand.Variable{Set: true, Kind: expand.Indexed, List: list, Indexes: denseOrNil(idx)})
			builtinEval(r, []string{"eval", callback + " " + strconv.Itoa(i) + " " + shellQuote(line)})
		}
		put(i, line)
		i++
		taken++
		if eof {
			break
		}
	}
	if err := r.setVar(arr, expand.Variable{Set: true, Kind: expand.Indexed, List: list, Indexes: denseOrNil(idx)}); err != nil {
		r.errf("%s: %v", name, err)
		return 1
	}
	return 0
}
