package notify

import (
	"bytes"
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"net"
	"net/textproto"
	"os"
	"strings"
	"time"

	mail "github.com/wneessen/go-mail"
	"github.com/wneessen/go-mail/smtp"
)

// TLSMode is how the SMTP connection is encrypted.
type TLSMode string

// TLS modes of SMTPConfig.TLS.
const (
	TLSStartTLS TLSMode = "starttls" // plain connection upgraded with STARTTLS, which the server must offer
	TLSImplicit TLSMode = "tls"      // TLS from the first byte ("SMTPS", usually port 465)
	TLSNone     TLSMode = "none"     // no encryption (a local relay or a test server)
)

// tlsModes lists the modes in documentation order, for messages.
var tlsModes = []TLSMode{TLSStartTLS, TLSImplicit, TLSNone}

// ParseTLSMode reads a TLS mode name; the error lists the accepted ones.
func ParseTLSMode(s string) (TLSMode, error) {
	for _, m := range tlsModes {
		if string(m) == s {
			return m, nil
		}
	}
	return "", fmt.Errorf("%q is not one of starttls, tls, none", s)
}

// DefaultPort is the usual port of a TLS mode: 587, 465 or 25.
func DefaultPort(m TLSMode) int {
	switch m {
	case TLSImplicit:
		return 465
	case TLSNone:
		return 25
	}
	return 587
}

// Defaults of SMTPConfig.
const (
	DefaultPasswordEnv = "CLAUSEWATCH_SMTP_PASSWORD"
	DefaultTimeout     = 30 * time.Second
)

// SMTPConfig says how to reach the SMTP server. Zero fields take the
// documented default (see WithDefaults).
type SMTPConfig struct {
	Host string  // server name or address, required
	Port int     // default DefaultPort(TLS)
	TLS  TLSMode // default starttls
	// TLSCAFile names a PEM file of certificates trusted besides the
	// system's, for a server whose certificate is self-signed or from a
	// private authority (starttls and tls).
	TLSCAFile string
	User      string // SMTP AUTH user; empty: no authentication
	// Password is the SMTP AUTH password. It is never read from the
	// settings file itself: LoadConfig fills it from PasswordFile, or from
	// the environment variable PasswordEnv.
	Password     string
	PasswordEnv  string        // default DefaultPasswordEnv
	PasswordFile string        // file holding the password (trailing newline ignored)
	From         string        // sender address of every report, required
	Timeout      time.Duration // connect and per-command timeout, default 30s
	// DataTimeout bounds the wait for the server's answer once a whole
	// message was sent (servers may check it at length first); default
	// twice Timeout. A message left unanswered may have been taken, so it
	// is sent at most once more.
	DataTimeout time.Duration
}

// WithDefaults returns c with its zero fields set to their defaults.
func (c SMTPConfig) WithDefaults() SMTPConfig {
	if c.TLS == "" {
		c.TLS = TLSStartTLS
	}
	if c.Port == 0 {
		c.Port = DefaultPort(c.TLS)
	}
	if c.PasswordEnv == "" {
		c.PasswordEnv = DefaultPasswordEnv
	}
	if c.Timeout == 0 {
		c.Timeout = DefaultTimeout
	}
	if c.DataTimeout == 0 {
		c.DataTimeout = 2 * c.Timeout
	}
	return c
}

// Validate checks c (after WithDefaults) and returns every problem, each
// naming its settings field ("smtp.tls: …"), joined with errors.Join.
func (c SMTPConfig) Validate() error {
	var errs []error
	add := func(field string, err error) {
		if err != nil {
			errs = append(errs, fmt.Errorf("smtp.%s: %w", field, err))
		}
	}
	add("host", checkHost(c.Host))
	add("port", checkPort(c.Port))
	if _, err := ParseTLSMode(string(c.TLS)); err != nil {
		add("tls", err)
	}
	if c.From == "" {
		add("from", ErrMissingField)
	} else if _, err := ParseAddress(c.From); err != nil {
		add("from", err)
	}
	if c.Timeout <= 0 {
		add("timeout", fmt.Errorf("%s: want a positive duration", c.Timeout))
	}
	if c.DataTimeout <= 0 {
		add("data_timeout", fmt.Errorf("%s: want a positive duration", c.DataTimeout))
	}
	add("user", checkClearAuth(c.User, c.Host, c.TLS))
	return errors.Join(errs...)
}

func checkHost(h string) error {
	switch {
	case strings.TrimSpace(h) == "":
		return ErrMissingField
	case strings.ContainsAny(h, " \t/:") && net.ParseIP(h) == nil:
		return fmt.Errorf("%q: want a host name or address without scheme or port", h)
	}
	return nil
}

func checkPort(p int) error {
	if p < 1 || p > 65535 {
		return fmt.Errorf("%d: want a port between 1 and 65535", p)
	}
	return nil
}

// checkClearAuth refuses to send a password unencrypted to anything but the
// local machine.
func checkClearAuth(user, host string, m TLSMode) error {
	if user == "" || m != TLSNone || isLoopback(host) {
		return nil
	}
	return fmt.Errorf("%q with tls: none would send the password unencrypted to %s; use starttls or tls", user, host)
}

func isLoopback(host string) bool {
	if strings.EqualFold(host, "localhost") {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// SMTPOptions are the SMTP sender's dependencies.
type SMTPOptions struct {
	// Now dates the messages (the Date header); nil means time.Now.
	Now func() time.Time
	// TLSConfig verifies the server for starttls and tls; nil means the
	// system roots (and SMTPConfig.TLSCAFile) with Host as the server
	// name. Tests pass their own roots.
	TLSConfig *tls.Config
}

// SMTP sends messages through one SMTP server, one connection per message
// and one transaction per recipient.
type SMTP struct {
	cfg  SMTPConfig
	opts SMTPOptions
	tls  *tls.Config
}

var _ Sender = (*SMTP)(nil)

// NewSMTP returns a sender for cfg (defaults applied). It fails when cfg
// does not validate, when a user is set without a password, or when
// cfg.TLSCAFile cannot be read or holds no PEM certificate.
func NewSMTP(cfg SMTPConfig, opts SMTPOptions) (*SMTP, error) {
	cfg = cfg.WithDefaults()
	if err := cfg.Validate(); err != nil {
		return nil, fmt.Errorf("smtp settings: %w", err)
	}
	if cfg.User != "" && cfg.Password == "" {
		return nil, fmt.Errorf("smtp settings: smtp.user %q has no password: set %s or smtp.password_file", cfg.User, cfg.PasswordEnv)
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	tc := &tls.Config{MinVersion: tls.VersionTLS12}
	if opts.TLSConfig != nil {
		tc = opts.TLSConfig.Clone()
	}
	if tc.ServerName == "" {
		tc.ServerName = cfg.Host
	}
	if cfg.TLSCAFile != "" {
		pool, err := LoadCAFile(cfg.TLSCAFile, tc.RootCAs)
		if err != nil {
			return nil, fmt.Errorf("smtp settings: smtp.tls_ca_file: %w", err)
		}
		tc.RootCAs = pool
	}
	return &SMTP{cfg: cfg, opts: opts, tls: tc}, nil
}

// LoadCAFile returns a pool of base (nil: the system's certificates, or
// none where the system has no pool) with the PEM certificates of the
// file at path added. It fails when the file cannot be read or holds no
// certificate.
func LoadCAFile(path string, base *x509.CertPool) (*x509.CertPool, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	var pool *x509.CertPool
	switch {
	case base != nil:
		pool = base.Clone()
	default:
		if pool, err = x509.SystemCertPool(); err != nil {
			pool = x509.NewCertPool()
		}
	}
	if !pool.AppendCertsFromPEM(b) {
		return nil, fmt.Errorf("%s: no PEM certificate in it", path)
	}
	return pool, nil
}

// Send connects to the server and sends m (m.From defaulting to the
// configured sender) to each envelope recipient in a transaction of its
// own (MAIL, RCPT, DATA, then RSET), so that a refused address does not
// stop the others, and disconnects. It waits DataTimeout for the answer to
// a whole message: a message left unanswered closes the connection (its
// state is unknown) and the recipients after it are not tried. Errors name
// the server and the recipients; a message error wraps ErrInvalidMessage.
func (s *SMTP) Send(ctx context.Context, m Message) ([]Result, error) {
	if m.From == "" {
		m.From = s.cfg.From
	}
	rcpts := m.Envelope
	if len(rcpts) == 0 {
		rcpts = m.To
	}
	addr := net.JoinHostPort(s.cfg.Host, fmt.Sprint(s.cfg.Port))
	fail := func(err error) error {
		return fmt.Errorf("send to %s via %s: %w", strings.Join(rcpts, ", "), addr, err)
	}
	msg, err := buildMsg(m, s.opts.Now())
	if err != nil {
		return nil, fail(err)
	}
	var raw bytes.Buffer
	if _, err := msg.WriteTo(&raw); err != nil {
		return nil, fail(fmt.Errorf("%w: %w", ErrInvalidMessage, err))
	}
	c, err := mail.NewClient(s.cfg.Host, s.clientOptions()...)
	if err != nil {
		return nil, fail(err)
	}
	sc, err := c.DialToSMTPClientWithContext(ctx)
	if err != nil {
		return nil, fail(err)
	}
	stop := context.AfterFunc(ctx, func() { sc.Close() })
	defer stop()
	from := "<" + BareAddress(m.From) + ">"
	results := make([]Result, len(rcpts))
	usable := true
	for i, rcpt := range rcpts {
		if !usable || ctx.Err() != nil {
			why := errors.New("not tried: the connection was closed after an earlier recipient")
			if ctx.Err() != nil {
				why = ctx.Err()
			}
			results[i] = Result{Address: rcpt, Outcome: NotTried, Err: fmt.Errorf("send to %s via %s: %w", rcpt, addr, why)}
			continue
		}
		var senderRefused bool
		results[i], usable, senderRefused = s.transaction(sc, from, rcpt, raw.Bytes())
		if senderRefused && i == 0 {
			sc.Close()
			return nil, fail(results[0].Err)
		}
		if results[i].Err != nil {
			results[i].Err = fmt.Errorf("send to %s via %s: %w", rcpt, addr, results[i].Err)
		}
	}
	if usable {
		sc.UpdateDeadline(s.cfg.Timeout)
		c.CloseWithSMTPClient(sc) // QUIT; what it answers changes nothing
	}
	sc.Close()
	return results, nil
}

// transaction sends raw from from to rcpt over sc: MAIL, RCPT, DATA and
// the data, then RSET. usable is false when the connection cannot carry
// another transaction; senderRefused when MAIL FROM itself was refused.
func (s *SMTP) transaction(sc *smtp.Client, from, rcpt string, raw []byte) (r Result, usable, senderRefused bool) {
	r.Address = rcpt
	refused := func(err error) (Result, bool, bool) {
		r.Outcome, r.Code, r.Err = Temporary, 0, err
		var te *textproto.Error
		if !errors.As(err, &te) {
			return r, false, false // the connection failed
		}
		r.Code = te.Code
		if te.Code >= 500 {
			r.Outcome = Permanent
		}
		return r, sc.Reset() == nil, false
	}
	if err := sc.UpdateDeadline(s.cfg.Timeout); err != nil {
		r.Outcome, r.Err = Temporary, err
		return r, false, false
	}
	if err := sc.Mail(from); err != nil {
		r, usable, _ = refused(fmt.Errorf("MAIL FROM %s: %w", from, err))
		return r, usable, r.Code != 0
	}
	if err := sc.Rcpt("<" + BareAddress(rcpt) + ">"); err != nil {
		return refused(fmt.Errorf("RCPT TO: %w", err))
	}
	w, err := sc.Data()
	if err != nil {
		return refused(fmt.Errorf("DATA: %w", err))
	}
	if _, err := w.Write(raw); err != nil {
		r.Outcome, r.Err = Temporary, fmt.Errorf("writing the message: %w", err)
		return r, false, false
	}
	if err := sc.UpdateDeadline(s.cfg.DataTimeout); err != nil {
		r.Outcome, r.Err = Temporary, err
		return r, false, false
	}
	if err := w.Close(); err != nil {
		var te *textproto.Error
		if errors.As(err, &te) {
			return refused(fmt.Errorf("end of DATA: %w", err))
		}
		// The whole message went out; whether the server took it is unknown.
		r.Outcome = Unanswered
		r.Err = fmt.Errorf("no answer to the end of the message within %s (the server may have taken it): %w", s.cfg.DataTimeout, err)
		return r, false, false
	}
	r.Outcome = Accepted
	if sc.UpdateDeadline(s.cfg.Timeout) != nil || sc.Reset() != nil {
		return r, false, false
	}
	return r, true, false
}

func (s *SMTP) clientOptions() []mail.Option {
	opts := []mail.Option{
		mail.WithPort(s.cfg.Port),
		mail.WithTimeout(s.cfg.Timeout),
		mail.WithTLSConfig(s.tls),
	}
	switch s.cfg.TLS {
	case TLSImplicit:
		opts = append(opts, mail.WithSSL())
	case TLSNone:
		opts = append(opts, mail.WithTLSPolicy(mail.NoTLS))
	default:
		opts = append(opts, mail.WithTLSPolicy(mail.TLSMandatory))
	}
	if s.cfg.User != "" {
		auth := mail.SMTPAuthAutoDiscover
		if s.cfg.TLS == TLSNone {
			// Only to a loopback host (Validate): PLAIN without TLS.
			auth = mail.SMTPAuthPlainNoEnc
		}
		opts = append(opts, mail.WithSMTPAuth(auth), mail.WithUsername(s.cfg.User), mail.WithPassword(s.cfg.Password))
	}
	return opts
}

// buildMsg turns m into a MIME message: multipart/alternative text and
// HTML (plain text alone when m.HTML is empty), with its Message-ID and a
// Date of date.
func buildMsg(m Message, date time.Time) (*mail.Msg, error) {
	if err := m.check(); err != nil {
		return nil, err
	}
	msg := mail.NewMsg()
	if err := msg.From(m.From); err != nil {
		return nil, fmt.Errorf("%w: sender %q: %w", ErrInvalidMessage, m.From, err)
	}
	if err := msg.To(m.To...); err != nil {
		return nil, fmt.Errorf("%w: recipients: %w", ErrInvalidMessage, err)
	}
	msg.Subject(m.Subject)
	if m.ID != "" {
		msg.SetMessageIDWithValue(m.ID)
	} else {
		msg.SetMessageID()
	}
	msg.SetDateWithValue(date)
	msg.SetUserAgent("clausewatch")
	// RFC 3834: automatic mail; well-behaved responders do not answer it.
	msg.SetGenHeader(mail.Header("Auto-Submitted"), "auto-generated")
	msg.SetBodyString(mail.TypeTextPlain, m.Text)
	if m.HTML != "" {
		msg.AddAlternativeString(mail.TypeTextHTML, m.HTML)
	}
	return msg, nil
}
