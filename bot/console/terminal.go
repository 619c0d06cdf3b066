package console

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
	"sync"

	"github.com/chzyer/readline"

	"github.com/warroom/warroom/ioc"
)

// historyKeep is how many earlier lines a terminal session can recall.
const historyKeep = 1000

// Terminal is the line editor for an interactive console: editing, history (Up/Down,
// Ctrl-R), Tab completion, Ctrl-C to drop the line being typed, Ctrl-D to leave. While a
// line is being typed, whatever the workspace prints goes through Output, which clears the
// prompt, prints, and redraws the prompt with the half-typed line.
type Terminal struct {
	once    sync.Once
	rl      *readline.Instance
	history *os.File // appended to after each line; nil when there is no history file
}

// NewTerminal starts the line editor on the process's terminal. historyFile (beside the
// database, so each database has its own) is created 0600 — it holds what was typed,
// incident notes included — and its last lines are loaded; "" keeps no history.
func NewTerminal(out io.Writer, historyFile string, complete readline.AutoCompleter) (*Terminal, error) {
	rl, err := readline.NewEx(&readline.Config{
		Stdout:          out,
		AutoComplete:    complete,
		InterruptPrompt: "^C",
		EOFPrompt:       "",
		// In-memory history only: readline would create its file 0666 (0644 after the
		// usual umask); the file is kept here instead.
		HistorySearchFold: true,
		HistoryLimit:      historyKeep,
	})
	if err != nil {
		return nil, fmt.Errorf("terminal: %w", err)
	}
	t := &Terminal{rl: rl}
	if historyFile != "" {
		if err := t.openHistory(historyFile); err != nil {
			_ = rl.Close()
			return nil, err
		}
	}
	return t, nil
}

// openHistory loads and then appends to the history file, owner-only.
func (t *Terminal) openHistory(path string) error {
	f, err := os.OpenFile(path, os.O_RDWR|os.O_APPEND|os.O_CREATE, 0o600)
	if err != nil {
		return fmt.Errorf("history: %w", err)
	}
	// An older file (or one created by hand) is narrowed to the owner too.
	if err := f.Chmod(0o600); err != nil {
		_ = f.Close()
		return fmt.Errorf("history: %w", err)
	}
	var lines []string
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 64*1024), 1024*1024)
	for sc.Scan() {
		lines = append(lines, sc.Text())
	}
	for _, l := range lines[max(0, len(lines)-historyKeep):] {
		_ = t.rl.SaveHistory(l)
	}
	t.history = f
	return nil
}

// Output is where the workspace prints while the editor is running.
func (t *Terminal) Output() io.Writer { return t.rl.Stdout() }

// ReadLine implements LineReader.
func (t *Terminal) ReadLine(prompt string) (string, error) {
	t.rl.SetPrompt(prompt)
	line, err := t.rl.Readline()
	switch {
	case errors.Is(err, readline.ErrInterrupt):
		return "", ErrInterrupted
	case err != nil:
		return "", err
	}
	// A line holding a secret (a pasted token or password, as warroom masks at ingest) is
	// never written to the history file.
	if _, secrets := ioc.MaskSecrets(line); secrets == 0 && t.history != nil && strings.TrimSpace(line) != "" && strings.IndexFunc(line, isControl) < 0 {
		_, _ = t.history.WriteString(line + "\n")
	}
	return line, nil
}

// Close restores the terminal and closes the history file; it may be called twice (on a
// signal and at the end).
func (t *Terminal) Close() error {
	var err error
	t.once.Do(func() {
		err = t.rl.Close()
		if t.history != nil {
			if cerr := t.history.Close(); err == nil {
				err = cerr
			}
		}
	})
	return err
}
