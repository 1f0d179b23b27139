// Package chat writes change reports for chat and push services (Slack,
// Microsoft Teams, Matrix, Discord, ntfy, generic webhooks) and sends them
// through the shoutrrr notification library, which owns each service's
// protocol. A message is a few lines written for its service: a title,
// the grouped changes (one line per sentence edit, with its tiers), and a
// link to the published site or to the changed page.
package chat

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/nicholas-fedor/shoutrrr/pkg/router"
	"github.com/nicholas-fedor/shoutrrr/pkg/types"

	"github.com/clausewatch/clausewatch/internal/report"
	"github.com/clausewatch/clausewatch/internal/terms"
)

// MaxLines is how many changes a message lists; the rest are counted.
const MaxLines = 8

// Message is one chat message, as queued and as sent.
type Message struct {
	Title    string `json:"title"`
	Text     string `json:"text"`
	Link     string `json:"link,omitempty"`     // where "more" points
	Priority string `json:"priority,omitempty"` // ntfy's priority words; others ignore it
}

// Compose writes the message of evs (already filtered; sorted here) for
// the service named by scheme (Outlet.Scheme). link is the published
// site's address, or "" to point at the most urgent change's page.
func Compose(scheme string, evs []terms.Event, o report.Options, link string) Message {
	o.Color = false
	sorted := append([]terms.Event(nil), evs...)
	report.Sort(sorted)
	folded := report.Fold(sorted)
	st := styleOf(scheme)
	m := Message{Title: report.Subject(sorted, o), Link: link, Priority: priority(folded)}
	if m.Link == "" && len(folded) > 0 {
		m.Link = sourceURL(o, folded[0].Source)
	}
	var b strings.Builder
	for i, e := range folded {
		if i == MaxLines {
			fmt.Fprintf(&b, "%s\n", st.text(fmt.Sprintf("… and %d more change%s", len(folded)-i, plural(len(folded)-i))))
			break
		}
		head := report.Headline(e, o)
		if e.Attribute == "" {
			head = e.Kind + ": " + head // fetch-failed, document-changed…: say what happened
		}
		line := st.bold(strings.ToUpper(string(e.Severity))) + " " + st.text(head)
		if u := sourceURL(o, e.Source); u != "" {
			line += " " + st.link(u, e.Source)
		} else if e.Source != "" {
			line += " " + st.text("("+e.Source+")")
		}
		b.WriteString(st.bullet + line + "\n")
	}
	if link != "" {
		b.WriteString(st.link(link, "Open the guide's grid and timeline") + "\n")
	}
	m.Text = strings.TrimRight(b.String(), "\n")
	return m
}

func sourceURL(o report.Options, id string) string {
	if o.SourceURL == nil || id == "" {
		return ""
	}
	return o.SourceURL(id)
}

// style is how a service marks up text.
type style struct {
	bullet string
	bold   func(string) string
	text   func(string) string // escapes plain text
	link   func(url, label string) string
}

func styleOf(scheme string) style {
	switch scheme {
	case "slack":
		esc := strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;").Replace
		return style{bullet: "• ", bold: func(s string) string { return "*" + esc(s) + "*" }, text: esc,
			link: func(u, l string) string { return "<" + u + "|" + esc(l) + ">" }}
	case "teams", "discord":
		esc := strings.NewReplacer(`\`, `\\`, "*", `\*`, "_", `\_`, "[", `\[`, "]", `\]`, "`", "\\`", "<", `\<`, ">", `\>`).Replace
		return style{bullet: "- ", bold: func(s string) string { return "**" + esc(s) + "**" }, text: esc,
			link: func(u, l string) string { return "[" + esc(l) + "](" + u + ")" }}
	default: // matrix, ntfy, generic: plain text, links as they are
		id := func(s string) string { return s }
		return style{bullet: "- ", bold: id, text: id, link: func(u, l string) string { return u }}
	}
}

// priority maps the most urgent change to ntfy's priority words.
func priority(folded []terms.Event) string {
	if len(folded) == 0 {
		return ""
	}
	switch folded[0].Severity {
	case terms.Critical:
		return "urgent"
	case terms.High:
		return "high"
	case terms.Info:
		return "low"
	}
	return "default"
}

func plural(n int) string {
	if n == 1 {
		return ""
	}
	return "s"
}

// Sender sends messages to service URLs.
type Sender struct {
	// Timeout bounds one attempt (the services have their own, shorter
	// ones); zero means DefaultTimeout.
	Timeout time.Duration
}

// DefaultTimeout bounds one send.
const DefaultTimeout = 30 * time.Second

// Validate checks that rawURL is a URL the service accepts (token and
// channel shapes included). Its error never quotes the URL.
func Validate(rawURL string) error {
	r, err := router.New(nil)
	if err != nil {
		return err
	}
	if _, err := r.Locate(rawURL); err != nil {
		return fmt.Errorf("%s:// URL refused by the service: %s", scheme(rawURL), redactErr(err, rawURL))
	}
	return nil
}

// Send makes one attempt of m to the service at rawURL. The service's
// own client runs the request; Send stops waiting when ctx ends or the
// timeout passes (the attempt is then counted as failed and retried by
// the outbox: at most one duplicate).
func (s Sender) Send(ctx context.Context, rawURL string, m Message) error {
	r, err := router.New(nil, rawURL)
	if err != nil {
		return fmt.Errorf("%s:// URL refused by the service: %s", scheme(rawURL), redactErr(err, rawURL))
	}
	params := types.Params{"title": m.Title}
	switch scheme(rawURL) {
	case "ntfy":
		if m.Link != "" {
			params["click"] = m.Link
		}
		if m.Priority != "" {
			params["priority"] = m.Priority
		}
	}
	timeout := s.Timeout
	if timeout <= 0 {
		timeout = DefaultTimeout
	}
	done := make(chan []error, 1)
	go func() { done <- r.Send(m.Text, &params) }()
	t := time.NewTimer(timeout)
	defer t.Stop()
	select {
	case errs := <-done:
		var all []error
		for _, e := range errs {
			if e != nil {
				all = append(all, errors.New(redactErr(e, rawURL)))
			}
		}
		if len(all) > 0 {
			return fmt.Errorf("%s: %w", scheme(rawURL), errors.Join(all...))
		}
		return nil
	case <-t.C:
		return fmt.Errorf("%s: no answer within %s", scheme(rawURL), timeout)
	case <-ctx.Done():
		return fmt.Errorf("%s: %w", scheme(rawURL), ctx.Err())
	}
}

func scheme(rawURL string) string {
	s, _, _ := strings.Cut(rawURL, "://")
	return strings.ToLower(s)
}

// redactErr is err's text without the URL or its secret parts.
func redactErr(err error, rawURL string) string {
	msg := err.Error()
	if rawURL != "" {
		msg = strings.ReplaceAll(msg, rawURL, scheme(rawURL)+"://…")
	}
	_, rest, _ := strings.Cut(rawURL, "://")
	if at := strings.LastIndex(rest, "@"); at > 0 {
		msg = strings.ReplaceAll(msg, rest[:at], "…")
	}
	return msg
}
