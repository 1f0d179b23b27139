package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"time"

	"github.com/clausewatch/clausewatch/internal/chat"
	"github.com/clausewatch/clausewatch/internal/deliver"
	"github.com/clausewatch/clausewatch/internal/notify"
	"github.com/clausewatch/clausewatch/internal/source"
)

// outlets builds the outboxes of cfg's chat outlets, each checked by its
// service (a URL the service refuses is an error naming the outlet).
func (a *app) outlets(cfg *notify.Config) ([]*deliver.Webhook, error) {
	ro := a.reportOptions()
	ro.Color = false
	var out []*deliver.Webhook
	for _, o := range cfg.Outlets {
		if err := chat.Validate(o.URL); err != nil {
			return nil, fmt.Errorf("%s:%d: outlet %s: %w", cfg.File, o.Line, o.Name, err)
		}
		send := a.env.ChatSend
		if send == nil {
			send = chat.Sender{}.Send
		}
		w, err := (&deliver.Outlet{
			Store: a.db, Outlet: o, Send: send, Report: ro, Now: a.env.Now,
			SourceVendor: func(id string) string {
				if v, _, ok := source.Find(a.vendors, id); ok {
					return v.ID
				}
				return ""
			},
		}).Webhook()
		if err != nil {
			return nil, err
		}
		out = append(out, w)
	}
	return out, nil
}

// startOutlets makes the outlets seen for the first time start with the
// events of the coming run (not with the whole history).
func (a *app) startOutlets(ctx context.Context, m *mailFlags) error {
	cfg, err := a.mailConfig(m)
	if err != nil {
		return err
	}
	ws, err := a.outlets(cfg)
	if err != nil {
		return err
	}
	for _, w := range ws {
		if err := w.Start(ctx); err != nil {
			return err
		}
	}
	return nil
}

// sendOutlets queues the changes of each outlet since its last run and
// makes one attempt of each message due; failed messages stay in the
// outbox with their next time. It prints what was sent to w (nothing when
// quiet and nothing happened) and returns an error when something could
// not be sent.
func (a *app) sendOutlets(ctx context.Context, cfg *notify.Config, w io.Writer, quiet bool) error {
	ws, err := a.outlets(cfg)
	if err != nil {
		return err
	}
	var errs []error
	for _, hook := range ws {
		known, err := hook.Known(ctx)
		if err == nil && !known {
			// Outside a check (notify alone), an outlet seen for the first
			// time starts with the changes recorded from now on: say so,
			// rather than send nothing without a word.
			fmt.Fprintf(w, "outlet %s is new: it gets the changes recorded from now on, not the earlier ones\n", hook.Shown)
			err = hook.Start(ctx)
		}
		if err != nil {
			errs = append(errs, err)
			continue
		}
		_, f, err := hook.Run(ctx)
		if err != nil {
			errs = append(errs, err)
			continue
		}
		for _, d := range f.Sent {
			fmt.Fprintf(w, "sent\t%s\t%d event%s\n", d.TargetShown, len(d.EventIDs), plural(len(d.EventIDs)))
		}
		for _, fl := range f.Failed {
			d := fl.Delivery
			if fl.Next.IsZero() {
				errs = append(errs, fmt.Errorf("outlet %s: %v; message %s refused for good, not retried", d.TargetShown, fl.Err, d.DeliveryID))
				continue
			}
			errs = append(errs, fmt.Errorf("outlet %s: %v; message %s kept in the outbox, retried by a run not before %s",
				d.TargetShown, fl.Err, d.DeliveryID, fl.Next.Format(time.RFC3339)))
		}
		if !quiet {
			for _, d := range f.Waiting {
				fmt.Fprintf(w, "waiting\t%s\t%d event%s, not before %s\n", d.TargetShown, len(d.EventIDs), plural(len(d.EventIDs)),
					waitUntil(d, f).Format(time.RFC3339))
			}
		}
	}
	if len(errs) > 0 {
		return &ExitError{Code: ExitFailure, Err: fmt.Errorf("notify: %w", errors.Join(errs...))}
	}
	return nil
}
