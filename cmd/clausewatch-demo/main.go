// Command clausewatch-demo is the offline demonstration of clausewatch
// (`make demo`): it builds clausewatch once, serves fixture pages of our
// own wording for every anthropic source from a local server, runs
// `clausewatch check` along a timeline of page changes, and shows the
// report, the status matrix and the email caught by a local mailpit.
// It needs no network and leaves nothing running. See internal/demo.
package main

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"path/filepath"
	"syscall"
	"time"

	"golang.org/x/term"

	"github.com/clausewatch/clausewatch"
	"github.com/clausewatch/clausewatch/internal/demo"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	err := run(ctx, os.Stdout, os.Stdin, term.IsTerminal(int(os.Stdin.Fd())))
	stop()
	if err != nil {
		fmt.Fprintf(os.Stderr, "clausewatch-demo: %v\n", err)
		os.Exit(1)
	}
}

// run is the whole demo; interactive makes it wait for Enter before
// stopping the mail catcher.
func run(ctx context.Context, out io.Writer, in io.Reader, interactive bool) error {
	start := time.Now()
	root, err := moduleRoot()
	if err != nil {
		return err
	}
	dir, err := os.MkdirTemp("", "clausewatch-demo-")
	if err != nil {
		return fmt.Errorf("make a temporary directory: %w", err)
	}
	defer os.RemoveAll(dir)

	fmt.Fprintf(out, "clausewatch offline demo (working directory %s)\n", dir)
	t := time.Now()
	var buildLog bytes.Buffer
	bin, err := demo.BuildBinary(ctx, root, dir, &buildLog)
	if err != nil {
		return fmt.Errorf("%w\n%s", err, buildLog.String())
	}
	fmt.Fprintf(out, "Built clausewatch in %s\n", time.Since(t).Round(100*time.Millisecond))

	mailpit, err := demo.FindMailpit(ctx, os.Getenv)
	if err != nil {
		mailpit = "" // Run says how to install it and goes on without email
	}
	opts := demo.Options{
		Out:         out,
		Clausewatch: demo.Binary(bin),
		Sources:     clausewatch.Sources(),
		Dir:         dir,
		Mailpit:     mailpit,
	}
	if interactive {
		opts.Hold = func(ctx context.Context, res demo.Result) {
			fmt.Fprintf(out, "\nDemo took %s.\n", time.Since(start).Round(100*time.Millisecond))
			switch {
			case len(res.Email.Messages) > 0:
				fmt.Fprintf(out, "Open %s to read the email; press Enter to stop the demo.\n", res.Email.WebURL)
			case res.Email.WebURL != "":
				fmt.Fprintf(out, "No email arrived; the mail catcher is at %s. Press Enter to stop the demo.\n", res.Email.WebURL)
			default:
				fmt.Fprintf(out, "Press Enter to stop the demo.\n")
			}
			waitEnter(ctx, in)
		}
	}
	_, err = demo.Run(ctx, opts)
	if errors.Is(err, context.Canceled) {
		fmt.Fprintln(out, "\nInterrupted; everything the demo started is stopped.")
		return nil
	}
	if err != nil {
		return err
	}
	if !interactive {
		fmt.Fprintf(out, "\nDemo took %s; everything it started is stopped.\n", time.Since(start).Round(100*time.Millisecond))
	} else {
		fmt.Fprintln(out, "Stopped; everything the demo started is stopped.")
	}
	return nil
}

// waitEnter returns when a line is read from in or ctx ends.
func waitEnter(ctx context.Context, in io.Reader) {
	done := make(chan struct{})
	go func() {
		bufio.NewReader(in).ReadString('\n')
		close(done)
	}()
	select {
	case <-done:
	case <-ctx.Done():
	}
}

// moduleRoot finds the repository root (the directory of clausewatch's
// go.mod) from the working directory up.
func moduleRoot() (string, error) {
	dir, err := os.Getwd()
	if err != nil {
		return "", err
	}
	for d := dir; ; d = filepath.Dir(d) {
		if b, err := os.ReadFile(filepath.Join(d, "go.mod")); err == nil && bytes.Contains(b, []byte("module github.com/clausewatch/clausewatch\n")) {
			return d, nil
		}
		if filepath.Dir(d) == d {
			return "", fmt.Errorf("run the demo from the clausewatch repository (no go.mod of github.com/clausewatch/clausewatch above %s)", dir)
		}
	}
}
