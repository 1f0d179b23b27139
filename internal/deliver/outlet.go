package deliver

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"github.com/clausewatch/clausewatch/internal/chat"
	"github.com/clausewatch/clausewatch/internal/notify"
	"github.com/clausewatch/clausewatch/internal/report"
	"github.com/clausewatch/clausewatch/internal/store"
	"github.com/clausewatch/clausewatch/internal/terms"
)

// Outlet is the outbox of one chat or push service (notify.Outlet): the
// same queue, markers, retries and "sent after success" as a webhook, with
// the outlet's filters choosing the events and each delivery holding the
// message written for its service (chat.Message as JSON).
type Outlet struct {
	Store  *store.DB
	Outlet notify.Outlet
	// Send makes one attempt of a message; chat.Sender.Send in production,
	// a recorder in tests.
	Send func(ctx context.Context, rawURL string, m chat.Message) error
	// Report gives page links and tier labels to the message.
	Report report.Options
	// SourceVendor returns the vendor of a source id, for events that
	// carry none (as Deliverer.SourceVendor).
	SourceVendor func(source string) string
	Now          func() time.Time
}

// Webhook is the outlet as the outbox runs it.
func (o *Outlet) Webhook() (*Webhook, error) {
	filter := o.Outlet.Filter()
	min, err := minSeverity(filter)
	if err != nil {
		return nil, fmt.Errorf("outlet %s: %w", o.Outlet.Name, err)
	}
	scheme := o.Outlet.Scheme()
	return &Webhook{
		Store: o.Store,
		URL:   o.Outlet.URL,
		Shown: fmt.Sprintf("%s (%s://…)", o.Outlet.Name, scheme),
		Now:   o.Now,
		Pick: func(e terms.Event) bool {
			return e.Severity.AtLeast(min) && matches(filter, e, o.SourceVendor)
		},
		Encode: func(evs []terms.Event) ([]byte, error) {
			return json.Marshal(chat.Compose(scheme, evs, o.Report, o.Outlet.Link))
		},
		Post: func(ctx context.Context, _ string, payload []byte) error {
			var m chat.Message
			if err := json.Unmarshal(payload, &m); err != nil {
				return permanent{fmt.Errorf("outlet %s: queued message unreadable: %w", o.Outlet.Name, err)}
			}
			return o.Send(ctx, o.Outlet.URL, m)
		},
	}, nil
}

// permanent is an error the outbox does not retry.
type permanent struct{ error }

func (permanent) Temporary() bool { return false }
func (p permanent) Unwrap() error { return p.error }
