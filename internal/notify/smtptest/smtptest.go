// Package smtptest runs an in-process SMTP server on 127.0.0.1 for tests:
// it records what it accepts, can refuse messages or single recipients,
// take a message without ever answering, require STARTTLS and AUTH PLAIN,
// and parses what arrived (headers, text and HTML parts). Only tests
// import it.
package smtptest

import (
	"bytes"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/base64"
	"errors"
	"fmt"
	"io"
	"math/big"
	"mime"
	"mime/multipart"
	"mime/quotedprintable"
	"net"
	"net/mail"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/emersion/go-sasl"
	"github.com/emersion/go-smtp"
)

// Options configure a Server.
type Options struct {
	// TLS enables STARTTLS with this configuration (see SelfSigned).
	TLS *tls.Config
	// Implicit serves TLS from the first byte instead of STARTTLS; needs TLS.
	Implicit bool
	// Users, when not empty, requires AUTH PLAIN with one of these
	// user → password pairs before MAIL FROM.
	Users map[string]string
	// AllowInsecureAuth offers AUTH without TLS.
	AllowInsecureAuth bool
}

// Message is one message the server accepted.
type Message struct {
	From    string
	To      []string // envelope recipients
	Data    []byte   // the raw message
	User    string   // the authenticated user, if any
	TLS     bool     // received over TLS
	Header  mail.Header
	Subject string // decoded
	ID      string // Message-ID header as sent
	Text    string // the decoded text/plain part, line ends as "\n"
	HTML    string // the decoded text/html part, line ends as "\n"
	Types   []string
}

// Server is a running test SMTP server.
type Server struct {
	Host string // "127.0.0.1"
	Port int

	srv  *smtp.Server
	opts Options

	mu      sync.Mutex
	msgs    []Message
	reject  *smtp.SMTPError
	rcpts   map[string]*smtp.SMTPError // address → refusal at RCPT TO
	hang    bool
	stopped chan struct{} // closed when the server stops: hung sessions end
	once    sync.Once
}

// Start starts a server on 127.0.0.1:0 and stops it when the test ends.
func Start(tb testing.TB, o Options) *Server {
	tb.Helper()
	s := &Server{Host: "127.0.0.1", opts: o, rcpts: map[string]*smtp.SMTPError{}, stopped: make(chan struct{})}
	srv := smtp.NewServer(smtp.BackendFunc(func(c *smtp.Conn) (smtp.Session, error) {
		_, isTLS := c.TLSConnectionState()
		return &session{s: s, tls: isTLS, conn: c}, nil
	}))
	srv.Domain = "localhost"
	srv.AllowInsecureAuth = o.AllowInsecureAuth
	srv.TLSConfig = o.TLS
	srv.ReadTimeout = 10 * time.Second
	srv.WriteTimeout = 10 * time.Second
	var l net.Listener
	var err error
	if o.Implicit {
		l, err = tls.Listen("tcp", "127.0.0.1:0", o.TLS)
	} else {
		l, err = net.Listen("tcp", "127.0.0.1:0")
	}
	if err != nil {
		tb.Fatalf("smtptest: listen: %v", err)
	}
	s.Port = l.Addr().(*net.TCPAddr).Port
	s.srv = srv
	go srv.Serve(l)
	tb.Cleanup(s.Close)
	return s
}

// Close stops the server: later connections are refused and hung sessions
// end.
func (s *Server) Close() {
	s.once.Do(func() { close(s.stopped) })
	s.srv.Close()
}

// Reject makes the server refuse every message after DATA with code and
// text (e.g. 554 "rejected", 451 "try later"); code 0 accepts again.
func (s *Server) Reject(code int, text string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if code == 0 {
		s.reject = nil
		return
	}
	s.reject = &smtp.SMTPError{Code: code, EnhancedCode: smtp.EnhancedCode{code / 100, 0, 0}, Message: text}
}

// RejectRcpt makes the server refuse the recipient addr at RCPT TO with
// code and text (e.g. 554 "no such mailbox", 451 "try again later"), while
// it accepts the others; code 0 accepts addr again.
func (s *Server) RejectRcpt(addr string, code int, text string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if code == 0 {
		delete(s.rcpts, addr)
		return
	}
	s.rcpts[addr] = &smtp.SMTPError{Code: code, EnhancedCode: smtp.EnhancedCode{code / 100, 1, 1}, Message: text}
}

// Hang makes the server take every message (it is recorded, as if
// delivered) and then never answer the end of DATA, until the client gives
// up or the server stops; false answers again.
func (s *Server) Hang(on bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.hang = on
}

// Messages returns the messages accepted so far.
func (s *Server) Messages() []Message {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Message(nil), s.msgs...)
}

type session struct {
	s    *Server
	conn *smtp.Conn
	tls  bool
	user string
	from string
	to   []string
}

func (ss *session) AuthMechanisms() []string {
	if len(ss.s.opts.Users) == 0 {
		return nil
	}
	return []string{sasl.Plain}
}

func (ss *session) Auth(mech string) (sasl.Server, error) {
	return sasl.NewPlainServer(func(identity, user, pass string) error {
		if want, ok := ss.s.opts.Users[user]; !ok || want != pass {
			return smtp.ErrAuthFailed
		}
		ss.user = user
		return nil
	}), nil
}

func (ss *session) Mail(from string, _ *smtp.MailOptions) error {
	if len(ss.s.opts.Users) > 0 && ss.user == "" {
		return smtp.ErrAuthRequired
	}
	ss.from = from
	return nil
}

func (ss *session) Rcpt(to string, _ *smtp.RcptOptions) error {
	ss.s.mu.Lock()
	refusal := ss.s.rcpts[to]
	ss.s.mu.Unlock()
	if refusal != nil {
		return refusal
	}
	ss.to = append(ss.to, to)
	return nil
}

func (ss *session) Data(r io.Reader) error {
	b, err := io.ReadAll(r)
	if err != nil {
		return err
	}
	ss.s.mu.Lock()
	defer ss.s.mu.Unlock()
	if ss.s.reject != nil {
		return ss.s.reject
	}
	m, err := Parse(b)
	if err != nil {
		return &smtp.SMTPError{Code: 554, EnhancedCode: smtp.EnhancedCode{5, 6, 0}, Message: "unparsable message: " + err.Error()}
	}
	_, m.TLS = ss.conn.TLSConnectionState()
	m.From, m.To, m.User = ss.from, append([]string(nil), ss.to...), ss.user
	ss.s.msgs = append(ss.s.msgs, m)
	if ss.s.hang {
		ss.s.mu.Unlock()
		<-ss.s.stopped // the client times out; the server never answers
		ss.s.mu.Lock()
		return errors.New("server stopped")
	}
	return nil
}

func (ss *session) Reset()        { ss.from, ss.to = "", nil }
func (ss *session) Logout() error { return nil }

// Parse reads a raw message: its headers, decoded subject, Message-ID and
// the decoded text/plain and text/html parts (of a multipart message or a
// single-part one).
func Parse(raw []byte) (Message, error) {
	msg, err := mail.ReadMessage(bytes.NewReader(raw))
	if err != nil {
		return Message{}, fmt.Errorf("read message: %w", err)
	}
	m := Message{Data: raw, Header: msg.Header, ID: msg.Header.Get("Message-Id")}
	dec := new(mime.WordDecoder)
	if m.Subject, err = dec.DecodeHeader(msg.Header.Get("Subject")); err != nil {
		return Message{}, fmt.Errorf("subject: %w", err)
	}
	if err := m.walk(msg.Header.Get("Content-Type"), msg.Header.Get("Content-Transfer-Encoding"), msg.Body); err != nil {
		return Message{}, err
	}
	return m, nil
}

func (m *Message) walk(ctype, cte string, body io.Reader) error {
	mt, params, err := mime.ParseMediaType(ctype)
	if err != nil {
		return fmt.Errorf("content type %q: %w", ctype, err)
	}
	m.Types = append(m.Types, mt)
	if strings.HasPrefix(mt, "multipart/") {
		mr := multipart.NewReader(body, params["boundary"])
		for {
			p, err := mr.NextRawPart()
			if errors.Is(err, io.EOF) {
				return nil
			}
			if err != nil {
				return fmt.Errorf("part of %s: %w", mt, err)
			}
			if err := m.walk(p.Header.Get("Content-Type"), p.Header.Get("Content-Transfer-Encoding"), p); err != nil {
				return err
			}
		}
	}
	switch strings.ToLower(cte) {
	case "quoted-printable":
		body = quotedprintable.NewReader(body)
	case "base64":
		body = base64.NewDecoder(base64.StdEncoding, body)
	}
	b, err := io.ReadAll(body)
	if err != nil {
		return fmt.Errorf("%s part: %w", mt, err)
	}
	// Mail lines end in CRLF on the wire; tests compare with Go strings.
	text := strings.ReplaceAll(string(b), "\r\n", "\n")
	switch mt {
	case "text/plain":
		m.Text = text
	case "text/html":
		m.HTML = text
	}
	return nil
}

// SelfSigned returns a server TLS configuration with a fresh self-signed
// certificate for 127.0.0.1 and localhost, and a client configuration that
// trusts it.
func SelfSigned(tb testing.TB) (server, client *tls.Config) {
	tb.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		tb.Fatal(err)
	}
	tmpl := &x509.Certificate{
		SerialNumber:          big.NewInt(1),
		Subject:               pkix.Name{CommonName: "smtptest"},
		NotBefore:             time.Now().Add(-time.Hour),
		NotAfter:              time.Now().Add(24 * time.Hour),
		KeyUsage:              x509.KeyUsageDigitalSignature | x509.KeyUsageCertSign,
		ExtKeyUsage:           []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
		BasicConstraintsValid: true,
		IsCA:                  true,
		DNSNames:              []string{"localhost"},
		IPAddresses:           []net.IP{net.IPv4(127, 0, 0, 1)},
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		tb.Fatal(err)
	}
	cert, err := x509.ParseCertificate(der)
	if err != nil {
		tb.Fatal(err)
	}
	pool := x509.NewCertPool()
	pool.AddCert(cert)
	server = &tls.Config{Certificates: []tls.Certificate{{Certificate: [][]byte{der}, PrivateKey: key}}, MinVersion: tls.VersionTLS12}
	client = &tls.Config{RootCAs: pool, MinVersion: tls.VersionTLS12}
	return server, client
}

// Addr is "host:port" of the server.
func (s *Server) Addr() string { return net.JoinHostPort(s.Host, strconv.Itoa(s.Port)) }

// ClosedPort returns a port on 127.0.0.1 where nothing listens (it was
// just released), for "server down" tests.
func ClosedPort(tb testing.TB) int {
	tb.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		tb.Fatal(err)
	}
	port := l.Addr().(*net.TCPAddr).Port
	l.Close()
	return port
}
