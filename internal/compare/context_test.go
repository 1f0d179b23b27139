package compare

import (
	"context"
	"errors"
	"testing"
)

func TestDecideContextStops(t *testing.T) {
	h := History{Vendor: decideVendor(), Last: version(1, 1, page(neverText), "")}
	a := attempt(2, page(optOutText), "")
	if d, err := DecideContext(context.Background(), h, a, detected); err != nil || !d.NewVersion || len(d.Events) == 0 {
		t.Fatalf("DecideContext = %+v, %v; want a new version with events", d, err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := DecideContext(ctx, h, a, detected); !errors.Is(err, context.Canceled) {
		t.Errorf("stopped DecideContext: %v, want context.Canceled", err)
	}
}
