package fetch

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log"
	"net"
	"net/http"
	"net/http/httputil"
	"net/netip"
	"net/url"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/chromedp/chromedp"
)

// A rendered page runs the vendor's scripts, and those may ask the browser
// for any address: the metadata service of a cloud host, a router, a
// database on localhost. Every connection of the browser therefore goes
// through renderProxy, a forward proxy on loopback that resolves the host
// itself and dials the very address it checked (addrGuard), so that a name
// answering a public address to the check and a private one to the
// connection (DNS rebinding) gains nothing. Chromium is told to resolve no
// name on its own (--host-resolver-rules) and to send loopback through the
// proxy too (--proxy-bypass-list=<-loopback>).
//
// Chromium's --host-resolver-rules alone cannot do this job: it maps names
// to names or addresses but cannot test the address a name resolves to
// against a range; and a check in the request interception followed by
// Chromium's own resolution leaves the rebinding window open.

// specialRanges are ranges outside IsLoopback, IsPrivate, IsLinkLocal* and
// IsUnspecified that a page may not reach either: "this network",
// carrier-grade NAT (shared address space), IETF protocol assignments,
// benchmarking, reserved and broadcast.
var specialRanges = []netip.Prefix{
	netip.MustParsePrefix("0.0.0.0/8"),
	netip.MustParsePrefix("100.64.0.0/10"),
	netip.MustParsePrefix("192.0.0.0/24"),
	netip.MustParsePrefix("198.18.0.0/15"),
	netip.MustParsePrefix("240.0.0.0/4"),
}

// nat64 is the well-known NAT64 prefix: its addresses embed an IPv4 one.
var nat64 = netip.MustParsePrefix("64:ff9b::/96")

// blockedAddr reports whether a rendered page may not connect to ip
// (unless it is the declared URL's own host): loopback, private (10/8,
// 172.16/12, 192.168/16, IPv6 unique local fc00::/7), link-local (169.254/16,
// fe80::/10, where cloud metadata services live), unspecified, multicast,
// carrier-grade NAT 100.64/10 and the other special IPv4 ranges, and the
// same addresses mapped into IPv6 or behind NAT64.
func blockedAddr(ip netip.Addr) bool {
	ip = ip.Unmap()
	if ip.Is6() && nat64.Contains(ip) {
		b := ip.As16()
		ip = netip.AddrFrom4([4]byte(b[12:]))
	}
	if ip.IsLoopback() || ip.IsPrivate() || ip.IsLinkLocalUnicast() || ip.IsLinkLocalMulticast() ||
		ip.IsInterfaceLocalMulticast() || ip.IsMulticast() || ip.IsUnspecified() {
		return true
	}
	for _, p := range specialRanges {
		if p.Contains(ip) {
			return true
		}
	}
	return false
}

// blockedError is a connection the guard refused: to an address in a
// blocked range, or (offSite) to a host outside the page's sites and
// browser_allow.
type blockedError struct {
	target  string // host:port asked for
	addr    netip.Addr
	offSite bool
}

func (e *blockedError) Error() string {
	switch {
	case e.offSite:
		return fmt.Sprintf("%s is not the page's site nor in browser_allow", e.target)
	case e.target == e.addr.String() || strings.Trim(hostOf(e.target), "[]") == e.addr.String():
		return fmt.Sprintf("%s is a loopback, private or link-local address", e.target)
	}
	return fmt.Sprintf("%s resolves to %s, a loopback, private or link-local address", e.target, e.addr)
}

func hostOf(hostport string) string {
	h, _, err := net.SplitHostPort(hostport)
	if err != nil {
		return hostport
	}
	return h
}

// addrGuard dials for the proxy: the declared URL's own host:port
// whatever its address, every other target only at public addresses.
type addrGuard struct {
	// hostOK says whether the page may reach a host at all (the request
	// policy's sites and browser_allow), so that what the interception
	// does not see (WebSockets, a service worker, the browser's own
	// connections) is held to the same hosts; nil admits every host.
	hostOK   func(host string) bool
	declared string   // host:port of the declared URL, host lower-case
	also     []string // more host:port dialled whatever their address (tests)
	resolver *net.Resolver
	dialer   *net.Dialer

	mu      sync.Mutex
	blocked []string     // refused targets with their reason, first few only
	last    *dialFailure // the last dial that failed or was refused
}

// dialFailure is a dial of the proxy that failed, named as Chromium names
// its network errors ("net::ERR_CONNECTION_REFUSED"), so that a page the
// proxy could not reach is classified as if the browser had dialled.
type dialFailure struct {
	target string
	text   string // Chromium's error text
	err    error
}

// loadError returns the failure as the browser's own load error, with
// the proxy's reason.
func (d *dialFailure) loadError() error {
	return fmt.Errorf("%w (%s)", &chromedp.LoadError{ErrorText: d.text}, d.err)
}

// chromiumText names a dial error as Chromium's net_error_list does.
func chromiumText(err error) string {
	var dnsErr *net.DNSError
	var be *blockedError
	switch {
	case errors.As(err, &be):
		return "net::ERR_BLOCKED_BY_CLIENT"
	case errors.As(err, &dnsErr) && dnsErr.IsNotFound:
		return "net::ERR_NAME_NOT_RESOLVED"
	case errors.As(err, &dnsErr):
		return "net::ERR_NAME_RESOLUTION_FAILED"
	case strings.Contains(err.Error(), "connection refused"):
		return "net::ERR_CONNECTION_REFUSED"
	case isTimeout(err):
		return "net::ERR_CONNECTION_TIMED_OUT"
	}
	return "net::ERR_CONNECTION_FAILED"
}

// newAddrGuard returns the guard of a render of declared (an absolute
// http(s) URL).
func newAddrGuard(declared *url.URL, connect time.Duration, also []string) *addrGuard {
	return &addrGuard{
		declared: hostPort(declared),
		also:     also,
		resolver: net.DefaultResolver,
		dialer:   &net.Dialer{Timeout: connect, KeepAlive: 30 * time.Second},
	}
}

// dial connects to target (host:port). A host that is an address in a
// blocked range, or a name any of whose addresses is, is refused with a
// *blockedError, unless target is the declared host:port. A failure is
// remembered (lastFailure).
func (g *addrGuard) dial(ctx context.Context, target string) (net.Conn, error) {
	c, err := g.dial1(ctx, target)
	if err != nil {
		g.mu.Lock()
		g.last = &dialFailure{target: target, text: chromiumText(err), err: err}
		g.mu.Unlock()
	}
	return c, err
}

// lastFailure is the last dial that failed, nil when none did.
func (g *addrGuard) lastFailure() *dialFailure {
	g.mu.Lock()
	defer g.mu.Unlock()
	return g.last
}

func (g *addrGuard) dial1(ctx context.Context, target string) (net.Conn, error) {
	host, port, err := net.SplitHostPort(target)
	if err != nil {
		return nil, err
	}
	host = strings.ToLower(host)
	if g.hostOK != nil && !g.hostOK(host) {
		return nil, g.refuse(&blockedError{target: target, offSite: true})
	}
	if hp := net.JoinHostPort(host, port); hp == g.declared || slices.Contains(g.also, hp) {
		return g.dialer.DialContext(ctx, "tcp", target)
	}
	var addrs []netip.Addr
	if ip, err := netip.ParseAddr(host); err == nil {
		addrs = []netip.Addr{ip}
	} else {
		addrs, err = g.resolver.LookupNetIP(ctx, "ip", host)
		if err != nil {
			return nil, err
		}
	}
	for _, ip := range addrs {
		if blockedAddr(ip) {
			return nil, g.refuse(&blockedError{target: target, addr: ip.Unmap()})
		}
	}
	var last error
	for _, ip := range addrs {
		// The address checked is the address dialled: no second lookup.
		c, err := g.dialer.DialContext(ctx, "tcp", net.JoinHostPort(ip.Unmap().String(), port))
		if err == nil {
			return c, nil
		}
		last = err
	}
	if last == nil {
		last = fmt.Errorf("no address for %s", host)
	}
	return nil, last
}

// refuse records a refusal and returns it.
func (g *addrGuard) refuse(err *blockedError) error {
	g.mu.Lock()
	defer g.mu.Unlock()
	if len(g.blocked) < 8 {
		g.blocked = append(g.blocked, err.Error())
	}
	return err
}

// refused returns the targets the guard refused so far.
func (g *addrGuard) refused() []string {
	g.mu.Lock()
	defer g.mu.Unlock()
	return append([]string(nil), g.blocked...)
}

// budget counts the bytes a render receives: on the wire through the proxy
// (encoded) and as Chromium reports them decoded. Over max, over
// maxResource for one resource, it calls abort once.
type budget struct {
	max         int64
	maxResource int64
	encoded     atomic.Int64
	decoded     atomic.Int64
	abort       func(error)
	once        sync.Once
}

// errBudget is the cause a render is aborted with when it received too
// much.
type errBudget struct{ msg string }

func (e *errBudget) Error() string { return e.msg }

func (b *budget) exceed(format string, args ...any) error {
	err := &errBudget{msg: fmt.Sprintf(format, args...)}
	b.once.Do(func() { b.abort(err) })
	return err
}

// addEncoded counts n bytes passed to the browser; over the cap it aborts
// the render and returns the error, so the caller stops copying.
func (b *budget) addEncoded(n int) error {
	if total := b.encoded.Add(int64(n)); total > b.max {
		return b.exceed("browser: page exceeded %d bytes received", b.max)
	}
	return nil
}

// addDecoded counts n decoded bytes of one resource whose decoded total is
// now resource.
func (b *budget) addDecoded(n, resource int64, what string) {
	if resource > b.maxResource {
		b.exceed("browser: %s exceeded %d bytes decoded", what, b.maxResource)
		return
	}
	if total := b.decoded.Add(n); total > b.max {
		b.exceed("browser: page exceeded %d bytes decoded", b.max)
	}
}

// countingReader passes reads through the budget; with perResource set
// (a plain-http response, whose bytes are one resource) it also holds the
// response to the budget's maxResource.
type countingReader struct {
	r           io.ReadCloser
	b           *budget
	perResource bool
	n           int64
}

func (c *countingReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	if n > 0 {
		c.n += int64(n)
		if c.perResource && c.n > c.b.maxResource {
			return n, c.b.exceed("browser: a response exceeded %d bytes", c.b.maxResource)
		}
		if berr := c.b.addEncoded(n); berr != nil {
			return n, berr
		}
	}
	return n, err
}

func (c *countingReader) Close() error { return c.r.Close() }

// blockedHeader marks the proxy's own refusal of a plain-http request,
// proxyErrorHeader its failure to dial the server (with Chromium's name
// for the failure).
const (
	blockedHeader    = "X-Clausewatch-Blocked"
	proxyErrorHeader = "X-Clausewatch-Proxy-Error"
)

// renderProxy is the forward proxy of one render: CONNECT tunnels (https,
// wss) and absolute-form http requests, each dialled through the guard
// and counted by the budget.
type renderProxy struct {
	guard  *addrGuard
	budget *budget
	ln     net.Listener
	srv    *http.Server
	rp     *httputil.ReverseProxy

	mu    sync.Mutex
	conns map[net.Conn]struct{} // hijacked tunnels, closed by Close
}

// startProxy listens on a loopback port and serves until Close.
func startProxy(g *addrGuard, b *budget) (*renderProxy, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, fmt.Errorf("browser proxy: %w", err)
	}
	p := &renderProxy{guard: g, budget: b, ln: ln, conns: map[net.Conn]struct{}{}}
	p.rp = &httputil.ReverseProxy{
		// The incoming request is in absolute form: the outgoing one
		// keeps its URL and Host; no X-Forwarded-* header is added.
		Rewrite: func(*httputil.ProxyRequest) {},
		Transport: &http.Transport{
			DialContext:           func(ctx context.Context, _, addr string) (net.Conn, error) { return g.dial(ctx, addr) },
			DisableCompression:    true,
			MaxIdleConnsPerHost:   4,
			IdleConnTimeout:       30 * time.Second,
			ResponseHeaderTimeout: time.Minute,
		},
		ModifyResponse: func(resp *http.Response) error {
			if resp.ContentLength > b.maxResource {
				// Refused before a byte is read, as the interception
				// refuses it for https (refuseResponse).
				return fmt.Errorf("response of %d bytes is over the %d byte cap", resp.ContentLength, b.maxResource)
			}
			resp.Body = &countingReader{r: resp.Body, b: b, perResource: true}
			return nil
		},
		ErrorHandler: func(w http.ResponseWriter, r *http.Request, err error) {
			var be *blockedError
			if errors.As(err, &be) {
				w.Header().Set(blockedHeader, "address")
				http.Error(w, "blocked: "+be.Error(), http.StatusForbidden)
				return
			}
			if _, dialed := errors.AsType[*net.OpError](err); dialed || errors.As(err, new(*net.DNSError)) {
				w.Header().Set(proxyErrorHeader, chromiumText(err))
			}
			http.Error(w, "proxy: "+err.Error(), http.StatusBadGateway)
		},
		ErrorLog: discardLogger(),
	}
	p.srv = &http.Server{Handler: p, ReadHeaderTimeout: 10 * time.Second, ErrorLog: discardLogger()}
	go func() { _ = p.srv.Serve(ln) }()
	return p, nil
}

// URL is the proxy's address for --proxy-server.
func (p *renderProxy) URL() string { return "http://" + p.ln.Addr().String() }

// Close stops the proxy and cuts every tunnel.
func (p *renderProxy) Close() {
	_ = p.srv.Close()
	p.mu.Lock()
	for c := range p.conns {
		_ = c.Close()
	}
	p.conns = nil
	p.mu.Unlock()
	if t, ok := p.rp.Transport.(*http.Transport); ok {
		t.CloseIdleConnections()
	}
}

func (p *renderProxy) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	switch {
	case r.Method == http.MethodConnect:
		p.tunnel(w, r)
	case r.URL.IsAbs() && r.URL.Scheme == "http":
		p.rp.ServeHTTP(w, r)
	default:
		http.Error(w, "not a proxy request", http.StatusBadRequest)
	}
}

// tunnel serves a CONNECT: dial the target through the guard, then copy
// both ways, counting what comes back.
func (p *renderProxy) tunnel(w http.ResponseWriter, r *http.Request) {
	up, err := p.guard.dial(r.Context(), r.Host)
	if err != nil {
		var be *blockedError
		if errors.As(err, &be) {
			http.Error(w, "blocked: "+be.Error(), http.StatusForbidden)
			return
		}
		http.Error(w, "proxy: "+err.Error(), http.StatusBadGateway)
		return
	}
	hj, ok := w.(http.Hijacker)
	if !ok {
		up.Close()
		http.Error(w, "proxy: cannot tunnel", http.StatusInternalServerError)
		return
	}
	down, rw, err := hj.Hijack()
	if err != nil {
		up.Close()
		return
	}
	if !p.track(down, up) {
		return
	}
	defer p.untrack(down, up)
	if _, err := io.WriteString(down, "HTTP/1.1 200 Connection Established\r\n\r\n"); err != nil {
		return
	}
	done := make(chan struct{})
	go func() {
		// Bytes the client sent after its CONNECT may sit in rw's buffer.
		_, _ = io.Copy(up, rw.Reader)
		closeWrite(up)
		close(done)
	}()
	_, _ = io.Copy(down, &countingReader{r: io.NopCloser(up), b: p.budget})
	_ = down.Close()
	_ = up.Close()
	<-done
}

// track records the two ends of a tunnel for Close; false (both closed)
// when the proxy is closing.
func (p *renderProxy) track(conns ...net.Conn) bool {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.conns == nil {
		for _, c := range conns {
			_ = c.Close()
		}
		return false
	}
	for _, c := range conns {
		p.conns[c] = struct{}{}
	}
	return true
}

func (p *renderProxy) untrack(conns ...net.Conn) {
	p.mu.Lock()
	defer p.mu.Unlock()
	for _, c := range conns {
		_ = c.Close()
		delete(p.conns, c)
	}
}

// discardLogger keeps the proxy's server from logging a browser that hung
// up mid-request.
func discardLogger() *log.Logger { return log.New(io.Discard, "", 0) }

func closeWrite(c net.Conn) {
	if cw, ok := c.(interface{ CloseWrite() error }); ok {
		_ = cw.CloseWrite()
		return
	}
	_ = c.Close()
}
