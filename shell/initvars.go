package shell

import (
	"bufio"
	"os"
	"runtime"
	"strconv"
	"strings"
)

// initBashVars sets the variables bash sets at startup that initVars
// leaves out: OSTYPE, SHELL (the login shell from the passwd file, when
// unset) and $_ (the shell's own name until a command runs).
func (r *Runner) initBashVars(set func(name, val string, exported bool)) {
	ostype := runtime.GOOS
	if ostype == "linux" {
		ostype = "linux-gnu"
	}
	if !r.vars.get("OSTYPE").IsSet() {
		set("OSTYPE", ostype, false)
	}
	if !r.vars.get("SHELL").IsSet() {
		if sh := loginShell(os.Getuid()); sh != "" {
			set("SHELL", sh, false)
		}
	}
	if !r.vars.get("_").IsSet() && len(os.Args) > 0 {
		set("_", os.Args[0], false)
	}
}

// loginShell returns the shell field of uid's entry in /etc/passwd.
func loginShell(uid int) string {
	f, err := os.Open("/etc/passwd")
	if err != nil {
		return ""
	}
	defer f.Close()
	want := strconv.Itoa(uid)
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		fields := strings.Split(sc.Text(), ":")
		if len(fields) >= 7 && fields[2] == want {
			return fields[6]
		}
	}
	return ""
}
