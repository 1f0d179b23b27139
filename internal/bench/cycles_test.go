package bench

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/clausewatch/clausewatch/internal/store"
)

// editEvery is the share of pages the page server changes in an edited
// cycle: one in editEvery, 10%.
const editEvery = 10

// proc is what one child process cost, from its rusage.
type proc struct {
	wall, cpu time.Duration
	rssMB     float64
	gc, gcIdl time.Duration // GC CPU from gctrace (check only); gcIdl is the idle mark workers' part of it
	exit      int
}

// pair is one paired repetition: the check and its baseline loop, run one
// after the other on the same pages.
type pair struct{ check, loop proc }

func (p pair) cpuRatio() float64  { return p.check.cpu.Seconds() / p.loop.cpu.Seconds() }
func (p pair) wallRatio() float64 { return p.check.wall.Seconds() / p.loop.wall.Seconds() }

// cycleBench holds the binaries, the page server and the declarations of
// one BenchmarkCycles run.
type cycleBench struct {
	b                         *testing.B
	clausewatch, loop, server string
	bases                     []string // the page server's base URLs, one per host
	tmp                       string
}

// BenchmarkCycles measures check cycles the way issue 13 asks: the pages
// come from a page server in a process of its own (internal/bench/pageserver),
// the check is the real binary, and each check run is paired with a plain
// loop (internal/bench/loop) in a child process of its own over the same
// pages, the order alternating from one repetition to the next, so that
// the CPU of both is read from rusage and the ratios hold on a noisy
// machine. Cycles: first run (empty database) and a 10% edited cycle
// against GET + full html.Parse, a noise-only cycle against GET + tokenize
// to </main>; then the cost per page at a tenth, once and three times the
// number of sources (a first run, then reps noise cycles, two at three
// times: the first noise cycle also learns each source's base index, so
// the noise figures per page are of the cycles after it, and the first is
// a column of its own), with the GC share from gctrace: the GC CPU it prints is the time
// the GC's workers and assists ran, so a descheduled worker counts as GC.
// With -short: 100 pages and 2 repetitions.
func BenchmarkCycles(b *testing.B) {
	n, reps := 1000, 5
	if testing.Short() {
		n, reps = 100, 2
	}
	cb := &cycleBench{b: b, tmp: b.TempDir()}
	cb.clausewatch = cb.build("../../cmd/clausewatch", "clausewatch")
	cb.loop = cb.build("./loop", "loop")
	cb.server = cb.build("./pageserver", "pageserver")
	cb.startServer(3 * n)
	for i := 0; i < b.N; i++ {
		cb.run(n, reps)
	}
}

func (cb *cycleBench) build(pkg, name string) string {
	bin := filepath.Join(cb.tmp, name)
	if out, err := exec.Command("go", "build", "-o", bin, pkg).CombinedOutput(); err != nil {
		cb.b.Fatalf("go build %s: %v\n%s", pkg, err, out)
	}
	return bin
}

// startServer starts the page server with pages pages and reads its base
// URLs; closing its stdin at cleanup stops it.
func (cb *cycleBench) startServer(pages int) {
	b := cb.b
	cmd := exec.Command(cb.server, "-hosts", fmt.Sprint(hosts), "-pages", fmt.Sprint(pages), "-pad", fmt.Sprint(pageSize))
	stdin, err := cmd.StdinPipe()
	if err != nil {
		b.Fatal(err)
	}
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		b.Fatal(err)
	}
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		b.Fatalf("page server: %v", err)
	}
	b.Cleanup(func() { stdin.Close(); cmd.Wait() })
	sc := bufio.NewScanner(stdout)
	for sc.Scan() && sc.Text() != "ready" {
		cb.bases = append(cb.bases, sc.Text())
	}
	if len(cb.bases) != hosts {
		stdin.Close()
		cmd.Wait()
		b.Fatalf("page server: got %d base URLs, want %d\n%s", len(cb.bases), hosts, stderr.String())
	}
	go io.Copy(io.Discard, stdout)
}

// pages declares the first n pages (spread over the hosts) and writes the
// loop's URL file; it returns the declarations' directory and the file.
func (cb *cycleBench) pages(n int) (sources, urlFile string) {
	us := make([]string, n)
	for i := range us {
		us[i] = fmt.Sprintf("%s/doc/%d", cb.bases[i%len(cb.bases)], i)
	}
	sources = declare(cb.b, us)
	urlFile = filepath.Join(sources, "urls.txt")
	if err := os.WriteFile(urlFile, []byte(strings.Join(us, "\n")+"\n"), 0o644); err != nil {
		cb.b.Fatal(err)
	}
	return sources, urlFile
}

// newCycle asks the page server to change the clause of one page in every.
func (cb *cycleBench) newCycle(every int) {
	resp, err := http.Get(fmt.Sprintf("%s/_cycle?every=%d", cb.bases[0], every))
	if err != nil {
		cb.b.Fatalf("page server: new cycle: %v", err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		cb.b.Fatalf("page server: new cycle: status %d: %s", resp.StatusCode, body)
	}
}

// exec runs one child process and reads its cost. ok says which exit codes
// are not failures.
func (cb *cycleBench) exec(env []string, ok []int, bin string, args ...string) proc {
	cmd := exec.Command(bin, args...)
	cmd.Env = append(os.Environ(), env...)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	t0 := time.Now()
	err := cmd.Run()
	wall := time.Since(t0)
	if cmd.ProcessState == nil {
		cb.b.Fatalf("%s: %v", filepath.Base(bin), err)
	}
	code := cmd.ProcessState.ExitCode()
	if !slices.Contains(ok, code) {
		cb.b.Fatalf("%s %s: exit %d (%v)\n%s", filepath.Base(bin), strings.Join(args, " "), code, err, tail(stderr.String()))
	}
	ru := cmd.ProcessState.SysUsage().(*syscall.Rusage)
	p := proc{
		wall:  wall,
		cpu:   time.Duration(ru.Utime.Nano() + ru.Stime.Nano()),
		rssMB: float64(ru.Maxrss) / 1024, // KiB on Linux
		exit:  code,
	}
	p.gc, p.gcIdl = gcCPU(stderr.String())
	return p
}

// check runs one check cycle of the real binary, with gctrace on.
func (cb *cycleBench) check(db, sources string, ok ...int) proc {
	return cb.exec([]string{"GODEBUG=gctrace=1", "GOMAXPROCS=" + fmt.Sprint(runtime.GOMAXPROCS(0))}, ok, cb.clausewatch,
		"--db", db, "--sources", sources, "check", "--concurrency", fmt.Sprint(concurrency), "--host-delay", "0", "--quiet")
}

// plain runs the plain loop in mode over the URL file.
func (cb *cycleBench) plain(mode, urlFile string) proc {
	return cb.exec([]string{"GOMAXPROCS=" + fmt.Sprint(runtime.GOMAXPROCS(0))}, []int{0}, cb.loop,
		"-mode", mode, "-urls", urlFile, "-concurrency", fmt.Sprint(concurrency), "-until", "main")
}

// paired runs the check and the loop one after the other, the loop first
// in even repetitions and second in odd ones.
func (cb *cycleBench) paired(rep int, check func() proc, mode, urlFile string) pair {
	var p pair
	if rep%2 == 0 {
		p.loop = cb.plain(mode, urlFile)
		p.check = check()
	} else {
		p.check = check()
		p.loop = cb.plain(mode, urlFile)
	}
	return p
}

// scale is the cost per page at one number of sources.
type scale struct {
	n               int
	first           proc
	noise           []pair
	firstBytes      int64  // bytes the database uses after the first run
	learnBytes      int64  // growth of the bytes used over the first noise cycle (each source learns its base index)
	noiseBytes      int64  // growth of the bytes used over the later noise cycles
	noiseBlobBytes  int64  // of which blob bytes, as the store counts them
	noiseFileBytes  int64  // growth of the file and its write-ahead log over the later noise cycles
	noiseSnapshots  int    // snapshots of the later noise cycles
	firstRunSamples []pair // first runs paired with the parse loop (main scale only)
	edited          []pair // edited cycles paired with the parse loop (main scale only)
}

func (cb *cycleBench) run(n, reps int) {
	b := cb.b
	start := time.Now()

	// The main scale: every cycle, paired, over reps repetitions.
	main := scale{n: n}
	sources, urlFile := cb.pages(n)
	var db string
	for r := 0; r < reps; r++ {
		db = filepath.Join(b.TempDir(), "cycles.db")
		main.firstRunSamples = append(main.firstRunSamples, cb.paired(r, func() proc { return cb.check(db, sources, 0, 3) }, "parse", urlFile))
	}
	main.first = main.firstRunSamples[len(main.firstRunSamples)-1].check
	main.firstBytes, _ = storeBytes(b, db)
	// The first noise cycle also learns each source's base index (the runs
	// its noise takes, kept once per source); the later ones show what a
	// noise snapshot costs for good.
	var file0, used0, blobs0 int64
	for r := 0; r < reps; r++ {
		if r == 1 {
			file0 = dbSize(b, db)
			used0, blobs0 = storeBytes(b, db)
			main.learnBytes = used0 - main.firstBytes
		}
		main.noise = append(main.noise, cb.paired(r, func() proc { return cb.check(db, sources, 0) }, "tokenize", urlFile))
	}
	main.noiseFileBytes = dbSize(b, db) - file0
	used, blobs := storeBytes(b, db)
	main.noiseBytes, main.noiseBlobBytes = used-used0, blobs-blobs0
	main.noiseSnapshots = n * (reps - 1)
	for r := 0; r < reps; r++ {
		cb.newCycle(editEvery)
		// Exit 3: the edits must be found, or this is no edited cycle.
		main.edited = append(main.edited, cb.paired(r, func() proc { return cb.check(db, sources, 3) }, "parse", urlFile))
	}

	// The other scales: a first run, then noise-only cycles.
	small := cb.scale(n/10, reps)
	large := cb.scale(3*n, 2) // two cycles: the first run at this scale is the longest step of make bench

	w := os.Stderr
	fmt.Fprintf(w, "\n== check cycles: the real binary against plain loops, each in a child process of its own; pages from a separate server process ==\n")
	fmt.Fprintf(w, "  %d sources, %d KB pages with fresh noise per request, %d hosts, concurrency %d, GOMAXPROCS %d; %d paired repetitions (order alternating); %s in all\n",
		n, pageSize>>10, hosts, concurrency, runtime.GOMAXPROCS(0), reps, time.Since(start).Round(time.Second))
	fmt.Fprintf(w, "  CPU = user+sys of the child (rusage); ratio = check / loop within a pair; median [min-max]\n")
	fmt.Fprintf(w, "  %-24s %-22s %-22s %-22s %10s %10s %9s  %s\n", "cycle", "baseline", "CPU ratio", "wall ratio", "check CPU", "loop CPU", "peak RSS", "target")
	row := func(name, base string, ps []pair, target string) {
		var cpu, wall, ccpu, lcpu, rss []float64
		for _, p := range ps {
			cpu = append(cpu, p.cpuRatio())
			wall = append(wall, p.wallRatio())
			ccpu = append(ccpu, p.check.cpu.Seconds())
			lcpu = append(lcpu, p.loop.cpu.Seconds())
			rss = append(rss, p.check.rssMB)
		}
		fmt.Fprintf(w, "  %-24s %-22s %-22s %-22s %9.2fs %9.2fs %6.1f MB  %s\n", name, base, spread(cpu), spread(wall), median(ccpu), median(lcpu), slices.Max(rss), target)
	}
	row("first run (empty db)", "GET + full parse", main.firstRunSamples, "CPU within 1.5x")
	row("noise-only cycle", "GET + tokenize </main>", main.noise, "CPU within 1.5x")
	row(fmt.Sprintf("%d%% edited cycle", 100/editEvery), "GET + full parse", main.edited, "CPU within 1.3x")
	fmt.Fprintf(w, "  (check CPU, loop CPU: medians; peak RSS: the check's largest)\n")

	fmt.Fprintf(w, "  storage (bytes the database uses, dbstat): first snapshot of a page %.1f KB with its rows (target under 60 KB); noise snapshot %.0f bytes with its row, %.0f of them blob (target under 1 KB)\n",
		float64(main.firstBytes)/float64(n)/1024, float64(main.noiseBytes)/float64(main.noiseSnapshots), float64(main.noiseBlobBytes)/float64(main.noiseSnapshots))
	fmt.Fprintf(w, "  (noise snapshots of the cycles after the first; in the first, each source also learnt its base index: %.1f KB once per source; the file and its write-ahead log grew by %.0f bytes per noise snapshot, free pages and the log's size counting there)\n",
		float64(main.learnBytes)/float64(n)/1024, float64(main.noiseFileBytes)/float64(main.noiseSnapshots))

	fmt.Fprintf(w, "  cost per page (check CPU / sources; noise: median over the cycles after the first, which learns the base indexes):\n")
	fmt.Fprintf(w, "  %8s %14s %14s %14s %14s %9s %18s %18s\n", "sources", "first run", "learning cycle", "noise cycle", "noise wall", "peak RSS", "GC first run", "GC noise cycle")
	scales := []scale{small, main, large}
	for _, s := range scales {
		fmt.Fprintf(w, "  %8d %11.2f ms %11.2f ms %11.2f ms %11.2f ms %6.1f MB %18s %18s\n", s.n,
			perPage(s.first.cpu, s.n), perPage(s.noise[0].check.cpu, s.n), s.noiseCPUPerPage(), s.noiseWallPerPage(), s.peakRSS(), gcShare(s.first), gcShare(s.noise[len(s.noise)-1].check))
	}
	fmt.Fprintf(w, "  flatness: noise-cycle CPU per page at %d / at %d sources = %.2f, first run %.2f (target: flat, about 1)\n",
		large.n, small.n, large.noiseCPUPerPage()/small.noiseCPUPerPage(), perPage(large.first.cpu, large.n)/perPage(small.first.cpu, small.n))
	fmt.Fprintf(w, "  targets: GC under 10%% of CPU at %d sources (GC: all GC CPU in gctrace, idle mark workers in brackets), peak memory under 100 MB\n", large.n)

	b.ReportMetric(median(ratios(main.noise, pair.cpuRatio)), "x-cpu-noise-vs-tokenize")
	b.ReportMetric(median(ratios(main.edited, pair.cpuRatio)), "x-cpu-edited-vs-parse")
	b.ReportMetric(median(ratios(main.firstRunSamples, pair.cpuRatio)), "x-cpu-first-vs-parse")
	b.ReportMetric(float64(main.noiseBytes)/float64(main.noiseSnapshots), "B/noise-snapshot-with-row")
}

// scale measures a first run and then noise-only cycles (paired with the
// tokenize loop) over n sources in a database of their own.
func (cb *cycleBench) scale(n, cycles int) scale {
	s := scale{n: n}
	sources, urlFile := cb.pages(n)
	db := filepath.Join(cb.b.TempDir(), "scale.db")
	s.first = cb.check(db, sources, 0, 3)
	for r := 0; r < cycles; r++ {
		s.noise = append(s.noise, cb.paired(r, func() proc { return cb.check(db, sources, 0) }, "tokenize", urlFile))
	}
	return s
}

// steady is the noise cycles after the first, which also learns each
// source's base index (all of them when there is only one).
func (s scale) steady() []pair {
	if len(s.noise) < 2 {
		return s.noise
	}
	return s.noise[1:]
}

func (s scale) noiseCPUPerPage() float64 {
	var v []float64
	for _, p := range s.steady() {
		v = append(v, perPage(p.check.cpu, s.n))
	}
	return median(v)
}

func (s scale) noiseWallPerPage() float64 {
	var v []float64
	for _, p := range s.steady() {
		v = append(v, perPage(p.check.wall, s.n))
	}
	return median(v)
}

func (s scale) peakRSS() float64 {
	m := s.first.rssMB
	for _, p := range s.noise {
		m = max(m, p.check.rssMB)
	}
	return m
}

func perPage(d time.Duration, n int) float64 { return float64(d.Microseconds()) / 1000 / float64(n) }

func gcShare(p proc) string {
	if p.cpu <= 0 {
		return "-"
	}
	return fmt.Sprintf("%.1f%% (%.1f%%)", 100*p.gc.Seconds()/p.cpu.Seconds(), 100*p.gcIdl.Seconds()/p.cpu.Seconds())
}

func ratios(ps []pair, f func(pair) float64) []float64 {
	var v []float64
	for _, p := range ps {
		v = append(v, f(p))
	}
	return v
}

func median(v []float64) float64 {
	if len(v) == 0 {
		return 0
	}
	s := slices.Clone(v)
	slices.Sort(s)
	if len(s)%2 == 1 {
		return s[len(s)/2]
	}
	return (s[len(s)/2-1] + s[len(s)/2]) / 2
}

func spread(v []float64) string {
	return fmt.Sprintf("%.2fx [%.2f-%.2f]", median(v), slices.Min(v), slices.Max(v))
}

// gcCPU sums the CPU times of the GC cycles in a gctrace log (GODEBUG=gctrace=1):
// in "gc 1 @0.01s 2%: 0.01+1.2+0.003 ms clock, 0.03+0.5/1.0/0.2+0.006 ms cpu, …"
// the cpu field is sweep termination + assist/background/idle marking + mark
// termination. It returns all of it and the idle marking part.
func gcCPU(log string) (total, idle time.Duration) {
	for _, line := range strings.Split(log, "\n") {
		if !strings.HasPrefix(line, "gc ") {
			continue
		}
		_, rest, ok := strings.Cut(line, " ms clock, ")
		if !ok {
			continue
		}
		cpu, _, ok := strings.Cut(rest, " ms cpu")
		if !ok {
			continue
		}
		parts := strings.FieldsFunc(cpu, func(r rune) bool { return r == '+' || r == '/' })
		if len(parts) != 5 {
			continue
		}
		for i, f := range parts {
			ms, err := strconv.ParseFloat(f, 64)
			if err != nil {
				continue
			}
			d := time.Duration(ms * float64(time.Millisecond))
			total += d
			if i == 3 {
				idle += d
			}
		}
	}
	return total, idle
}

// dbSize is the size of the database file and its write-ahead log.
func dbSize(tb testing.TB, path string) int64 {
	var n int64
	for _, p := range []string{path, path + "-wal"} {
		fi, err := os.Stat(p)
		if err == nil {
			n += fi.Size()
		} else if p == path {
			tb.Fatal(err)
		}
	}
	return n
}

// storeBytes is what the database at path uses (dbstat: its pages less
// their free bytes) and the store's count of bytes stored for pages.
func storeBytes(tb testing.TB, path string) (used, blob int64) {
	ctx := context.Background()
	db, err := store.Open(ctx, path, store.Options{})
	if err != nil {
		tb.Fatal(err)
	}
	defer db.Close()
	st, err := db.Stats(ctx)
	if err != nil {
		tb.Fatal(err)
	}
	if used, err = db.UsedBytes(ctx); err != nil {
		tb.Fatal(err)
	}
	return used, st.BlobBytes
}

// tail is the end of a long stderr, without gctrace lines.
func tail(s string) string {
	var keep []string
	for _, l := range strings.Split(s, "\n") {
		if !strings.HasPrefix(l, "gc ") {
			keep = append(keep, l)
		}
	}
	out := strings.Join(keep, "\n")
	if len(out) > 4000 {
		out = "…" + out[len(out)-4000:]
	}
	return out
}

func TestGCCPU(t *testing.T) {
	log := "gc 1 @0.010s 2%: 0.010+1.2+0.003 ms clock, 0.020+0.50/1.0/0.25+0.006 ms cpu, 4->4->1 MB, 4 MB goal, 0 MB stacks, 0 MB globals, 2 P\n" +
		"some other line\n" +
		"gc 2 @0.020s 3%: 0.010+1.2+0.003 ms clock, 1+2/3/4+5 ms cpu, 4->4->1 MB, 4 MB goal, 0 MB stacks, 0 MB globals, 2 P\n" +
		"gc 3 @0.030s 3%: garbled\n"
	total, idle := gcCPU(log)
	if want := time.Duration((0.020 + 0.50 + 1.0 + 0.25 + 0.006 + 15) * float64(time.Millisecond)); total < want-time.Microsecond || total > want+time.Microsecond {
		t.Errorf("total = %v, want %v", total, want)
	}
	if want := time.Duration(4.25 * float64(time.Millisecond)); idle != want {
		t.Errorf("idle = %v, want %v", idle, want)
	}
}

func TestMedianSpread(t *testing.T) {
	if m := median([]float64{3, 1, 2}); m != 2 {
		t.Errorf("median of 3 = %v", m)
	}
	if m := median([]float64{4, 1, 2, 3}); m != 2.5 {
		t.Errorf("median of 4 = %v", m)
	}
	if s := spread([]float64{1.5, 1.25, 2}); s != "1.50x [1.25-2.00]" {
		t.Errorf("spread = %q", s)
	}
}
