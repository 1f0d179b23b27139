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
	"slices"
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
	// Envelope lists the addresses to deliver it to now, each in an SMTP
	// transaction of its own; empty: every address of To. The To header
	// always names To.
	Envelope []string
}

// Outcome is how sending a message to one recipient ended.
type Outcome int

// Outcomes of a Result.
const (
	// Accepted: the server answered 250 to the whole message.
	Accepted Outcome = iota + 1
	// Temporary: a 4xx, or the connection failed before the whole message
	// was sent: a later attempt may succeed.
	Temporary
	// Permanent: the server refused this recipient or message for good
	// (5xx); sending it again would be refused again.
	Permanent
	// Unanswered: the whole message went out, but the server's answer
	// did not come within the data timeout: it may have taken it.
	Unanswered
	// NotTried: not attempted, because an earlier recipient's transaction
	// left the connection unusable or the context ended.
	NotTried
)

func (o Outcome) String() string {
	switch o {
	case Accepted:
		return "accepted"
	case Temporary:
		return "temporary failure"
	case Permanent:
		return "permanent failure"
	case Unanswered:
		return "no answer"
	case NotTried:
		return "not tried"
	}
	return fmt.Sprintf("outcome %d", int(o))
}

// Result is the outcome of a message for one envelope recipient.
type Result struct {
	Address string
	Outcome Outcome
	Code    int   // the SMTP reply code, 0 when there was none
	Err     error // why it was not Accepted; nil when it was
}

// Sender sends one message to each of its envelope recipients.
//
// Send returns one Result per envelope address, in order: recipients are
// delivered one by one, so one refused address does not stop the others.
// It returns an error and no results when no address could be tried: m is
// invalid (the error wraps ErrInvalidMessage), the server cannot be
// reached, TLS or authentication failed, or the server refused the sender.
type Sender interface {
	Send(ctx context.Context, m Message) ([]Result, error)
}

// ErrInvalidMessage is wrapped by Send's error for a message that cannot be
// sent whatever the server (no recipient, a malformed address or ID).
var ErrInvalidMessage = errors.New("invalid message")

// check reports what makes m unsendable.
func (m Message) check() error {
	if len(m.To) == 0 {
		return fmt.Errorf("%w: no recipient", ErrInvalidMessage)
	}
	for _, to := range append(slices.Clip(m.To), m.Envelope...) {
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

// BareAddress returns the address part of s ("a@example.org" of "Team
// <a@example.org>"), or s trimmed when it is not an address.
func BareAddress(s string) string {
	a, err := mail.ParseAddress(strings.TrimSpace(s))
	if err != nil {
		return strings.TrimSpace(s)
	}
	return a.Address
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
