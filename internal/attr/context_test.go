package attr

import (
	"context"
	"errors"
	"testing"
)

func TestObserveContextStops(t *testing.T) {
	v, src, doc, snap := observeFixture()
	r := NewReader(v)
	obs, err := r.ObserveContext(context.Background(), src, doc, snap)
	if err != nil || len(obs) == 0 {
		t.Fatalf("ObserveContext = %d observations, %v; want some", len(obs), err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if obs, err := r.ObserveContext(ctx, src, doc, snap); !errors.Is(err, context.Canceled) || obs != nil {
		t.Errorf("stopped ObserveContext = %v, %v; want nothing and context.Canceled", obs, err)
	}
}
