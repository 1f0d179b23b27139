package notify

import (
	"crypto/x509"
	"errors"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"

	"go.yaml.in/yaml/v3"

	"github.com/clausewatch/clausewatch/internal/inputfile"
	"github.com/clausewatch/clausewatch/internal/yamlx"
)

// Sentinel errors; every *ConfigError wraps exactly one of them.
var (
	ErrRead           = errors.New("cannot read mail settings")
	ErrSyntax         = errors.New("YAML syntax error")
	ErrType           = errors.New("wrong type")
	ErrUnknownField   = errors.New("unknown field")
	ErrDuplicateField = errors.New("duplicate field")
	ErrMissingField   = errors.New("missing required field")
	ErrInvalidValue   = errors.New("invalid value")
)

// ConfigError is one problem of a mail settings file. Its message reads
// "FILE:LINE: FIELD: problem", e.g.
// `clausewatch.yaml:4: smtp.tls: "ssl" is not one of starttls, tls, none`;
// list indexes in FIELD count from 0. Line is 0 and left out when the
// problem has no position; Field is empty for whole-file problems.
type ConfigError = yamlx.Error

// Config is a mail settings file: the SMTP server and who receives what,
// by email (Subscriptions) and in chat services (Outlets).
type Config struct {
	File          string     // the file it was read from, for messages
	SMTP          SMTPConfig // zero when the file has no smtp section (outlets only)
	Subscriptions []Subscription
	Outlets       []Outlet
}

// OutletSchemes are the URL schemes an outlet accepts: the chat and push
// services clausewatch writes messages for, and generic webhooks (which
// receive a JSON object with the message's title and text).
var OutletSchemes = []string{"slack", "teams", "matrix", "discord", "ntfy", "generic", "generic+http", "generic+https"}

// Outlet is one chat or push service that receives the changes matching
// its filters, with the same filter semantics as a Subscription. Its URL
// names the service by its scheme (slack://…, teams://…, matrix://…,
// discord://…, ntfy://…, generic+https://…); it usually carries a token,
// so it may come from an environment variable (url_env) instead of the
// file.
type Outlet struct {
	Name        string
	URL         string
	Vendors     []string
	Tiers       []string
	MinSeverity string // one of Severities; default "low"
	// Link is where a message's "more" link points (the published site
	// made by clausewatch site); empty: the changed page itself.
	Link string
	Line int
}

// Scheme is the outlet's service: the scheme of its URL.
func (o Outlet) Scheme() string {
	s, _, _ := strings.Cut(o.URL, "://")
	return strings.ToLower(s)
}

// Filter is the outlet's filter as a subscription (no recipients), for
// code that matches events against subscriptions.
func (o Outlet) Filter() Subscription {
	return Subscription{Name: o.Name, Vendors: o.Vendors, Tiers: o.Tiers, MinSeverity: o.MinSeverity, Line: o.Line}
}

// Severities are the severity names a subscription's MinSeverity accepts,
// most urgent first (the change-event severities).
var Severities = []string{"critical", "high", "medium", "low", "info"}

// Subscription is one report recipient list with its filters. An event
// goes to a subscription when its vendor is among Vendors (or Vendors is
// empty), its tier among Tiers (or Tiers is empty, or the event has no tier
// and its vendor matched) and its severity is MinSeverity or more urgent.
type Subscription struct {
	Name        string   // lower-case, hyphenated; unique in the file
	To          []string // recipient addresses, at least one
	Vendors     []string // vendor ids; empty: every vendor
	Tiers       []string // tier ids; empty: every tier
	MinSeverity string   // one of Severities; default "low"
	// Digest adds the short digest of informational changes to a report
	// that is sent anyway (default true). Informational changes alone never
	// send a report unless MinSeverity is "info".
	Digest bool
	Line   int // line of the subscription in Config.File (0 when not from a file)
}

// LoadOptions are LoadConfig's dependencies.
type LoadOptions struct {
	// Getenv reads the password variable; nil reads nothing.
	Getenv func(string) string
	// Vendors maps each declared vendor id to its tier ids. When not nil,
	// subscriptions naming an undeclared vendor or tier are rejected.
	Vendors map[string][]string
}

// LoadConfig reads and validates the mail settings file at path. Every
// problem is reported, as *ConfigError values joined with errors.Join, each
// naming the file, line and field. The password is read from
// smtp.password_file (relative to the file's directory) when set, else from
// the environment variable smtp.password_env; it may be left empty (NewSMTP
// refuses a user without one, a dry run does not need it).
func LoadConfig(path string, o LoadOptions) (*Config, error) {
	// A regular file of a declaration's size at most: a named pipe or a
	// device under the settings' name is refused unread.
	data, err := inputfile.Read(os.DirFS(filepath.Dir(path)), filepath.Base(path), inputfile.MaxDeclaration)
	if err != nil {
		return nil, &ConfigError{File: path, Err: fmt.Errorf("%w: %w", ErrRead, err)}
	}
	return ParseConfig(path, data, o)
}

// ParseConfig is LoadConfig of data read from file.
func ParseConfig(file string, data []byte, o LoadOptions) (*Config, error) {
	p := &configParser{file: file, opts: o}
	p.Reader = yamlx.Reader{
		Fail: p.fail,
		Errs: yamlx.Errors{Syntax: ErrSyntax, Type: ErrType, UnknownField: ErrUnknownField, DuplicateField: ErrDuplicateField,
			EmptyFile:     fmt.Errorf("%w: empty file", ErrMissingField),
			ExtraDocument: fmt.Errorf("%w: more than one YAML document", ErrSyntax),
			EmptyItem:     fmt.Errorf("%w: empty item", ErrInvalidValue)},
		Words:   yamlx.Words{Scalar: "%q", Other: "something else", String: "a single value"},
		Trim:    true,
		Unknown: passwordField,
	}
	cfg := p.parse(data)
	if len(p.errs) > 0 {
		slices.SortStableFunc(p.errs, func(a, b error) int { return a.(*ConfigError).Line - b.(*ConfigError).Line })
		return nil, errors.Join(p.errs...)
	}
	return cfg, nil
}

var (
	topFields  = []string{"smtp", "subscriptions", "outlets"}
	smtpFields = []string{"host", "port", "tls", "tls_ca_file", "user", "password_env", "password_file", "from", "timeout", "data_timeout"}
	subFields  = []string{"name", "to", "vendors", "tiers", "min_severity", "digest"}
	outFields  = []string{"name", "url", "url_env", "vendors", "tiers", "min_severity", "link"}
)

type configParser struct {
	yamlx.Reader
	file string
	opts LoadOptions
	errs []error
}

func (p *configParser) fail(line int, field string, err error) {
	p.errs = append(p.errs, &ConfigError{File: p.file, Line: line, Field: field, Err: err})
}

func (p *configParser) parse(data []byte) *Config {
	cfg := &Config{File: p.file}
	root, ok := p.Document(data)
	if !ok {
		return nil
	}
	f, ok := p.Fields(root, "", topFields)
	if !ok {
		return nil
	}
	items := p.Seq(f["subscriptions"], "subscriptions")
	outlets := p.Seq(f["outlets"], "outlets")
	noSubs := len(items) == 0 && isEmpty(f["subscriptions"])
	switch e := f["smtp"]; {
	case e.Val != nil && !yamlx.IsNull(e.Val):
		cfg.SMTP = p.smtp(e.Val)
	case !noSubs:
		p.fail(yamlx.LineOf(e, root), "smtp", fmt.Errorf("%w: email subscriptions need an smtp section", ErrMissingField))
	}
	if e := f["subscriptions"]; noSubs && len(outlets) == 0 && isEmpty(f["outlets"]) {
		p.fail(yamlx.LineOf(e, root), "subscriptions", fmt.Errorf("%w: declare at least one subscription or outlet", ErrMissingField))
	}
	names := map[string]int{}
	// unique records name (of the entry at line, field at) and reports
	// false, with the error, when an entry before it has it already (taken:
	// what those entries may be).
	unique := func(name string, line int, at, taken string) bool {
		if first, dup := names[name]; dup {
			p.fail(line, at+".name", fmt.Errorf("%w: %q is already the name of the %s at line %d", ErrInvalidValue, name, taken, first))
			return false
		}
		names[name] = line
		return true
	}
	for i, n := range items {
		at := fmt.Sprintf("subscriptions[%d]", i)
		if s, ok := p.subscription(n, at); ok && unique(s.Name, s.Line, at, "subscription") {
			cfg.Subscriptions = append(cfg.Subscriptions, s)
		}
	}
	for i, n := range outlets {
		at := fmt.Sprintf("outlets[%d]", i)
		if o, ok := p.outlet(n, at); ok && unique(o.Name, o.Line, at, "subscription or outlet") {
			cfg.Outlets = append(cfg.Outlets, o)
		}
	}
	return cfg
}

// outlet reads one entry of outlets: its URL from the file (url) or from
// an environment variable (url_env), never both.
func (p *configParser) outlet(n *yaml.Node, at string) (Outlet, bool) {
	o := Outlet{Line: n.Line, MinSeverity: "low"}
	f, ok := p.Fields(n, at, outFields)
	if !ok {
		return o, false
	}
	line := func(k string) int { return yamlx.LineOf(f[k], n) }
	errsBefore := len(p.errs)
	o.Name = p.subscriptionName(f["name"], at+".name", line("name"))
	raw, env := p.Str(f["url"], at+".url"), p.Str(f["url_env"], at+".url_env")
	switch {
	case raw != "" && env != "":
		p.fail(line("url_env"), at+".url_env", fmt.Errorf("%w: give url or url_env, not both", ErrInvalidValue))
	case env != "":
		if !envName.MatchString(env) {
			p.fail(line("url_env"), at+".url_env", fmt.Errorf("%w: %q is not an environment variable name", ErrInvalidValue, env))
			break
		}
		if p.opts.Getenv != nil {
			raw = p.opts.Getenv(env)
		}
		if raw == "" {
			p.fail(line("url_env"), at+".url_env", fmt.Errorf("%w: $%s is not set", ErrMissingField, env))
		} else if err := checkOutletURL(raw); err != nil {
			p.fail(line("url_env"), at+".url_env", fmt.Errorf("%w: $%s: %w", ErrInvalidValue, env, err))
		}
	case raw == "":
		p.fail(n.Line, at+".url", fmt.Errorf("%w: give the service URL (url, or url_env naming a variable that holds it)", ErrMissingField))
	default:
		if err := checkOutletURL(raw); err != nil {
			p.fail(line("url"), at+".url", wrapInvalid(err))
		}
	}
	o.URL = raw
	o.Vendors = p.vendorList(f["vendors"], at+".vendors")
	o.Tiers = p.tierList(f["tiers"], at+".tiers", o.Vendors)
	if v := p.severity(f["min_severity"], at+".min_severity", line("min_severity")); v != "" {
		o.MinSeverity = v
	}
	if link := p.Str(f["link"], at+".link"); link != "" {
		if u, err := url.Parse(link); err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			p.fail(line("link"), at+".link", fmt.Errorf("%w: %q: want an http(s) URL", ErrInvalidValue, link))
		}
		o.Link = link
	}
	return o, len(p.errs) == errsBefore
}

// checkOutletURL checks the form of an outlet URL: one of OutletSchemes
// and something after it. The service itself checks the rest when the
// outlet is first used. Errors never quote the URL (it carries a token).
func checkOutletURL(raw string) error {
	scheme, rest, ok := strings.Cut(raw, "://")
	scheme = strings.ToLower(scheme)
	switch {
	case !ok || scheme == "":
		return fmt.Errorf("not a service URL (want %s://…)", strings.Join(OutletSchemes, "://…, "))
	case !slices.Contains(OutletSchemes, scheme):
		return fmt.Errorf("service %q is not one of %s", scheme, strings.Join(OutletSchemes, ", "))
	case strings.TrimSpace(rest) == "":
		return fmt.Errorf("%s:// URL names nothing after the scheme", scheme)
	}
	if _, err := url.Parse(raw); err != nil {
		return fmt.Errorf("%s:// URL does not parse", scheme)
	}
	return nil
}

// smtp reads the smtp section and its password.
func (p *configParser) smtp(n *yaml.Node) SMTPConfig {
	var c SMTPConfig
	f, ok := p.Fields(n, "smtp", smtpFields)
	if !ok {
		return c
	}
	line := func(k string) int { return yamlx.LineOf(f[k], n) }

	c.Host = p.smtpHost(f["host"], line("host"))
	c.TLS = p.smtpTLS(f["tls"], line("tls"))
	c.Port = p.smtpPort(f["port"], line("port"))
	c.User = p.Str(f["user"], "smtp.user")
	c.PasswordEnv = p.smtpPasswordEnv(f["password_env"], line("password_env"))
	c.PasswordFile = p.Str(f["password_file"], "smtp.password_file")
	c.From = p.smtpFrom(f["from"], line("from"))
	c.Timeout = p.smtpTimeout(f["timeout"], "smtp.timeout", line("timeout"))
	c.DataTimeout = p.smtpTimeout(f["data_timeout"], "smtp.data_timeout", line("data_timeout"))
	c.TLSCAFile = p.smtpCAFile(f["tls_ca_file"], line("tls_ca_file"))
	c = c.WithDefaults()
	if err := checkClearAuth(c.User, c.Host, c.TLS); err != nil {
		p.fail(line("user"), "smtp.user", wrapInvalid(err))
	}
	c.Password = p.smtpPassword(c, line("password_file"))
	return c
}

// smtpHost reads smtp.host, which is required.
func (p *configParser) smtpHost(e yamlx.Entry, line int) string {
	host := p.Str(e, "smtp.host")
	if err := checkHost(host); err != nil && !p.typeErr(e) {
		p.fail(line, "smtp.host", wrapInvalid(err))
	}
	return host
}

// smtpTLS reads smtp.tls; "" when not set.
func (p *configParser) smtpTLS(e yamlx.Entry, line int) TLSMode {
	s := p.Str(e, "smtp.tls")
	if s == "" {
		return ""
	}
	m, err := ParseTLSMode(s)
	if err != nil {
		p.fail(line, "smtp.tls", fmt.Errorf("%w: %w", ErrInvalidValue, err))
	}
	return m
}

// smtpPort reads smtp.port; 0 when not set or not a number.
func (p *configParser) smtpPort(e yamlx.Entry, line int) int {
	if e.Val == nil || yamlx.IsNull(e.Val) {
		return 0
	}
	port, err := strconv.Atoi(p.Str(e, "smtp.port"))
	switch {
	case p.typeErr(e):
	case err != nil:
		p.fail(line, "smtp.port", fmt.Errorf("%w: %q: want a port number", ErrInvalidValue, yamlx.Resolve(e.Val).Value))
	default:
		if err := checkPort(port); err != nil {
			p.fail(line, "smtp.port", fmt.Errorf("%w: %w", ErrInvalidValue, err))
		}
		return port
	}
	return 0
}

// smtpPasswordEnv reads smtp.password_env, the name of the variable that
// holds the password.
func (p *configParser) smtpPasswordEnv(e yamlx.Entry, line int) string {
	name := p.Str(e, "smtp.password_env")
	if name != "" && !envName.MatchString(name) {
		p.fail(line, "smtp.password_env",
			fmt.Errorf("%w: %q is not an environment variable name (the password itself never goes in this file)", ErrInvalidValue, name))
	}
	return name
}

// smtpFrom reads smtp.from, the required sender address.
func (p *configParser) smtpFrom(e yamlx.Entry, line int) string {
	from := p.Str(e, "smtp.from")
	if from == "" && !p.typeErr(e) {
		p.fail(line, "smtp.from", ErrMissingField)
	} else if _, err := ParseAddress(from); from != "" && err != nil {
		p.fail(line, "smtp.from", wrapInvalid(err))
	}
	return from
}

// smtpTimeout reads a duration of the smtp section (field names it); 0
// when not set.
func (p *configParser) smtpTimeout(e yamlx.Entry, field string, line int) time.Duration {
	s := p.Str(e, field)
	if s == "" {
		return 0
	}
	d, err := time.ParseDuration(s)
	if err != nil || d <= 0 {
		p.fail(line, field, fmt.Errorf("%w: %q: want a positive duration such as 30s or 2m", ErrInvalidValue, s))
	}
	return d
}

// smtpCAFile reads smtp.tls_ca_file, a PEM file of certificates to trust
// (relative to the settings file's directory), and checks that it holds
// one; it returns the path as opened.
func (p *configParser) smtpCAFile(e yamlx.Entry, line int) string {
	path := p.Str(e, "smtp.tls_ca_file")
	if path == "" {
		return ""
	}
	if !filepath.IsAbs(path) {
		path = filepath.Join(filepath.Dir(p.file), path)
	}
	if _, err := LoadCAFile(path, x509.NewCertPool()); err != nil {
		if errors.Is(err, os.ErrNotExist) || errors.Is(err, os.ErrPermission) {
			err = fmt.Errorf("%w: %w", ErrRead, err)
		} else {
			err = fmt.Errorf("%w: %w", ErrInvalidValue, err)
		}
		p.fail(line, "smtp.tls_ca_file", err)
	}
	return path
}

// smtpPassword reads the password of c: a file of its own (relative to the
// settings file's directory), else the environment.
func (p *configParser) smtpPassword(c SMTPConfig, line int) string {
	if c.PasswordFile == "" {
		if p.opts.Getenv != nil {
			return p.opts.Getenv(c.PasswordEnv)
		}
		return ""
	}
	pf := c.PasswordFile
	if !filepath.IsAbs(pf) {
		pf = filepath.Join(filepath.Dir(p.file), pf)
	}
	b, err := os.ReadFile(pf)
	if err != nil {
		p.fail(line, "smtp.password_file", fmt.Errorf("%w: %w", ErrRead, err))
	}
	return strings.TrimRight(string(b), "\r\n")
}

// envName is the form of an environment variable name.
var envName = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_]*$`)

// subscription reads one entry of subscriptions.
func (p *configParser) subscription(n *yaml.Node, at string) (Subscription, bool) {
	s := Subscription{Line: n.Line, Digest: true, MinSeverity: "low"}
	f, ok := p.Fields(n, at, subFields)
	if !ok {
		return s, false
	}
	line := func(k string) int { return yamlx.LineOf(f[k], n) }
	errsBefore := len(p.errs)

	s.Name = p.subscriptionName(f["name"], at+".name", line("name"))
	s.To = p.recipients(f["to"], at+".to", line("to"))
	s.Vendors = p.vendorList(f["vendors"], at+".vendors")
	s.Tiers = p.tierList(f["tiers"], at+".tiers", s.Vendors)
	if v := p.severity(f["min_severity"], at+".min_severity", line("min_severity")); v != "" {
		s.MinSeverity = v
	}
	if e := f["digest"]; e.Val != nil && !yamlx.IsNull(e.Val) {
		s.Digest = p.digest(e, at+".digest")
	}
	return s, len(p.errs) == errsBefore
}

// subscriptionName reads a subscription's required name, an id.
func (p *configParser) subscriptionName(e yamlx.Entry, field string, line int) string {
	name := p.Str(e, field)
	switch {
	case name == "" && !p.typeErr(e):
		p.fail(line, field, ErrMissingField)
	case name != "" && !yamlx.ValidID(name):
		p.fail(line, field, fmt.Errorf("%w: %q: want lower-case letters and digits joined by hyphens", ErrInvalidValue, name))
	}
	return name
}

// recipients reads a subscription's addresses, at least one; it returns
// the valid ones.
func (p *configParser) recipients(e yamlx.Entry, field string, line int) []string {
	items := p.StrList(e, field)
	var to []string
	for _, it := range items {
		if _, err := ParseAddress(it.Val); err != nil {
			p.fail(it.Line, it.Field, wrapInvalid(err))
			continue
		}
		to = append(to, it.Val)
	}
	if len(items) == 0 && isEmpty(e) {
		p.fail(line, field, fmt.Errorf("%w: give at least one recipient address", ErrMissingField))
	}
	return to
}

// vendorList reads a subscription's vendor ids, which must be declared
// when LoadOptions.Vendors is set; it returns the valid ones.
func (p *configParser) vendorList(e yamlx.Entry, field string) []string {
	var vendors []string
	for _, it := range p.StrList(e, field) {
		switch _, declared := p.opts.Vendors[it.Val]; {
		case !yamlx.ValidID(it.Val):
			p.fail(it.Line, it.Field, fmt.Errorf("%w: %q is not a vendor id", ErrInvalidValue, it.Val))
		case p.opts.Vendors != nil && !declared:
			p.fail(it.Line, it.Field, fmt.Errorf("%w: vendor %q is not declared (declared: %s)", ErrInvalidValue, it.Val, strings.Join(sortedKeys(p.opts.Vendors), ", ")))
		default:
			vendors = append(vendors, it.Val)
		}
	}
	return vendors
}

// tierList reads a subscription's tier ids, which must be declared by one
// of vendors (by any vendor when vendors is empty) when LoadOptions.Vendors
// is set; it returns the valid ones.
func (p *configParser) tierList(e yamlx.Entry, field string, vendors []string) []string {
	var tiers []string
	for _, it := range p.StrList(e, field) {
		switch {
		case !yamlx.ValidID(it.Val):
			p.fail(it.Line, it.Field, fmt.Errorf("%w: %q is not a tier id", ErrInvalidValue, it.Val))
		case p.opts.Vendors != nil && !p.tierDeclared(it.Val, vendors):
			p.fail(it.Line, it.Field, fmt.Errorf("%w: tier %q is not declared by %s", ErrInvalidValue, it.Val, vendorsPhrase(vendors)))
		default:
			tiers = append(tiers, it.Val)
		}
	}
	return tiers
}

// severity reads a subscription's min_severity, one of Severities; "" when
// not set.
func (p *configParser) severity(e yamlx.Entry, field string, line int) string {
	v := p.Str(e, field)
	if v != "" && !slices.Contains(Severities, v) {
		p.fail(line, field, fmt.Errorf("%w: %q is not one of %s", ErrInvalidValue, v, strings.Join(Severities, ", ")))
	}
	return v
}

// digest reads a subscription's digest, a YAML boolean (false when it is
// something else).
func (p *configParser) digest(e yamlx.Entry, field string) bool {
	n := yamlx.Resolve(e.Val)
	var b bool
	if n.Kind != yaml.ScalarNode || n.Tag != "!!bool" || n.Decode(&b) != nil {
		p.fail(n.Line, field, fmt.Errorf("%w: %q: want true or false", ErrType, n.Value))
	}
	return b
}

func (p *configParser) tierDeclared(tier string, vendors []string) bool {
	for v, tiers := range p.opts.Vendors {
		if (len(vendors) == 0 || slices.Contains(vendors, v)) && slices.Contains(tiers, tier) {
			return true
		}
	}
	return false
}

func vendorsPhrase(vendors []string) string {
	if len(vendors) == 0 {
		return "any declared vendor"
	}
	return strings.Join(vendors, " or ")
}

func sortedKeys(m map[string][]string) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}

func wrapInvalid(err error) error {
	if errors.Is(err, ErrMissingField) {
		return err
	}
	return fmt.Errorf("%w: %w", ErrInvalidValue, err)
}

// typeErr reports whether e holds something other than a scalar (which Str
// already reported).
func (p *configParser) typeErr(e yamlx.Entry) bool {
	return e.Val != nil && yamlx.Resolve(e.Val).Kind != yaml.ScalarNode
}

// passwordField explains an unknown smtp.password field.
func passwordField(at, key string) error {
	if key == "password" && at == "smtp" {
		return fmt.Errorf("%w: the password never goes in this file; name an environment variable with password_env or a file with password_file", ErrUnknownField)
	}
	return nil
}

// isEmpty reports whether e is absent, null, "" or an empty list.
func isEmpty(e yamlx.Entry) bool {
	n := yamlx.Resolve(e.Val)
	switch {
	case n == nil || yamlx.IsNull(n):
		return true
	case n.Kind == yaml.ScalarNode:
		return strings.TrimSpace(n.Value) == ""
	case n.Kind == yaml.SequenceNode:
		return len(n.Content) == 0
	}
	return false
}
