package main

import (
	"bufio"
	"errors"
	"io"
	"os"
	"strings"
)

var errInterrupted = errors.New("interrupted")

// lineReader reads command lines: plain buffered reads for now.
type lineReader struct {
	in     *bufio.Reader
	out    io.Writer
	prompt string
}

func newLineReader(in *os.File, out io.Writer) *lineReader {
	return &lineReader{in: bufio.NewReader(in), out: out}
}

func (l *lineReader) SetPrompt(p string) { l.prompt = p }

func (l *lineReader) ReadLine() (string, error) {
	io.WriteString(l.out, l.prompt)
	s, err := l.in.ReadString('\n')
	if err != nil && s == "" {
		return "", err
	}
	return strings.TrimSuffix(s, "\n"), nil
}

func (l *lineReader) AddHistory(string) {}
