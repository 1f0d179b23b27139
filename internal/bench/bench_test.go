// Package bench measures a check run against a plain fetch-and-parse loop
// over the same pages, and the bytes stored per noise-only snapshot. Run it
// with `make bench`; it prints a report. It asserts nothing about time: the
// machines are shared and noisy.
package bench

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"golang.org/x/net/html"

	"github.com/clausewatch/clausewatch/internal/fetch"
	"github.com/clausewatch/clausewatch/internal/fixture"
	"github.com/clausewatch/clausewatch/internal/pipeline"
	"github.com/clausewatch/clausewatch/internal/store"
	"github.com/clausewatch/clausewatch/internal/terms"
)

const (
	pageSize    = 570 << 10 // the size of the real consumer-terms page
	concurrency = 4
	hosts       = 4
)

// noisyServer serves a ~570 KB page shaped like the consumer terms, with
// fresh noise (build id, nonces, class hashes, tracking ids) on every
// request and no validators, as dynamic pages do.
func noisyServer(tb testing.TB, n *atomic.Uint64) *httptest.Server {
	base := fixture.ConsumerTerms(fixture.TrainingNever)
	base.Pad = pageSize
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		p := base
		p.Noise = n.Add(1)
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		w.Write(p.HTML())
	}))
	tb.Cleanup(srv.Close)
	return srv
}

func urls(srvs []*httptest.Server, n int) []string {
	out := make([]string, n)
	for i := range out {
		out[i] = fmt.Sprintf("%s/doc/%d", srvs[i%len(srvs)].URL, i)
	}
	return out
}

// plainLoop only GETs and HTML-parses every page, with the same concurrency.
func plainLoop(tb testing.TB, client *http.Client, us []string) {
	sem := make(chan struct{}, concurrency)
	var wg sync.WaitGroup
	for _, u := range us {
		wg.Add(1)
		sem <- struct{}{}
		go func() {
			defer wg.Done()
			defer func() { <-sem }()
			resp, err := client.Get(u)
			if err != nil {
				tb.Error(err)
				return
			}
			defer resp.Body.Close()
			body, err := io.ReadAll(resp.Body)
			if err != nil {
				tb.Error(err)
				return
			}
			if _, err := html.Parse(bytes.NewReader(body)); err != nil {
				tb.Error(err)
			}
		}()
	}
	wg.Wait()
}

func declare(tb testing.TB, us []string) string {
	dir := tb.TempDir()
	var b strings.Builder
	b.WriteString("vendor: bench\nname: Bench\ntiers:\n  - id: consumer\n    label: Consumer\ndocuments:\n")
	for i, u := range us {
		fmt.Fprintf(&b, "  - id: bench-%04d\n    url: %s\n    select: [main]\n    tiers: [consumer]\n", i, u)
	}
	b.WriteString("attributes:\n")
	for i := range us {
		fmt.Fprintf(&b, "  - source: bench-%04d\n    tiers: [consumer]\n    attribute: training\n    clause: \"Use of your content\"\n", i)
	}
	if err := os.WriteFile(filepath.Join(dir, "bench.yaml"), []byte(b.String()), 0o644); err != nil {
		tb.Fatal(err)
	}
	return dir
}

// BenchmarkCheck1000 runs `clausewatch check` (the real binary, in its own
// process so its peak memory can be read) over 1,000 noisy 570 KB pages
// twice (first snapshots, then a noise-only run), and the plain
// fetch-and-parse loop over the same pages, and reports the ratios.
func BenchmarkCheck1000(b *testing.B) {
	n := 1000
	if testing.Short() {
		n = 100
	}
	bin := filepath.Join(b.TempDir(), "clausewatch")
	if out, err := exec.Command("go", "build", "-o", bin, "../../cmd/clausewatch").CombinedOutput(); err != nil {
		b.Fatalf("go build: %v\n%s", err, out)
	}
	var srvs []*httptest.Server
	var noise atomic.Uint64 // one counter: every response is unique
	for i := 0; i < hosts; i++ {
		srvs = append(srvs, noisyServer(b, &noise))
	}
	us := urls(srvs, n)
	dir := declare(b, us)
	dbPath := filepath.Join(b.TempDir(), "bench.db")
	client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: concurrency}}

	for i := 0; i < b.N; i++ {
		t0 := time.Now()
		plainLoop(b, client, us)
		plain := time.Since(t0)

		var runs []string
		var worst float64
		for run := 1; run <= 2; run++ {
			cmd := exec.Command(bin, "--db", dbPath, "--sources", dir, "check",
				"--concurrency", fmt.Sprint(concurrency), "--host-delay", "0", "--quiet")
			var stderr bytes.Buffer
			cmd.Stderr = &stderr
			t1 := time.Now()
			err := cmd.Run()
			wall := time.Since(t1)
			if code := cmd.ProcessState.ExitCode(); code != 0 && code != 3 {
				b.Fatalf("check run %d: %v\n%s", run, err, stderr.String())
			}
			rss := cmd.ProcessState.SysUsage().(*syscall.Rusage).Maxrss // KiB on Linux
			ratio := wall.Seconds() / plain.Seconds()
			if ratio > worst {
				worst = ratio
			}
			runs = append(runs, fmt.Sprintf("  check run %d: %8.2fs  (%.2fx the plain loop)  peak RSS %6.1f MB", run, wall.Seconds(), ratio, float64(rss)/1024))
			b.ReportMetric(float64(rss)/1024, fmt.Sprintf("MB-peak-run%d", run))
		}
		db, err := store.Open(context.Background(), dbPath, store.Options{})
		if err != nil {
			b.Fatal(err)
		}
		st, err := db.Stats(context.Background())
		db.Close()
		if err != nil {
			b.Fatal(err)
		}
		fi, _ := os.Stat(dbPath)
		b.ReportMetric(worst, "x-plain-loop")
		b.ReportMetric(plain.Seconds(), "s-plain-loop")
		fmt.Fprintf(os.Stderr, "\n== check of %d sources, %d KB pages, %d hosts, concurrency %d (GOMAXPROCS %d) ==\n", n, pageSize>>10, hosts, concurrency, runtime.GOMAXPROCS(0))
		fmt.Fprintf(os.Stderr, "  plain GET+parse loop: %8.2fs\n%s\n", plain.Seconds(), strings.Join(runs, "\n"))
		fmt.Fprintf(os.Stderr, "  database after both runs: %.1f MB on disk; %+v\n", float64(fi.Size())/(1<<20), st)
		fmt.Fprintf(os.Stderr, "  targets: check within 1.5x of the plain loop, peak memory under 150 MB\n")
	}
}

// BenchmarkNoiseSnapshots records 200 successive noise-only snapshots of one
// 570 KB page through the pipeline and reports the bytes stored per
// snapshot (its blob, and everything it adds to the file: rows and indexes
// included), the time a check of one takes, and the bytes of a first
// snapshot of another page of the same vendor (compressed with the first
// page's base as dictionary).
func BenchmarkNoiseSnapshots(b *testing.B) {
	var noise atomic.Uint64
	srv := noisyServer(b, &noise)
	sibling := fixture.RetentionArticle(true)
	sibling.Pad = pageSize
	srv2 := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		p := sibling
		p.Noise = noise.Add(1)
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		w.Write(p.HTML())
	}))
	b.Cleanup(srv2.Close)
	for i := 0; i < b.N; i++ {
		ctx := context.Background()
		dbPath := filepath.Join(b.TempDir(), "noise.db")
		db, err := store.Open(ctx, dbPath, store.Options{})
		if err != nil {
			b.Fatal(err)
		}
		src := terms.Source{ID: "bench-noise", Vendor: "bench", URL: srv.URL + "/p", Select: []string{"main"}}
		now := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
		p := &pipeline.Pipeline{Store: db, Fetcher: fetch.New(fetch.Options{Client: srv.Client()}), Now: func() time.Time { now = now.Add(time.Hour); return now }}
		// The first page, then the first noise snapshot, which also learns
		// the source's base index (once a source, as in BenchmarkCycles):
		// the snapshots measured are the ones after.
		for range 2 {
			if _, err := p.Check(ctx, src, pipeline.OriginCheck); err != nil {
				b.Fatal(err)
			}
		}
		before, _ := db.Stats(ctx)
		usedBefore, err := db.UsedBytes(ctx)
		if err != nil {
			b.Fatal(err)
		}
		const k = 200
		start := time.Now()
		for j := 0; j < k; j++ {
			o, err := p.Check(ctx, src, pipeline.OriginCheck)
			if err != nil || o.Err != nil || o.NewVersion {
				b.Fatalf("noise snapshot %d: %v %v new=%v", j, err, o.Err, o.NewVersion)
			}
		}
		perCheck := time.Since(start) / k
		after, _ := db.Stats(ctx)
		usedAfter, err := db.UsedBytes(ctx)
		if err != nil {
			b.Fatal(err)
		}
		src2 := terms.Source{ID: "bench-retention", Vendor: "bench", URL: srv2.URL + "/r", Select: []string{"main"}}
		if _, err := p.Check(ctx, src2, pipeline.OriginCheck); err != nil {
			b.Fatal(err)
		}
		second, _ := db.Stats(ctx)
		db.Close()
		per := float64(after.BlobBytes-before.BlobBytes) / k
		perAll := float64(usedAfter-usedBefore) / k
		b.ReportMetric(per, "B/noise-snapshot")
		b.ReportMetric(perAll, "B/noise-snapshot-with-rows")
		b.ReportMetric(float64(perCheck.Nanoseconds()), "ns/noise-check")
		b.ReportMetric(float64(before.BlobBytes), "B/first-snapshot")
		b.ReportMetric(float64(second.BlobBytes-after.BlobBytes), "B/first-snapshot-vendor-dict")
		fmt.Fprintf(os.Stderr, "\n== %d noise-only snapshots of one %d KB page ==\n  stored: %.0f bytes per snapshot, %.0f with its rows (target under 1 KB); %v per check\n  first snapshot %d bytes; first snapshot of another page of the vendor %d bytes (target under 60 KB)\n",
			k, pageSize>>10, per, perAll, perCheck, before.BlobBytes, second.BlobBytes-after.BlobBytes)
	}
}
