// Package notify delivers rendered reports by email. It knows nothing of
// change events or reports: it takes a Message (sender, recipients, subject,
// a plain-text and an HTML body, a Message-ID) and a Sender sends it. SMTP
// is the Sender clausewatch ships, built on go-mail (multipart MIME,
// STARTTLS, implicit TLS, SMTP AUTH).
//
// The package also reads the mail settings file (SMTP server and
// subscriptions) and validates it, naming the file, line and field of every
// problem. Secrets are never part of that file: the SMTP password comes from
// an environment variable or a file of its own.
package notify

import (
	"context"
	"errors"
	"fmt"
	"net/mail"
	"strings"
)

// Message is one rendered email.
type Message struct {
	From    string   // sender address ("clausewatch@example.org" or "Name <addr>"); empty: the Sender's default
	To      []string // recipient addresses, at least one
	Subject string
	Text    string // the text/plain part, required
	HTML    string // the text/html alternative; empty sends plain text only
	// ID is the Message-ID without angle brackets ("local@domain"). A message
	// sent twice with the same ID lets mail clients drop the second copy;
	// empty lets the Sender make up a random one.
	ID string
}

// Sender sends one message. Send returns nil only when the server accepted
// the message for every recipient; on error nothing may be assumed about
// delivery, except that a server that rejected the message did not take it.
type Sender interface {
	Send(ctx context.Context, m Message) error
}

// ErrInvalidMessage is wrapped by Send's error for a message that cannot be
// sent whatever the server (no recipient, a malformed address or ID).
var ErrInvalidMessage = errors.New("invalid message")

// check reports what makes m unsendable.
func (m Message) check() error {
	if len(m.To) == 0 {
		return fmt.Errorf("%w: no recipient", ErrInvalidMessage)
	}
	for _, to := range m.To {
		if _, err := ParseAddress(to); err != nil {
			return fmt.Errorf("%w: recipient: %w", ErrInvalidMessage, err)
		}
	}
	if m.Text == "" {
		return fmt.Errorf("%w: empty text part", ErrInvalidMessage)
	}
	if strings.ContainsAny(m.Subject, "\r\n") {
		return fmt.Errorf("%w: subject %q contains a line break", ErrInvalidMessage, m.Subject)
	}
	if m.ID != "" && !validMessageID(m.ID) {
		return fmt.Errorf("%w: Message-ID %q: want local@domain without spaces or angle brackets", ErrInvalidMessage, m.ID)
	}
	return nil
}

// validMessageID accepts "left@right" of printable ASCII without spaces,
// angle brackets or a second "@".
func validMessageID(id string) bool {
	left, right, ok := strings.Cut(id, "@")
	if !ok || left == "" || right == "" || strings.Contains(right, "@") {
		return false
	}
	for _, c := range []byte(id) {
		if c <= ' ' || c >= 0x7f || c == '<' || c == '>' || c == '"' || c == '\\' {
			return false
		}
	}
	return true
}

// ParseAddress parses one email address, with or without a display name
// ("a@example.org", "Privacy Team <a@example.org>"), and returns it in the
// form it was given, trimmed. The error quotes the address.
func ParseAddress(s string) (string, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return "", errors.New("empty address")
	}
	a, err := mail.ParseAddress(s)
	if err != nil {
		return "", fmt.Errorf("address %q: %w", s, err)
	}
	if _, domain, _ := strings.Cut(a.Address, "@"); domain == "" {
		return "", fmt.Errorf("address %q: no domain", s)
	}
	return s, nil
}

// AddressDomain returns the domain of address s ("example.org"), or "" when
// s is not an address.
func AddressDomain(s string) string {
	a, err := mail.ParseAddress(strings.TrimSpace(s))
	if err != nil {
		return ""
	}
	i := strings.LastIndexByte(a.Address, '@')
	if i < 0 {
		return ""
	}
	return a.Address[i+1:]
}
