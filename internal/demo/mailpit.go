package demo

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"time"
)

// MailpitInstall is the command that installs the mail catcher the demo
// uses.
const MailpitInstall = "go install github.com/axllent/mailpit@v1.33.1"

// ErrNoMailpit means the mailpit binary was found neither in PATH nor in
// the Go bin directory.
var ErrNoMailpit = errors.New("mailpit not found (install it with: " + MailpitInstall + ")")

// FindMailpit returns the path of the mailpit binary: from PATH, else from
// $GOBIN or $(go env GOPATH)/bin. getenv reads the environment (os.Getenv
// in a program). It returns ErrNoMailpit when there is none.
func FindMailpit(ctx context.Context, getenv func(string) string) (string, error) {
	if p, err := exec.LookPath("mailpit"); err == nil {
		return p, nil
	}
	var dirs []string
	if d := getenv("GOBIN"); d != "" {
		dirs = append(dirs, d)
	}
	gopath := getenv("GOPATH")
	if gopath == "" {
		if out, err := exec.CommandContext(ctx, "go", "env", "GOPATH").Output(); err == nil {
			gopath = strings.TrimSpace(string(out))
		}
	}
	if gopath == "" {
		if home := getenv("HOME"); home != "" {
			gopath = filepath.Join(home, "go")
		}
	}
	for _, p := range filepath.SplitList(gopath) {
		dirs = append(dirs, filepath.Join(p, "bin"))
	}
	for _, d := range dirs {
		p := filepath.Join(d, "mailpit")
		if st, err := os.Stat(p); err == nil && !st.IsDir() && st.Mode()&0o111 != 0 {
			return p, nil
		}
	}
	return "", ErrNoMailpit
}

// Mailpit is a running mail catcher: an SMTP server and a web interface
// with an HTTP API, both on 127.0.0.1.
type Mailpit struct {
	SMTPPort int    // SMTP port on 127.0.0.1
	WebURL   string // "http://127.0.0.1:PORT": the web interface and API

	cmd    *exec.Cmd
	done   chan struct{} // closed when the process has exited
	output *syncBuffer
	once   sync.Once
	client *http.Client
}

// StartMailpit starts bin on two free ports of 127.0.0.1 with its database
// in dir, and waits until its API answers (at most 15s). The caller must
// call Stop, which ends the process. Version checks and reverse DNS
// lookups are off: the demo makes no request beyond this machine.
func StartMailpit(ctx context.Context, bin, dir string) (*Mailpit, error) {
	smtpPort, err := freePort()
	if err != nil {
		return nil, err
	}
	webPort, err := freePort()
	if err != nil {
		return nil, err
	}
	m := &Mailpit{
		SMTPPort: smtpPort,
		WebURL:   fmt.Sprintf("http://127.0.0.1:%d", webPort),
		done:     make(chan struct{}),
		output:   &syncBuffer{},
		client:   &http.Client{Timeout: 5 * time.Second},
	}
	m.cmd = exec.Command(bin,
		"--smtp", fmt.Sprintf("127.0.0.1:%d", smtpPort),
		"--listen", fmt.Sprintf("127.0.0.1:%d", webPort),
		"--database", filepath.Join(dir, "mailpit.db"),
		"--disable-version-check", "--smtp-disable-rdns", "--quiet",
	)
	m.cmd.Stdout = m.output
	m.cmd.Stderr = m.output
	if err := m.cmd.Start(); err != nil {
		return nil, fmt.Errorf("start %s: %w", bin, err)
	}
	go func() {
		m.cmd.Wait()
		close(m.done)
	}()
	deadline := time.Now().Add(15 * time.Second)
	for {
		if _, err := m.Messages(ctx); err == nil {
			return m, nil
		}
		select {
		case <-m.done:
			return nil, fmt.Errorf("mailpit exited at start: %s", strings.TrimSpace(m.output.String()))
		case <-ctx.Done():
			m.Stop()
			return nil, ctx.Err()
		case <-time.After(100 * time.Millisecond):
		}
		if time.Now().After(deadline) {
			m.Stop()
			return nil, fmt.Errorf("mailpit did not answer on %s within 15s: %s", m.WebURL, strings.TrimSpace(m.output.String()))
		}
	}
}

// Stop ends mailpit (SIGTERM, then SIGKILL after 3s) and waits for it.
// Safe to call more than once and on a nil *Mailpit.
func (m *Mailpit) Stop() {
	if m == nil {
		return
	}
	m.once.Do(func() {
		m.cmd.Process.Signal(syscall.SIGTERM)
		select {
		case <-m.done:
		case <-time.After(3 * time.Second):
			m.cmd.Process.Kill()
			<-m.done
		}
	})
}

// Message is a message mailpit caught, as its API lists it.
type Message struct {
	ID      string    `json:"ID"`
	Subject string    `json:"Subject"`
	Created time.Time `json:"Created"`
	From    Address   `json:"From"`
	To      []Address `json:"To"`
}

// Address is a mailbox of a Message.
type Address struct {
	Name    string `json:"Name"`
	Address string `json:"Address"`
}

// Messages lists the caught messages, newest first
// (GET /api/v1/messages).
func (m *Mailpit) Messages(ctx context.Context) ([]Message, error) {
	u := m.WebURL + "/api/v1/messages"
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
	if err != nil {
		return nil, err
	}
	resp, err := m.client.Do(req)
	if err != nil {
		return nil, fmt.Errorf("get %s: %w", u, err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("get %s: status %d", u, resp.StatusCode)
	}
	var body struct {
		Messages []Message `json:"messages"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&body); err != nil {
		return nil, fmt.Errorf("get %s: %w", u, err)
	}
	return body.Messages, nil
}

// freePort returns a TCP port of 127.0.0.1 that was free a moment ago.
func freePort() (int, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, fmt.Errorf("find a free port: %w", err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port, nil
}

// syncBuffer is a bytes.Buffer safe for the concurrent writes of a child's
// stdout and stderr.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}
