package main

import (
	"errors"
	"io"
	"os"
	"strings"
	"sync"

	"github.com/chzyer/readline"
	"golang.org/x/sys/unix"
)

var (
	// errInterrupted is returned by ReadLine when Ctrl-C discarded the
	// line.
	errInterrupted = errors.New("interrupted")
	// errHangup is returned by ReadLine when the terminal hung up.
	errHangup = errors.New("terminal hung up")
)

// A lineReader reads command lines for the interactive loop: through
// github.com/chzyer/readline when stdin and stdout are terminals, by
// plain unbuffered reads otherwise. It is used by one goroutine.
type lineReader struct {
	rl     *readline.Instance // nil for the plain reader
	tty    *ttyInput          // readline's stdin; nil for the plain reader
	in     *os.File
	out    io.Writer
	prompt string
}

// completeFunc returns the completions of the word before pos in line:
// the text each candidate adds at the cursor, and how many runes before
// the cursor to show with each candidate when they are listed.
type completeFunc func(line []rune, pos int) ([][]rune, int)

func (f completeFunc) Do(line []rune, pos int) ([][]rune, int) { return f(line, pos) }

// newLineReader returns a reader of lines from stdin. The editor draws on
// stderr (as bash does) or on stdout when stderr is not the terminal.
// complete may be nil.
func newLineReader(stdin, stdout, stderr *os.File, complete completeFunc) *lineReader {
	l := &lineReader{in: stdin, out: stderr}
	if !isTTY(stdin) || !isTTY(stdout) {
		return l
	}
	out := stderr
	if !isTTY(stderr) {
		out = stdout
	}
	tty, err := newTTYInput(int(stdin.Fd()), out)
	if err != nil {
		return l
	}
	cfg := &readline.Config{
		Stdin:                  tty,
		Stdout:                 out,
		Stderr:                 out,
		HistoryLimit:           defaultHistSize,
		DisableAutoSaveHistory: true, // the repl adds whole commands
		InterruptPrompt:        "^C",
		EOFPrompt:              "\n",
		FuncIsTerminal:         func() bool { return true },
		FuncMakeRaw:            tty.makeRaw,
		FuncExitRaw:            tty.exitRaw,
		FuncGetWidth:           tty.width,
	}
	if complete != nil {
		cfg.AutoComplete = complete
	}
	rl, err := readline.NewEx(cfg)
	if err != nil {
		tty.Close()
		return l
	}
	l.rl, l.tty, l.out = rl, tty, out
	return l
}

// SetPrompt sets the prompt of the next ReadLine.
func (l *lineReader) SetPrompt(p string) { l.prompt = p }

// ReadLine returns the next line without its newline. It returns
// errInterrupted when Ctrl-C discarded the line and io.EOF at end of
// input (Ctrl-D on an empty line).
func (l *lineReader) ReadLine() (string, error) {
	if l.rl == nil {
		return l.readPlain()
	}
	// readline measures the prompt as one line: print all but the last
	// line of a multi-line prompt ourselves.
	p := l.prompt
	if i := strings.LastIndexByte(p, '\n'); i >= 0 {
		io.WriteString(l.out, p[:i+1])
		p = p[i+1:]
	}
	// readline's width count indexes past a trailing lone ESC.
	p = strings.TrimRight(p, "\x1b")
	for {
		l.rl.SetPrompt(p)
		line, err := l.rl.Readline()
		switch {
		case err != nil && l.tty.hungUp():
			return "", errHangup
		case err == readline.ErrInterrupt:
			return "", errInterrupted
		case err == io.EOF && l.tty.lastByte() != ctrlD:
			// readline takes the Delete key on an empty line for
			// Ctrl-D; bash does nothing there.
			continue
		case err != nil:
			return "", err
		}
		return line, nil
	}
}

// readPlain reads one line a byte at a time, so that nothing after the
// newline is consumed: the rest of the input belongs to the commands.
func (l *lineReader) readPlain() (string, error) {
	io.WriteString(l.out, l.prompt)
	var b strings.Builder
	var c [1]byte
	for {
		n, err := l.in.Read(c[:])
		if n == 1 {
			if c[0] == '\n' {
				return b.String(), nil
			}
			b.WriteByte(c[0])
			continue
		}
		if err == nil {
			continue
		}
		if b.Len() > 0 && err == io.EOF {
			return b.String(), nil
		}
		return "", err
	}
}

// SetHistory replaces what Up, Down and Ctrl-R search with entries,
// oldest first.
func (l *lineReader) SetHistory(entries []string) {
	if l.rl == nil {
		return
	}
	l.rl.ResetHistory()
	for _, e := range entries {
		l.rl.SaveHistory(e)
	}
}

// Size returns the terminal's rows and columns; ok is false without a
// line editor or when the size is unknown.
func (l *lineReader) Size() (rows, cols int, ok bool) {
	if l.tty == nil {
		return 0, 0, false
	}
	ws, err := unix.IoctlGetWinsize(l.tty.fd, unix.TIOCGWINSZ)
	if err != nil || ws.Row == 0 || ws.Col == 0 {
		return 0, 0, false
	}
	return int(ws.Row), int(ws.Col), true
}

// Editing reports whether lines are read with the line editor.
func (l *lineReader) Editing() bool { return l.rl != nil }

// Close releases the editor and restores the terminal.
func (l *lineReader) Close() {
	if l.rl != nil {
		l.tty.Close()
		l.rl.Close()
	}
}

const (
	ctrlC = 0x03
	ctrlD = 0x04
	ctrlL = 0x0c
	ctrlZ = 0x1a
)

// ttyInput is the stdin gosh hands to readline. readline reads its stdin
// from a goroutine of its own that can wake up when no line is being
// read, and buffers what it reads. ttyInput fixes both:
//
//   - it reads the terminal only while a Readline call has the terminal
//     in raw mode (between makeRaw and exitRaw); a read asked for at any
//     other time waits, so keystrokes typed while a command runs, and
//     type-ahead typed before it starts, stay in the terminal for the
//     command;
//   - it returns one byte per read, so readline's bufio.Reader never
//     holds bytes typed after Enter;
//   - it waits in poll(2) on the terminal and a wake-up pipe, so that
//     exitRaw and Close can take back a read that is waiting;
//   - it clears the screen on Ctrl-L (readline only redraws the line);
//   - it repeats Ctrl-C until the Readline call ends: readline takes a
//     Ctrl-C during Ctrl-R search or a completion list as leaving that
//     mode only, where bash discards the line;
//   - it drops Ctrl-Z, which readline would answer by sending SIGTSTP to
//     the shell and its parent and then waiting for a resume that never
//     comes in a shell that cannot stop. (Dropping it here rather than in
//     readline's FuncFilterInputRune also avoids that hook's extra
//     wake-up, which made readline read a line meant for the next
//     command.)
//
// The terminal fd stays blocking: its file status flags are shared with
// every child.
type ttyInput struct {
	fd   int
	out  io.Writer // the terminal, for clearing the screen
	wake [2]int    // wake[1] is written to interrupt a poll on wake[0]

	mu     sync.Mutex
	cond   *sync.Cond
	active bool // a Readline call has the terminal in raw mode
	closed bool
	saved  *unix.Termios // the settings makeRaw replaced
	last   byte          // the last byte returned
	// reintr: a Ctrl-C was returned and the Readline call has not
	// ended; the next read returns Ctrl-C again.
	reintr bool
	// hungup: the terminal is gone. Reads return Ctrl-C: at end of
	// input readline would run the half-typed line as if Enter was
	// pressed.
	hungup bool
}

func newTTYInput(fd int, out io.Writer) (*ttyInput, error) {
	t := &ttyInput{fd: fd, out: out}
	t.cond = sync.NewCond(&t.mu)
	if err := unix.Pipe2(t.wake[:], unix.O_CLOEXEC|unix.O_NONBLOCK); err != nil {
		return nil, err
	}
	return t, nil
}

// Read returns one byte of terminal input, waiting until a Readline call
// is active. It returns io.EOF after Close.
func (t *ttyInput) Read(p []byte) (int, error) {
	if len(p) == 0 {
		return 0, nil
	}
	fds := []unix.PollFd{{Fd: int32(t.fd), Events: unix.POLLIN}, {Fd: int32(t.wake[0]), Events: unix.POLLIN}}
	for {
		t.mu.Lock()
		for !t.active && !t.closed {
			t.cond.Wait()
		}
		closed, reintr := t.closed, t.reintr || t.hungup
		t.reintr = false
		t.mu.Unlock()
		if closed {
			return 0, io.EOF
		}
		if reintr {
			p[0] = ctrlC
			return 1, nil
		}
		fds[0].Revents, fds[1].Revents = 0, 0
		if _, err := unix.Poll(fds, -1); err != nil {
			if err == unix.EINTR {
				continue
			}
			return 0, err
		}
		if fds[1].Revents != 0 {
			t.drainWake()
			continue // look at active and closed again
		}
		if fds[0].Revents == 0 {
			continue
		}
		t.mu.Lock()
		stillActive := t.active
		t.mu.Unlock()
		if !stillActive {
			continue
		}
		var b [1]byte
		n, err := unix.Read(t.fd, b[:])
		switch {
		case err == unix.EINTR || err == unix.EAGAIN:
			continue
		case err != nil || n == 0: // EIO: hung up
			t.mu.Lock()
			t.hungup = true
			t.mu.Unlock()
			p[0] = ctrlC
			return 1, nil
		case b[0] == ctrlZ:
			continue
		case b[0] == ctrlL:
			// readline only homes the cursor and redraws the line;
			// clear the screen first, as bash does.
			io.WriteString(t.out, "\x1b[H\x1b[2J")
		}
		t.mu.Lock()
		t.last = b[0]
		t.reintr = b[0] == ctrlC
		t.mu.Unlock()
		p[0] = b[0]
		return 1, nil
	}
}

func (t *ttyInput) drainWake() {
	var buf [64]byte
	for {
		if n, _ := unix.Read(t.wake[0], buf[:]); n <= 0 {
			return
		}
	}
}

// wakeUp makes a waiting poll return so the reader re-checks its state.
func (t *ttyInput) wakeUp() { unix.Write(t.wake[1], []byte{0}) }

// hungUp reports whether the terminal hung up.
func (t *ttyInput) hungUp() bool {
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.hungup
}

// lastByte returns the last byte handed to readline.
func (t *ttyInput) lastByte() byte {
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.last
}

// makeRaw saves the terminal's settings, puts it in raw mode and lets
// reads through. readline calls it at the start of every Readline.
func (t *ttyInput) makeRaw() error {
	old, err := unix.IoctlGetTermios(t.fd, unix.TCGETS)
	if err != nil {
		return err
	}
	raw := *old
	// ICRNL stays on: Enter arrives as \n, which readline takes as
	// Enter too, and a line typed ahead for the next command is a line
	// (abc\n, not abc\r) when that command reads it.
	raw.Iflag &^= unix.IGNBRK | unix.BRKINT | unix.PARMRK | unix.ISTRIP | unix.INLCR | unix.IGNCR | unix.IXON
	raw.Lflag &^= unix.ECHO | unix.ECHONL | unix.ICANON | unix.ISIG | unix.IEXTEN
	raw.Cflag &^= unix.CSIZE | unix.PARENB
	raw.Cflag |= unix.CS8
	raw.Cc[unix.VMIN] = 1
	raw.Cc[unix.VTIME] = 0
	// TCSETS, not TCSETSF: flushing would throw away type-ahead.
	if err := unix.IoctlSetTermios(t.fd, unix.TCSETS, &raw); err != nil {
		return err
	}
	t.mu.Lock()
	t.saved = old
	t.active = true
	t.cond.Broadcast()
	t.mu.Unlock()
	return nil
}

// exitRaw stops reads and restores the settings makeRaw saved (without
// flushing: bytes typed ahead stay for the next command).
func (t *ttyInput) exitRaw() error {
	t.mu.Lock()
	saved := t.saved
	t.saved = nil
	t.active = false
	t.reintr = false
	t.mu.Unlock()
	t.wakeUp()
	if saved == nil {
		return nil
	}
	return unix.IoctlSetTermios(t.fd, unix.TCSETS, saved)
}

// width returns the terminal's width in columns (80 when unknown).
func (t *ttyInput) width() int {
	ws, err := unix.IoctlGetWinsize(t.fd, unix.TIOCGWINSZ)
	if err != nil || ws.Col == 0 {
		return 80
	}
	return int(ws.Col)
}

// Close ends every read, now and later, with io.EOF.
func (t *ttyInput) Close() error {
	t.mu.Lock()
	if t.closed {
		t.mu.Unlock()
		return nil
	}
	t.closed = true
	t.cond.Broadcast()
	t.mu.Unlock()
	t.wakeUp()
	return nil
}
