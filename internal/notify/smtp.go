package notify

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"net"
	"strings"
	"time"

	mail "github.com/wneessen/go-mail"
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
	User string  // SMTP AUTH user; empty: no authentication
	// Password is the SMTP AUTH password. It is never read from the
	// settings file itself: LoadConfig fills it from PasswordFile, or from
	// the environment variable PasswordEnv.
	Password     string
	PasswordEnv  string        // default DefaultPasswordEnv
	PasswordFile string        // file holding the password (trailing newline ignored)
	From         string        // sender address of every report, required
	Timeout      time.Duration // connect and per-command timeout, default 30s
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
	// system roots with Host as the server name. Tests pass their own roots.
	TLSConfig *tls.Config
}

// SMTP sends messages through one SMTP server, one connection per message.
type SMTP struct {
	cfg  SMTPConfig
	opts SMTPOptions
}

var _ Sender = (*SMTP)(nil)

// NewSMTP returns a sender for cfg (defaults applied). It fails when cfg
// does not validate, or when a user is set without a password.
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
	return &SMTP{cfg: cfg, opts: opts}, nil
}

// Send connects to the server, sends m (m.From defaulting to the configured
// sender) and disconnects. The error names the server and the recipients;
// it wraps ErrInvalidMessage when m itself is at fault.
func (s *SMTP) Send(ctx context.Context, m Message) error {
	if m.From == "" {
		m.From = s.cfg.From
	}
	addr := net.JoinHostPort(s.cfg.Host, fmt.Sprint(s.cfg.Port))
	msg, err := buildMsg(m, s.opts.Now())
	if err != nil {
		return fmt.Errorf("send to %s via %s: %w", strings.Join(m.To, ", "), addr, err)
	}
	c, err := mail.NewClient(s.cfg.Host, s.clientOptions()...)
	if err != nil {
		return fmt.Errorf("send to %s via %s: %w", strings.Join(m.To, ", "), addr, err)
	}
	if err := c.DialAndSendWithContext(ctx, msg); err != nil {
		return fmt.Errorf("send to %s via %s: %w", strings.Join(m.To, ", "), addr, err)
	}
	return nil
}

func (s *SMTP) clientOptions() []mail.Option {
	tc := s.opts.TLSConfig
	if tc == nil {
		tc = &tls.Config{ServerName: s.cfg.Host, MinVersion: tls.VersionTLS12}
	} else if tc.ServerName == "" {
		tc = tc.Clone()
		tc.ServerName = s.cfg.Host
	}
	opts := []mail.Option{
		mail.WithPort(s.cfg.Port),
		mail.WithTimeout(s.cfg.Timeout),
		mail.WithTLSConfig(tc),
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
