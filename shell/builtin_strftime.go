package shell

import (
	"fmt"
	"strconv"
	"strings"
	"time"
)

// strftime formats printf's %(fmt)T argument: seconds since the epoch,
// -1 or empty for now, -2 for the time the shell started. The zone is the
// shell's exported TZ, else the process's local zone, so an unexported TZ
// has no effect, as in bash.
func (r *Runner) strftime(format, arg string) string {
	var t time.Time
	n, err := strconv.ParseInt(strings.TrimSpace(arg), 10, 64)
	switch {
	case strings.TrimSpace(arg) == "" || (err == nil && n == -1):
		t = time.Now()
	case err == nil && n == -2:
		t = r.sh.start
	default:
		t = time.Unix(n, 0)
	}
	loc := time.Local
	if tz := r.vars.get("TZ"); tz.IsSet() && tz.Exported {
		if l, err := time.LoadLocation(tz.Str); err == nil {
			loc = l
		} else {
			loc = time.UTC
		}
	}
	out := cStrftime(format, t.In(loc))
	if len(out) >= 128 {
		out = "" // bash's buffer holds 128 bytes with the NUL; longer results are dropped
	}
	return out
}

// cStrftime implements the common conversions of C's strftime.
func cStrftime(format string, t time.Time) string {
	var b strings.Builder
	for i := 0; i < len(format); i++ {
		c := format[i]
		if c != '%' || i+1 >= len(format) {
			b.WriteByte(c)
			continue
		}
		i++
		switch format[i] {
		case 'a':
			b.WriteString(t.Format("Mon"))
		case 'A':
			b.WriteString(t.Format("Monday"))
		case 'b', 'h':
			b.WriteString(t.Format("Jan"))
		case 'B':
			b.WriteString(t.Format("January"))
		case 'c':
			b.WriteString(t.Format("Mon Jan _2 15:04:05 2006"))
		case 'C':
			fmt.Fprintf(&b, "%02d", t.Year()/100)
		case 'd':
			fmt.Fprintf(&b, "%02d", t.Day())
		case 'D':
			b.WriteString(t.Format("01/02/06"))
		case 'e':
			fmt.Fprintf(&b, "%2d", t.Day())
		case 'F':
			b.WriteString(t.Format("2006-01-02"))
		case 'H':
			fmt.Fprintf(&b, "%02d", t.Hour())
		case 'I':
			h := t.Hour() % 12
			if h == 0 {
				h = 12
			}
			fmt.Fprintf(&b, "%02d", h)
		case 'j':
			fmt.Fprintf(&b, "%03d", t.YearDay())
		case 'k':
			fmt.Fprintf(&b, "%2d", t.Hour())
		case 'm':
			fmt.Fprintf(&b, "%02d", int(t.Month()))
		case 'M':
			fmt.Fprintf(&b, "%02d", t.Minute())
		case 'n':
			b.WriteByte('\n')
		case 'p':
			b.WriteString(t.Format("PM"))
		case 'r':
			b.WriteString(t.Format("03:04:05 PM"))
		case 'R':
			b.WriteString(t.Format("15:04"))
		case 's':
			fmt.Fprintf(&b, "%d", t.Unix())
		case 'S':
			fmt.Fprintf(&b, "%02d", t.Second())
		case 't':
			b.WriteByte('\t')
		case 'x': // the C locale's date
			b.WriteString(t.Format("01/02/06"))
		case 'T', 'X': // %X: the C locale's time
			b.WriteString(t.Format("15:04:05"))
		case 'u':
			wd := int(t.Weekday())
			if wd == 0 {
				wd = 7
			}
			fmt.Fprintf(&b, "%d", wd)
		case 'w':
			fmt.Fprintf(&b, "%d", int(t.Weekday()))
		case 'y':
			fmt.Fprintf(&b, "%02d", t.Year()%100)
		case 'Y':
			fmt.Fprintf(&b, "%d", t.Year())
		case 'z':
			b.WriteString(t.Format("-0700"))
		case 'Z':
			b.WriteString(t.Format("MST"))
		case '%':
			b.WriteByte('%')
		default:
			b.WriteByte('%')
			b.WriteByte(format[i])
		}
	}
	return b.String()
}
