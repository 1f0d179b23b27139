package notify

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

const fullConfig = `smtp:
  host: mail.example.org
  port: 1025
  tls: none
  user: ""
  password_env: ACME_MAIL_PASSWORD
  from: clausewatch@example.org
  timeout: 10s
subscriptions:
  - name: claude-guide
    to: [privacy-team@example.org]
    vendors: [acme]
    tiers: [consumer, team]
    min_severity: high
    digest: false
  - name: everything
    to:
      - Legal Desk <legal@example.org>
      - ops@example.org
`

var declared = map[string][]string{"acme": {"consumer", "team", "api"}, "other": {"pro"}}

func TestParseConfig(t *testing.T) {
	env := map[string]string{"ACME_MAIL_PASSWORD": "from-env", "CLAUSEWATCH_SMTP_PASSWORD": "default-env"}
	getenv := func(k string) string { return env[k] }
	cfg, err := ParseConfig("clausewatch.yaml", []byte(fullConfig), LoadOptions{Getenv: getenv, Vendors: declared})
	if err != nil {
		t.Fatal(err)
	}
	want := &Config{
		File: "clausewatch.yaml",
		SMTP: SMTPConfig{Host: "mail.example.org", Port: 1025, TLS: TLSNone, PasswordEnv: "ACME_MAIL_PASSWORD",
			Password: "from-env", From: "clausewatch@example.org", Timeout: 10 * time.Second, DataTimeout: 20 * time.Second},
		Subscriptions: []Subscription{
			{Name: "claude-guide", To: []string{"privacy-team@example.org"}, Vendors: []string{"acme"},
				Tiers: []string{"consumer", "team"}, MinSeverity: "high", Digest: false, Line: 10},
			{Name: "everything", To: []string{"Legal Desk <legal@example.org>", "ops@example.org"},
				MinSeverity: "low", Digest: true, Line: 16},
		},
	}
	if diff := cmp.Diff(want, cfg); diff != "" {
		t.Errorf("ParseConfig mismatch (-want +got):\n%s", diff)
	}

	t.Run("defaults", func(t *testing.T) {
		cfg, err := ParseConfig("min.yaml", []byte("smtp:\n  host: mail.example.org\n  from: cw@example.org\nsubscriptions:\n  - name: a\n    to: a@example.org\n"),
			LoadOptions{Getenv: getenv})
		if err != nil {
			t.Fatal(err)
		}
		s := cfg.SMTP
		if s.TLS != TLSStartTLS || s.Port != 587 || s.Timeout != DefaultTimeout || s.PasswordEnv != DefaultPasswordEnv || s.Password != "default-env" {
			t.Errorf("defaults not applied: %+v", s)
		}
		if sub := cfg.Subscriptions[0]; sub.MinSeverity != "low" || !sub.Digest || len(sub.To) != 1 {
			t.Errorf("subscription defaults not applied: %+v", sub)
		}
	})

	t.Run("password file relative to the settings file", func(t *testing.T) {
		dir := t.TempDir()
		if err := os.WriteFile(filepath.Join(dir, "smtp.secret"), []byte("from-file\n"), 0o600); err != nil {
			t.Fatal(err)
		}
		path := filepath.Join(dir, "clausewatch.yaml")
		data := strings.Replace(fullConfig, "  password_env: ACME_MAIL_PASSWORD\n", "  password_file: smtp.secret\n", 1)
		if err := os.WriteFile(path, []byte(data), 0o600); err != nil {
			t.Fatal(err)
		}
		cfg, err := LoadConfig(path, LoadOptions{Getenv: getenv})
		if err != nil {
			t.Fatal(err)
		}
		if cfg.SMTP.Password != "from-file" {
			t.Errorf("password = %q, want the file's", cfg.SMTP.Password)
		}
	})
}

func TestParseConfigErrors(t *testing.T) {
	// Each case replaces one line of fullConfig (or appends lines); want
	// is the whole message of the one problem expected.
	tests := []struct {
		name      string
		old, new  string
		want      string
		sentinel  error
		noVendors bool
	}{
		{"tls", "  tls: none", "  tls: ssl",
			`clausewatch.yaml:4: smtp.tls: invalid value: "ssl" is not one of starttls, tls, none`, ErrInvalidValue, false},
		{"port not a number", "  port: 1025", "  port: smtp",
			`clausewatch.yaml:3: smtp.port: invalid value: "smtp": want a port number`, ErrInvalidValue, false},
		{"port out of range", "  port: 1025", "  port: 0",
			`clausewatch.yaml:3: smtp.port: invalid value: 0: want a port between 1 and 65535`, ErrInvalidValue, false},
		{"missing host", "  host: mail.example.org", "  host: ''",
			`clausewatch.yaml:2: smtp.host: missing required field`, ErrMissingField, false},
		{"bad from", "  from: clausewatch@example.org", "  from: clausewatch",
			`clausewatch.yaml:7: smtp.from: invalid value: address "clausewatch": mail: missing '@' or angle-addr`, ErrInvalidValue, false},
		{"timeout without unit", "  timeout: 10s", "  timeout: 10",
			`clausewatch.yaml:8: smtp.timeout: invalid value: "10": want a positive duration such as 30s or 2m`, ErrInvalidValue, false},
		{"password in the file", "  user: \"\"", "  password: hunter2",
			`clausewatch.yaml:5: smtp.password: unknown field: the password never goes in this file; name an environment variable with password_env or a file with password_file`, ErrUnknownField, false},
		{"password as env name", "  password_env: ACME_MAIL_PASSWORD", "  password_env: hunter2!",
			`clausewatch.yaml:6: smtp.password_env: invalid value: "hunter2!" is not an environment variable name (the password itself never goes in this file)`, ErrInvalidValue, false},
		{"unreadable password file", "  password_env: ACME_MAIL_PASSWORD", "  password_file: /nonexistent/smtp.secret",
			`clausewatch.yaml:6: smtp.password_file: cannot read mail settings: open /nonexistent/smtp.secret: no such file or directory`, ErrRead, false},
		{"clear password to a remote host", "  user: \"\"", "  user: watcher",
			`clausewatch.yaml:5: smtp.user: invalid value: "watcher" with tls: none would send the password unencrypted to mail.example.org; use starttls or tls`, ErrInvalidValue, false},
		{"data timeout negative", "  timeout: 10s", "  timeout: 10s\n  data_timeout: -1m",
			`clausewatch.yaml:9: smtp.data_timeout: invalid value: "-1m": want a positive duration such as 30s or 2m`, ErrInvalidValue, false},
		{"missing CA file", "  tls: none", "  tls: starttls\n  tls_ca_file: /nonexistent/ca.pem",
			`clausewatch.yaml:5: smtp.tls_ca_file: cannot read mail settings: open /nonexistent/ca.pem: no such file or directory`, ErrRead, false},
		{"typo in a field", "  timeout: 10s", "  timeuot: 10s",
			`clausewatch.yaml:8: smtp.timeuot: unknown field (want one of host, port, tls, tls_ca_file, user, password_env, password_file, from, timeout, data_timeout)`, ErrUnknownField, false},
		{"duplicate field", "  timeout: 10s", "  host: other.example.org",
			`clausewatch.yaml:8: smtp.host: duplicate field (first given at line 2)`, ErrDuplicateField, false},
		{"min severity", "    min_severity: high", "    min_severity: urgent",
			`clausewatch.yaml:14: subscriptions[0].min_severity: invalid value: "urgent" is not one of critical, high, medium, low, info`, ErrInvalidValue, false},
		{"digest not a bool", "    digest: false", "    digest: sometimes",
			`clausewatch.yaml:15: subscriptions[0].digest: wrong type: "sometimes": want true or false`, ErrType, false},
		{"bad recipient", "      - ops@example.org", "      - ops",
			`clausewatch.yaml:19: subscriptions[1].to[1]: invalid value: address "ops": mail: missing '@' or angle-addr`, ErrInvalidValue, false},
		{"no recipient", "    to: [privacy-team@example.org]", "    to: []",
			`clausewatch.yaml:11: subscriptions[0].to: missing required field: give at least one recipient address`, ErrMissingField, false},
		{"undeclared vendor", "    vendors: [acme]", "    vendors: [acm]",
			`clausewatch.yaml:12: subscriptions[0].vendors[0]: invalid value: vendor "acm" is not declared (declared: acme, other)`, ErrInvalidValue, false},
		{"tier of another vendor", "    tiers: [consumer, team]", "    tiers: [consumer, pro]",
			`clausewatch.yaml:13: subscriptions[0].tiers[1]: invalid value: tier "pro" is not declared by acme`, ErrInvalidValue, false},
		{"vendor not an id", "    vendors: [acme]", "    vendors: [Acme Corp]",
			`clausewatch.yaml:12: subscriptions[0].vendors[0]: invalid value: "Acme Corp" is not a vendor id`, ErrInvalidValue, true},
		{"duplicate subscription", "  - name: everything", "  - name: claude-guide",
			`clausewatch.yaml:16: subscriptions[1].name: invalid value: "claude-guide" is already the name of the subscription at line 10`, ErrInvalidValue, false},
		{"subscription name", "  - name: everything", "  - name: Everything Else",
			`clausewatch.yaml:16: subscriptions[1].name: invalid value: "Everything Else": want lower-case letters and digits joined by hyphens`, ErrInvalidValue, false},
		{"subscriptions not a list", "subscriptions:", "subscriptions: all\nunused:",
			`clausewatch.yaml:10: unused: unknown field (want one of smtp, subscriptions, outlets)`, ErrUnknownField, false},
		{"syntax", "  tls: none", "  tls: none: starttls",
			`clausewatch.yaml:4: YAML syntax error: mapping values are not allowed in this context`, ErrSyntax, false},
		{"host with a port", "  host: mail.example.org", "  host: mail.example.org:25",
			`clausewatch.yaml:2: smtp.host: invalid value: "mail.example.org:25": want a host name or address without scheme or port`, ErrInvalidValue, false},
		{"host not a single value", "  host: mail.example.org", "  host: [mail.example.org]",
			`clausewatch.yaml:2: smtp.host: wrong type: want a single value, got a list`, ErrType, false},
		{"tls not a single value", "  tls: none", "  tls: [none]",
			`clausewatch.yaml:4: smtp.tls: wrong type: want a single value, got a list`, ErrType, false},
		{"port not a single value", "  port: 1025", "  port: [1025]",
			`clausewatch.yaml:3: smtp.port: wrong type: want a single value, got a list`, ErrType, false},
		{"port above range", "  port: 1025", "  port: 70000",
			`clausewatch.yaml:3: smtp.port: invalid value: 70000: want a port between 1 and 65535`, ErrInvalidValue, false},
		{"user not a single value", "  user: \"\"", "  user: [watcher]",
			`clausewatch.yaml:5: smtp.user: wrong type: want a single value, got a list`, ErrType, false},
		{"password env not a single value", "  password_env: ACME_MAIL_PASSWORD", "  password_env: [A]",
			`clausewatch.yaml:6: smtp.password_env: wrong type: want a single value, got a list`, ErrType, false},
		{"missing from", "  from: clausewatch@example.org", "  from: ''",
			`clausewatch.yaml:7: smtp.from: missing required field`, ErrMissingField, false},
		{"from not a single value", "  from: clausewatch@example.org", "  from: [clausewatch@example.org]",
			`clausewatch.yaml:7: smtp.from: wrong type: want a single value, got a list`, ErrType, false},
		{"negative timeout", "  timeout: 10s", "  timeout: -1s",
			`clausewatch.yaml:8: smtp.timeout: invalid value: "-1s": want a positive duration such as 30s or 2m`, ErrInvalidValue, false},
		{"zero timeout", "  timeout: 10s", "  timeout: 0s",
			`clausewatch.yaml:8: smtp.timeout: invalid value: "0s": want a positive duration such as 30s or 2m`, ErrInvalidValue, false},
		{"subscription not a mapping", "  - name: claude-guide", "  - just-a-name\n  - name: claude-guide",
			`clausewatch.yaml:10: subscriptions[0]: wrong type: want a mapping of name, to, vendors, tiers, min_severity, digest, got "just-a-name"`, ErrType, false},
		{"missing subscription name", "  - name: everything", "  - name: ''",
			`clausewatch.yaml:16: subscriptions[1].name: missing required field`, ErrMissingField, false},
		{"subscription name not a single value", "  - name: everything", "  - name: [everything]",
			`clausewatch.yaml:16: subscriptions[1].name: wrong type: want a single value, got a list`, ErrType, false},
		{"null recipients", "    to: [privacy-team@example.org]", "    to: ~",
			`clausewatch.yaml:11: subscriptions[0].to: missing required field: give at least one recipient address`, ErrMissingField, false},
		{"recipients a mapping", "    to: [privacy-team@example.org]", "    to: {a: b}",
			`clausewatch.yaml:11: subscriptions[0].to: wrong type: want a list, got a mapping`, ErrType, false},
		{"bad recipient in a flow list", "    to: [privacy-team@example.org]", "    to: [privacy-team@example.org, nobody]",
			`clausewatch.yaml:11: subscriptions[0].to[1]: invalid value: address "nobody": mail: missing '@' or angle-addr`, ErrInvalidValue, false},
		{"vendor not an id among declared", "    vendors: [acme]", "    vendors: [Acme Corp]",
			`clausewatch.yaml:12: subscriptions[0].vendors[0]: invalid value: "Acme Corp" is not a vendor id`, ErrInvalidValue, false},
		{"tier not an id", "    tiers: [consumer, team]", "    tiers: [consumer, Team A]",
			`clausewatch.yaml:13: subscriptions[0].tiers[1]: invalid value: "Team A" is not a tier id`, ErrInvalidValue, false},
		{"tier of no declared vendor", "      - ops@example.org", "      - ops@example.org\n    tiers: [nope]",
			`clausewatch.yaml:20: subscriptions[1].tiers[0]: invalid value: tier "nope" is not declared by any declared vendor`, ErrInvalidValue, false},
		{"min severity not a single value", "    min_severity: high", "    min_severity: [high]",
			`clausewatch.yaml:14: subscriptions[0].min_severity: wrong type: want a single value, got a list`, ErrType, false},
		{"digest a string", "    digest: false", "    digest: \"false\"",
			`clausewatch.yaml:15: subscriptions[0].digest: wrong type: "false": want true or false`, ErrType, false},
		{"digest a list", "    digest: false", "    digest: [false]",
			`clausewatch.yaml:15: subscriptions[0].digest: wrong type: "": want true or false`, ErrType, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			data := fullConfig
			if !strings.Contains(data, tt.old+"\n") {
				t.Fatalf("fixture has no line %q", tt.old)
			}
			data = strings.Replace(data, tt.old+"\n", tt.new+"\n", 1)
			o := LoadOptions{Vendors: declared}
			if tt.noVendors {
				o.Vendors = nil
			}
			_, err := ParseConfig("clausewatch.yaml", []byte(data), o)
			if err == nil {
				t.Fatal("ParseConfig succeeded")
			}
			if !errors.Is(err, tt.sentinel) {
				t.Errorf("error does not wrap %v: %v", tt.sentinel, err)
			}
			got := err.Error()
			if tt.name == "subscriptions not a list" {
				// Two problems: the stray field, and subscriptions' type.
				if !strings.Contains(got, tt.want) || !strings.Contains(got, `clausewatch.yaml:9: subscriptions: wrong type: want a list, got "all"`) {
					t.Errorf("error =\n%s\nwant both problems", got)
				}
				return
			}
			if got != tt.want {
				t.Errorf("error =\n%s\nwant\n%s", got, tt.want)
			}
		})
	}
}

// TestParseConfigAllErrors pins the whole message of files with several
// problems, including their order when they share a line.
func TestParseConfigAllErrors(t *testing.T) {
	tests := []struct {
		name, data, want string
	}{
		{"smtp not a mapping", "smtp: mail.example.org\nsubscriptions:\n  - name: a\n    to: a@example.org\n",
			`f.yaml:1: smtp: wrong type: want a mapping of host, port, tls, tls_ca_file, user, password_env, password_file, from, timeout, data_timeout, got "mail.example.org"`},
		{"empty sections", "smtp: {}\nsubscriptions:\n  - {}\n", strings.Join([]string{
			"f.yaml:1: smtp.host: missing required field",
			"f.yaml:1: smtp.from: missing required field",
			"f.yaml:3: subscriptions[0].name: missing required field",
			"f.yaml:3: subscriptions[0].to: missing required field: give at least one recipient address",
		}, "\n")},
		{"every smtp field wrong", "smtp:\n  host: a b\n  port: x\n  tls: ssl\n  user: u\n  password_env: 1x\n  from: nobody\n  timeout: 5\nsubscriptions:\n  - name: a\n    to: a@example.org\n", strings.Join([]string{
			`f.yaml:2: smtp.host: invalid value: "a b": want a host name or address without scheme or port`,
			`f.yaml:3: smtp.port: invalid value: "x": want a port number`,
			`f.yaml:4: smtp.tls: invalid value: "ssl" is not one of starttls, tls, none`,
			`f.yaml:6: smtp.password_env: invalid value: "1x" is not an environment variable name (the password itself never goes in this file)`,
			`f.yaml:7: smtp.from: invalid value: address "nobody": mail: missing '@' or angle-addr`,
			`f.yaml:8: smtp.timeout: invalid value: "5": want a positive duration such as 30s or 2m`,
		}, "\n")},
		{"every subscription field wrong", "smtp:\n  host: h\n  from: a@example.org\nsubscriptions:\n  - name: A\n    to: [x]\n    vendors: [B]\n    tiers: [C]\n    min_severity: no\n    digest: 1\n", strings.Join([]string{
			`f.yaml:5: subscriptions[0].name: invalid value: "A": want lower-case letters and digits joined by hyphens`,
			`f.yaml:6: subscriptions[0].to[0]: invalid value: address "x": mail: missing '@' or angle-addr`,
			`f.yaml:7: subscriptions[0].vendors[0]: invalid value: "B" is not a vendor id`,
			`f.yaml:8: subscriptions[0].tiers[0]: invalid value: "C" is not a tier id`,
			`f.yaml:9: subscriptions[0].min_severity: invalid value: "no" is not one of critical, high, medium, low, info`,
			`f.yaml:10: subscriptions[0].digest: wrong type: "1": want true or false`,
		}, "\n")},
		{"an invalid subscription does not take its name", "smtp:\n  host: h\n  from: a@example.org\nsubscriptions:\n  - name: a\n    to: a@example.org\n    min_severity: urgent\n  - name: a\n    to: b@example.org\n",
			`f.yaml:7: subscriptions[0].min_severity: invalid value: "urgent" is not one of critical, high, medium, low, info`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := ParseConfig("f.yaml", []byte(tt.data), LoadOptions{})
			if err == nil || err.Error() != tt.want {
				t.Errorf("error =\n%v\nwant\n%s", err, tt.want)
			}
		})
	}
}

// TestParseConfigAccepts covers values that are read without a problem.
func TestParseConfigAccepts(t *testing.T) {
	tests := []struct {
		name     string
		old, new string
		got      func(*Config) any
		want     any
	}{
		{"null port takes the default of the tls mode", "  port: 1025", "  port: ~",
			func(c *Config) any { return c.SMTP.Port }, 25},
		{"no password without Getenv", "  port: 1025", "  port: 1025",
			func(c *Config) any { return c.SMTP.Password }, ""},
		{"one tier as a single word", "    tiers: [consumer, team]", "    tiers: consumer",
			func(c *Config) any { return c.Subscriptions[0].Tiers }, []string{"consumer"}},
		{"tiers of any vendor without vendors", "      - ops@example.org", "      - ops@example.org\n    tiers: [pro, api]",
			func(c *Config) any { return c.Subscriptions[1].Tiers }, []string{"pro", "api"}},
		{"null digest keeps the default", "    digest: false", "    digest: ~",
			func(c *Config) any { return c.Subscriptions[0].Digest }, true},
		{"absolute password file", "  password_env: ACME_MAIL_PASSWORD", "  password_file: /dev/null",
			func(c *Config) any { return c.SMTP.PasswordFile + "=" + c.SMTP.Password }, "/dev/null="},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if !strings.Contains(fullConfig, tt.old+"\n") {
				t.Fatalf("fixture has no line %q", tt.old)
			}
			data := strings.Replace(fullConfig, tt.old+"\n", tt.new+"\n", 1)
			cfg, err := ParseConfig("clausewatch.yaml", []byte(data), LoadOptions{Vendors: declared})
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tt.want, tt.got(cfg)); diff != "" {
				t.Errorf("mismatch (-want +got):\n%s", diff)
			}
		})
	}
}

func TestParseConfigWholeFile(t *testing.T) {
	tests := []struct {
		name, data, want string
	}{
		{"empty", "", "f.yaml:1: missing required field: empty file"},
		{"no smtp", "subscriptions:\n  - name: a\n    to: a@example.org\n", "f.yaml:1: smtp: missing required field"},
		{"no subscriptions", "smtp:\n  host: h\n  from: a@example.org\n", "f.yaml:1: subscriptions: missing required field: declare at least one subscription"},
		{"not a mapping", "- smtp\n", "f.yaml:1: wrong type: want a mapping of smtp, subscriptions, outlets, got a list"},
		{"two documents", "smtp: {}\n---\nsmtp: {}\n", "YAML syntax error: more than one YAML document"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := ParseConfig("f.yaml", []byte(tt.data), LoadOptions{})
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("error = %v, want one containing %q", err, tt.want)
			}
		})
	}
	t.Run("unreadable file", func(t *testing.T) {
		path := filepath.Join(t.TempDir(), "missing.yaml")
		_, err := LoadConfig(path, LoadOptions{})
		if !errors.Is(err, ErrRead) || !strings.Contains(err.Error(), path) {
			t.Errorf("error = %v, want ErrRead naming %s", err, path)
		}
	})
}

// tls_ca_file is read relative to the settings file and must hold a
// certificate; data_timeout is read like timeout.
func TestParseConfigTLSCAFile(t *testing.T) {
	dir := t.TempDir()
	_, certPEM := selfSignedPEM(t)
	os.WriteFile(filepath.Join(dir, "ca.pem"), certPEM, 0o600)
	os.WriteFile(filepath.Join(dir, "junk.pem"), []byte("not a certificate\n"), 0o600)
	file := filepath.Join(dir, "clausewatch.yaml")
	data := strings.Replace(fullConfig, "  tls: none\n", "  tls: starttls\n  tls_ca_file: ca.pem\n  data_timeout: 3m\n", 1)
	cfg, err := ParseConfig(file, []byte(data), LoadOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if cfg.SMTP.TLSCAFile != filepath.Join(dir, "ca.pem") || cfg.SMTP.DataTimeout != 3*time.Minute {
		t.Errorf("tls_ca_file %q, data_timeout %s", cfg.SMTP.TLSCAFile, cfg.SMTP.DataTimeout)
	}
	_, err = ParseConfig(file, []byte(strings.Replace(data, "ca.pem", "junk.pem", 1)), LoadOptions{})
	if err == nil || !errors.Is(err, ErrInvalidValue) || !strings.Contains(err.Error(), file+":5: smtp.tls_ca_file: invalid value: ") ||
		!strings.Contains(err.Error(), "no PEM certificate") {
		t.Errorf("a file of no certificate: %v", err)
	}
}

func TestParseConfigOutlets(t *testing.T) {
	vendors := map[string][]string{"lumen": {"consumer", "api"}}
	env := map[string]string{"CHAT_URL": "slack://hook:AAAAAAAAA-BBBBBBBBB-123456789123456789123456@webhook", "BAD_URL": "gopher://x"}
	o := LoadOptions{Vendors: vendors, Getenv: func(k string) string { return env[k] }}
	good := `outlets:
  - name: privacy
    url_env: CHAT_URL
    vendors: [lumen]
    tiers: [api]
    min_severity: high
    link: https://guide.example/clausewatch/
  - name: alerts
    url: ntfy://ntfy.example/guide
`
	cfg, err := ParseConfig("c.yaml", []byte(good), o)
	if err != nil {
		t.Fatalf("outlets without smtp: %v", err)
	}
	if len(cfg.Outlets) != 2 || cfg.Outlets[0].URL != env["CHAT_URL"] || cfg.Outlets[0].Scheme() != "slack" ||
		cfg.Outlets[0].MinSeverity != "high" || cfg.Outlets[1].MinSeverity != "low" || cfg.Outlets[0].Line != 2 {
		t.Errorf("outlets: %+v", cfg.Outlets)
	}
	if f := cfg.Outlets[0].Filter(); f.Name != "privacy" || f.Tiers[0] != "api" || f.MinSeverity != "high" {
		t.Errorf("filter: %+v", f)
	}
	for _, c := range []struct{ name, yaml, want string }{
		{"both url and url_env", "outlets:\n  - name: a\n    url: ntfy://x/y\n    url_env: CHAT_URL\n", "c.yaml:4: outlets[0].url_env: invalid value: give url or url_env, not both"},
		{"env unset", "outlets:\n  - name: a\n    url_env: NOPE\n", "c.yaml:3: outlets[0].url_env: missing required field: $NOPE is not set"},
		{"env bad", "outlets:\n  - name: a\n    url_env: BAD_URL\n", `outlets[0].url_env: invalid value: $BAD_URL: service "gopher" is not one of`},
		{"no url", "outlets:\n  - name: a\n", "c.yaml:2: outlets[0].url: missing required field"},
		{"bad scheme", "outlets:\n  - name: a\n    url: mailto://x\n", `c.yaml:3: outlets[0].url: invalid value: service "mailto" is not one of slack`},
		{"bad link", "outlets:\n  - name: a\n    url: ntfy://x/y\n    link: guide\n", `c.yaml:4: outlets[0].link: invalid value: "guide": want an http(s) URL`},
		{"undeclared tier", "outlets:\n  - name: a\n    url: ntfy://x/y\n    tiers: [team]\n", `outlets[0].tiers[0]: invalid value: tier "team" is not declared`},
		{"name taken", "outlets:\n  - name: a\n    url: ntfy://x/y\n  - name: a\n    url: ntfy://x/z\n", `c.yaml:4: outlets[1].name: invalid value: "a" is already the name`},
		{"subscriptions need smtp", "subscriptions:\n  - name: a\n    to: [a@lumen.example]\n", "smtp: missing required field: email subscriptions need an smtp section"},
		{"nothing to send", "smtp:\n  host: mail.example\n  from: a@lumen.example\n", "subscriptions: missing required field: declare at least one subscription or outlet"},
	} {
		_, err := ParseConfig("c.yaml", []byte(c.yaml), o)
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: error %v, want one containing %q", c.name, err, c.want)
		}
	}
	secret := "outlets:\n  - name: a\n    url: gopher://token-123@x\n"
	if _, err := ParseConfig("c.yaml", []byte(secret), o); err == nil || strings.Contains(err.Error(), "token-123") {
		t.Errorf("error quotes the URL's secret: %v", err)
	}
}
