package notify

import (
	"bytes"
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"errors"
	"math/big"
	"net"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/clausewatch/clausewatch/internal/notify/smtptest"
)

var testDate = time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)

func testMessage() Message {
	return Message{
		From:    "clausewatch@example.org",
		To:      []string{"privacy-team@example.org", "Legal Desk <legal@example.org>"},
		Subject: "[clausewatch] 1 critical: acme consumer training never → opt-out",
		Text:    "CRITICAL\n\nacme consumer training: never → opt-out\n",
		HTML:    "<!DOCTYPE html><p>acme consumer training: never &rarr; opt-out</p>",
		ID:      "clausewatch.team.0123abcd@example.org",
	}
}

func TestBuildMsg(t *testing.T) {
	plain := testMessage()
	plain.HTML = ""
	tests := []struct {
		name      string
		msg       Message
		wantTypes []string
	}{
		{"text and html", testMessage(), []string{"multipart/alternative", "text/plain", "text/html"}},
		{"text only", plain, []string{"text/plain"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			msg, err := buildMsg(tt.msg, testDate)
			if err != nil {
				t.Fatal(err)
			}
			var buf bytes.Buffer
			if _, err := msg.WriteTo(&buf); err != nil {
				t.Fatal(err)
			}
			got, err := smtptest.Parse(buf.Bytes())
			if err != nil {
				t.Fatalf("parse: %v\n%s", err, buf.Bytes())
			}
			if got.Subject != tt.msg.Subject {
				t.Errorf("Subject = %q, want %q", got.Subject, tt.msg.Subject)
			}
			if got.ID != "<"+tt.msg.ID+">" {
				t.Errorf("Message-ID = %q, want <%s>", got.ID, tt.msg.ID)
			}
			if d, err := got.Header.Date(); err != nil || !d.Equal(testDate) {
				t.Errorf("Date = %v (%v), want %v", d, err, testDate)
			}
			if h := got.Header.Get("Auto-Submitted"); h != "auto-generated" {
				t.Errorf("Auto-Submitted = %q", h)
			}
			if to := got.Header.Get("To"); !strings.Contains(to, "privacy-team@example.org") || !strings.Contains(to, "legal@example.org") {
				t.Errorf("To = %q, want both recipients", to)
			}
			if strings.Join(got.Types, " ") != strings.Join(tt.wantTypes, " ") {
				t.Errorf("MIME types = %v, want %v", got.Types, tt.wantTypes)
			}
			if got.Text != tt.msg.Text {
				t.Errorf("text part = %q, want %q", got.Text, tt.msg.Text)
			}
			if got.HTML != tt.msg.HTML {
				t.Errorf("html part = %q, want %q", got.HTML, tt.msg.HTML)
			}
		})
	}
}

func TestBuildMsgInvalid(t *testing.T) {
	tests := []struct {
		name string
		edit func(*Message)
		want string
	}{
		{"no recipient", func(m *Message) { m.To = nil }, "no recipient"},
		{"bad recipient", func(m *Message) { m.To = []string{"not an address"} }, `"not an address"`},
		{"recipient without domain", func(m *Message) { m.To = []string{"root@"} }, `"root@"`},
		{"bad sender", func(m *Message) { m.From = "nobody" }, `sender "nobody"`},
		{"empty text", func(m *Message) { m.Text = "" }, "empty text part"},
		{"subject with line break", func(m *Message) { m.Subject = "a\r\nBcc: x@example.org" }, "line break"},
		{"message id with brackets", func(m *Message) { m.ID = "<a@b>" }, "Message-ID"},
		{"message id without domain", func(m *Message) { m.ID = "abc" }, "Message-ID"},
		{"message id with space", func(m *Message) { m.ID = "a b@c" }, "Message-ID"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m := testMessage()
			tt.edit(&m)
			_, err := buildMsg(m, testDate)
			if !errors.Is(err, ErrInvalidMessage) {
				t.Fatalf("buildMsg error = %v, want ErrInvalidMessage", err)
			}
			if !strings.Contains(err.Error(), tt.want) {
				t.Errorf("error %q does not mention %q", err, tt.want)
			}
		})
	}
}

func TestSMTPSend(t *testing.T) {
	serverTLS, clientTLS := smtptest.SelfSigned(t)
	users := map[string]string{"watcher": "s3cret"}
	tests := []struct {
		name     string
		server   smtptest.Options
		cfg      SMTPConfig
		wantUser string
		wantTLS  bool
	}{
		{"plain, no auth", smtptest.Options{}, SMTPConfig{TLS: TLSNone}, "", false},
		{"plain with auth on loopback", smtptest.Options{Users: users, AllowInsecureAuth: true},
			SMTPConfig{TLS: TLSNone, User: "watcher", Password: "s3cret"}, "watcher", false},
		{"starttls with auth", smtptest.Options{TLS: serverTLS, Users: users},
			SMTPConfig{TLS: TLSStartTLS, User: "watcher", Password: "s3cret"}, "watcher", true},
		{"implicit tls", smtptest.Options{TLS: serverTLS, Implicit: true},
			SMTPConfig{TLS: TLSImplicit}, "", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := smtptest.Start(t, tt.server)
			cfg := tt.cfg
			cfg.Host, cfg.Port, cfg.From, cfg.Timeout = srv.Host, srv.Port, "clausewatch@example.org", 5*time.Second
			s, err := NewSMTP(cfg, SMTPOptions{Now: func() time.Time { return testDate }, TLSConfig: clientTLS})
			if err != nil {
				t.Fatal(err)
			}
			m := testMessage()
			m.From = "" // the configured sender
			res, err := s.Send(context.Background(), m)
			if err != nil {
				t.Fatalf("Send: %v", err)
			}
			if len(res) != 2 || res[0].Outcome != Accepted || res[1].Outcome != Accepted ||
				res[0].Address != m.To[0] || res[1].Address != m.To[1] {
				t.Fatalf("results = %+v, want both accepted", res)
			}
			got := srv.Messages()
			if len(got) != 2 {
				t.Fatalf("server received %d messages, want 2 (one per recipient)", len(got))
			}
			for i, want := range []string{"privacy-team@example.org", "legal@example.org"} {
				r := got[i]
				if r.From != "clausewatch@example.org" {
					t.Errorf("envelope from = %q", r.From)
				}
				if strings.Join(r.To, ",") != want {
					t.Errorf("envelope to = %v, want %s", r.To, want)
				}
				if r.Header.Get("To") != "<privacy-team@example.org>, \"Legal Desk\" <legal@example.org>" {
					t.Errorf("To header %q does not name both recipients", r.Header.Get("To"))
				}
				if r.User != tt.wantUser || r.TLS != tt.wantTLS {
					t.Errorf("user, tls = %q, %v; want %q, %v", r.User, r.TLS, tt.wantUser, tt.wantTLS)
				}
				if r.Subject != m.Subject || r.Text != m.Text || r.HTML != m.HTML || r.ID != "<"+m.ID+">" {
					t.Errorf("received subject/text/html/id differ:\n%q\n%q\n%q\n%q", r.Subject, r.Text, r.HTML, r.ID)
				}
			}
		})
	}
}

func TestSMTPSendFailures(t *testing.T) {
	serverTLS, clientTLS := smtptest.SelfSigned(t)
	tests := []struct {
		name   string
		server *smtptest.Options // nil: nothing listens
		cfg    SMTPConfig
		client *tls.Config
		want   string
	}{
		{"server down", nil, SMTPConfig{TLS: TLSNone}, nil, "dial"},
		{"wrong password", &smtptest.Options{TLS: serverTLS, Users: map[string]string{"watcher": "right"}},
			SMTPConfig{TLS: TLSStartTLS, User: "watcher", Password: "wrong"}, clientTLS, "auth"},
		{"starttls not offered", &smtptest.Options{}, SMTPConfig{TLS: TLSStartTLS}, nil, "STARTTLS"},
		{"untrusted certificate", &smtptest.Options{TLS: serverTLS}, SMTPConfig{TLS: TLSStartTLS}, nil, "certificate"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg := tt.cfg
			cfg.Host, cfg.From, cfg.Timeout = "127.0.0.1", "clausewatch@example.org", 5*time.Second
			var srv *smtptest.Server
			if tt.server != nil {
				srv = smtptest.Start(t, *tt.server)
				cfg.Port = srv.Port
			} else {
				cfg.Port = smtptest.ClosedPort(t)
			}
			s, err := NewSMTP(cfg, SMTPOptions{TLSConfig: tt.client})
			if err != nil {
				t.Fatal(err)
			}
			res, err := s.Send(context.Background(), testMessage())
			if err == nil {
				t.Fatalf("Send succeeded: %+v", res)
			}
			t.Logf("error: %v", err)
			for _, want := range []string{tt.want, "127.0.0.1", "privacy-team@example.org"} {
				if !strings.Contains(strings.ToLower(err.Error()), strings.ToLower(want)) {
					t.Errorf("error %q does not mention %q", err, want)
				}
			}
			if srv != nil && len(srv.Messages()) != 0 {
				t.Errorf("server kept %d messages", len(srv.Messages()))
			}
		})
	}
}

// Each recipient gets its own transaction and outcome: a 5xx is
// permanent, a 4xx temporary, and neither stops the others.
func TestSMTPSendPerRecipient(t *testing.T) {
	srv := smtptest.Start(t, smtptest.Options{})
	srv.RejectRcpt("gone@example.org", 550, "no such mailbox")
	srv.RejectRcpt("busy@example.org", 452, "mailbox full, later")
	s, err := NewSMTP(SMTPConfig{Host: srv.Host, Port: srv.Port, TLS: TLSNone, From: "cw@example.org", Timeout: 5 * time.Second}, SMTPOptions{})
	if err != nil {
		t.Fatal(err)
	}
	m := testMessage()
	m.To = []string{"gone@example.org", "ok@example.org", "busy@example.org", "also@example.org"}
	m.Envelope = []string{"gone@example.org", "ok@example.org", "busy@example.org"}
	res, err := s.Send(context.Background(), m)
	if err != nil {
		t.Fatal(err)
	}
	want := []struct {
		outcome Outcome
		code    int
	}{{Permanent, 550}, {Accepted, 0}, {Temporary, 452}}
	if len(res) != len(want) {
		t.Fatalf("results %+v", res)
	}
	for i, w := range want {
		if res[i].Address != m.Envelope[i] || res[i].Outcome != w.outcome || res[i].Code != w.code {
			t.Errorf("result %d = %+v, want %v %d", i, res[i], w.outcome, w.code)
		}
		if w.outcome != Accepted && (res[i].Err == nil || !strings.Contains(res[i].Err.Error(), m.Envelope[i])) {
			t.Errorf("result %d error %v does not name the recipient", i, res[i].Err)
		}
	}
	got := srv.Messages()
	if len(got) != 1 || strings.Join(got[0].To, ",") != "ok@example.org" {
		t.Fatalf("server received %d messages (%v), want one to ok@ only", len(got), got)
	}
	if !strings.Contains(got[0].Header.Get("To"), "also@example.org") {
		t.Errorf("the To header %q does not name every recipient", got[0].Header.Get("To"))
	}

	t.Run("a 554 after DATA", func(t *testing.T) {
		srv.Reject(554, "content refused")
		defer srv.Reject(0, "")
		res, err := s.Send(context.Background(), testMessage())
		if err != nil || len(res) != 2 || res[0].Outcome != Permanent || res[0].Code != 554 || res[1].Outcome != Permanent {
			t.Fatalf("Send = %+v, %v; want two permanent 554s", res, err)
		}
	})
}

// A server that takes the message and never answers: the outcome is
// Unanswered (it may be delivered), after DataTimeout, and the recipients
// after it are not tried on that connection.
func TestSMTPSendUnanswered(t *testing.T) {
	srv := smtptest.Start(t, smtptest.Options{})
	srv.Hang(true)
	s, err := NewSMTP(SMTPConfig{Host: srv.Host, Port: srv.Port, TLS: TLSNone, From: "cw@example.org",
		Timeout: 5 * time.Second, DataTimeout: 100 * time.Millisecond}, SMTPOptions{})
	if err != nil {
		t.Fatal(err)
	}
	res, err := s.Send(context.Background(), testMessage())
	if err != nil {
		t.Fatal(err)
	}
	if len(res) != 2 || res[0].Outcome != Unanswered || res[1].Outcome != NotTried {
		t.Fatalf("results %+v, want unanswered then not tried", res)
	}
	if !strings.Contains(res[0].Err.Error(), "may have taken it") {
		t.Errorf("error %q does not say the server may hold it", res[0].Err)
	}
	if n := len(srv.Messages()); n != 1 {
		t.Errorf("server holds %d messages, want 1", n)
	}
}

// tls_ca_file adds a self-signed server's certificate to the roots.
func TestSMTPTLSCAFile(t *testing.T) {
	serverTLS, certPEM := selfSignedPEM(t)
	srv := smtptest.Start(t, smtptest.Options{TLS: serverTLS})
	cfg := SMTPConfig{Host: srv.Host, Port: srv.Port, TLS: TLSStartTLS, From: "cw@example.org", Timeout: 5 * time.Second}
	s, err := NewSMTP(cfg, SMTPOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.Send(context.Background(), testMessage()); err == nil || !strings.Contains(err.Error(), "certificate") {
		t.Fatalf("Send to a self-signed server without its certificate: %v, want a certificate error", err)
	}
	cfg.TLSCAFile = filepath.Join(t.TempDir(), "ca.pem")
	if err := os.WriteFile(cfg.TLSCAFile, certPEM, 0o600); err != nil {
		t.Fatal(err)
	}
	if s, err = NewSMTP(cfg, SMTPOptions{}); err != nil {
		t.Fatal(err)
	}
	res, err := s.Send(context.Background(), testMessage())
	if err != nil || len(res) != 2 || res[0].Outcome != Accepted || !srv.Messages()[0].TLS {
		t.Fatalf("Send with tls_ca_file = %+v, %v", res, err)
	}
	os.WriteFile(cfg.TLSCAFile, []byte("-----BEGIN NOTHING-----\n"), 0o600)
	if _, err := NewSMTP(cfg, SMTPOptions{}); err == nil || !strings.Contains(err.Error(), "smtp.tls_ca_file") {
		t.Errorf("NewSMTP with a file of no certificate: %v", err)
	}
}

// selfSignedPEM makes a server certificate for 127.0.0.1 signed by itself.
func selfSignedPEM(t *testing.T) (*tls.Config, []byte) {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(3), Subject: pkix.Name{CommonName: "mail.test"},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour),
		KeyUsage: x509.KeyUsageDigitalSignature | x509.KeyUsageCertSign, ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
		BasicConstraintsValid: true, IsCA: true, IPAddresses: []net.IP{net.IPv4(127, 0, 0, 1)},
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	return &tls.Config{Certificates: []tls.Certificate{{Certificate: [][]byte{der}, PrivateKey: key}}, MinVersion: tls.VersionTLS12},
		pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der})
}

func TestNewSMTPErrors(t *testing.T) {
	ok := SMTPConfig{Host: "mail.example.org", From: "clausewatch@example.org"}
	tests := []struct {
		name string
		edit func(*SMTPConfig)
		want string
	}{
		{"no host", func(c *SMTPConfig) { c.Host = "" }, "smtp.host: missing required field"},
		{"host with port", func(c *SMTPConfig) { c.Host = "mail.example.org:25" }, "smtp.host"},
		{"bad port", func(c *SMTPConfig) { c.Port = 70000 }, "smtp.port: 70000"},
		{"bad tls", func(c *SMTPConfig) { c.TLS = "ssl" }, `smtp.tls: "ssl" is not one of starttls, tls, none`},
		{"no from", func(c *SMTPConfig) { c.From = "" }, "smtp.from: missing required field"},
		{"bad from", func(c *SMTPConfig) { c.From = "clausewatch" }, "smtp.from"},
		{"negative timeout", func(c *SMTPConfig) { c.Timeout = -time.Second }, "smtp.timeout"},
		{"user without password", func(c *SMTPConfig) { c.User = "watcher" }, "has no password: set CLAUSEWATCH_SMTP_PASSWORD"},
		{"password in clear to a remote host", func(c *SMTPConfig) { c.User, c.Password, c.TLS = "watcher", "x", TLSNone }, "unencrypted"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := ok
			tt.edit(&c)
			_, err := NewSMTP(c, SMTPOptions{})
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("NewSMTP error = %v, want one mentioning %q", err, tt.want)
			}
		})
	}
	if _, err := NewSMTP(ok, SMTPOptions{}); err != nil {
		t.Errorf("NewSMTP of a good config: %v", err)
	}
}

func TestWithDefaults(t *testing.T) {
	tests := []struct {
		tls  TLSMode
		port int
	}{{"", 587}, {TLSStartTLS, 587}, {TLSImplicit, 465}, {TLSNone, 25}}
	for _, tt := range tests {
		t.Run(string(tt.tls)+"-default", func(t *testing.T) {
			c := SMTPConfig{TLS: tt.tls}.WithDefaults()
			if c.Port != tt.port || c.PasswordEnv != DefaultPasswordEnv || c.Timeout != DefaultTimeout || c.DataTimeout != 2*DefaultTimeout || c.TLS == "" {
				t.Errorf("WithDefaults = %+v, want port %d and the default password variable and timeout", c, tt.port)
			}
		})
	}
}
