package cli_test

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"fmt"
	"math/big"
	"net"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/clausewatch/clausewatch/internal/cli"
	"github.com/clausewatch/clausewatch/internal/notify/smtptest"
)

// writeMailSettings writes a settings file whose smtp section is smtp
// (host, from and port filled in) and whose one subscription "all" goes
// to the recipients to.
func writeMailSettings(t *testing.T, path string, port int, smtp string, to ...string) string {
	t.Helper()
	if path == "" {
		path = filepath.Join(t.TempDir(), "clausewatch.yaml")
	}
	data := fmt.Sprintf("smtp:\n  host: 127.0.0.1\n  port: %d\n  from: clausewatch@example.org\n%s\nsubscriptions:\n  - name: all\n    to: [%s]\n",
		port, smtp, strings.Join(to, ", "))
	if err := os.WriteFile(path, []byte(data), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

// received counts the messages each envelope recipient got.
func received(srv *smtptest.Server) map[string]int {
	n := map[string]int{}
	for _, m := range srv.Messages() {
		for _, to := range m.To {
			n[to]++
		}
	}
	return n
}

// One recipient the server refuses for good (554) does not stop the
// others; the refusal is recorded, shown by notify --status and never
// retried.
func TestMailOneBadRecipient(t *testing.T) {
	r, mail := newMailRunner(t)
	cfg := writeMailSettings(t, "", mail.Port, "  tls: none\n  timeout: 5s", "good@example.org", "bad@example.org")
	mail.RejectRcpt("bad@example.org", 554, "no such mailbox")
	recordEvents(t, r.db, criticalEvent)

	out, errs, code := r.run("notify", "--config", cfg)
	if code != cli.ExitFailure || !strings.Contains(out+errs, "bad@example.org") || !strings.Contains(out+errs, "554") {
		t.Fatalf("notify with a refused recipient: exit %d, want 1 naming it\n%s\n%s", code, out, errs)
	}
	if got := received(mail); got["good@example.org"] != 1 || got["bad@example.org"] != 0 {
		t.Fatalf("received %v; want the report at good@ once", got)
	}
	for i := range 2 {
		out, errs, code = r.run("notify", "--config", cfg)
		if code != cli.ExitOK || received(mail)["good@example.org"] != 1 {
			t.Fatalf("notify %d after the refusal: exit %d, received %v; want 0 and nothing resent\n%s\n%s", i+2, code, received(mail), out, errs)
		}
	}
	out, errs, code = r.run("notify", "--status")
	if code != cli.ExitOK {
		t.Fatalf("notify --status: exit %d\n%s", code, errs)
	}
	for _, want := range []string{"good@example.org", "sent", "bad@example.org", "failed", "554", "no such mailbox"} {
		if !strings.Contains(out, want) {
			t.Errorf("notify --status lacks %q:\n%s", want, out)
		}
	}
}

// A temporary refusal (4xx) is retried on later runs, with the recipients
// the subscription has then: fixing the address in the settings delivers
// to the fixed one, and the others are not sent it again. Retries stop
// after a cap.
func TestMailTemporaryRefusalUsesCurrentRecipients(t *testing.T) {
	r, mail := newMailRunner(t)
	smtp := "  tls: none\n  timeout: 5s"
	cfg := writeMailSettings(t, "", mail.Port, smtp, "good@example.org", "typo@example.org")
	mail.RejectRcpt("typo@example.org", 451, "domain not found, try later")
	recordEvents(t, r.db, criticalEvent)

	out, errs, code := r.run("notify", "--config", cfg)
	if code != cli.ExitFailure || received(mail)["good@example.org"] != 1 {
		t.Fatalf("first notify: exit %d, received %v\n%s\n%s", code, received(mail), out, errs)
	}
	writeMailSettings(t, cfg, mail.Port, smtp, "good@example.org", "fixed@example.org")
	out, errs, code = r.run("notify", "--config", cfg)
	if code != cli.ExitOK {
		t.Fatalf("notify after fixing the address: exit %d\n%s\n%s", code, out, errs)
	}
	if got := received(mail); got["good@example.org"] != 1 || got["fixed@example.org"] != 1 || got["typo@example.org"] != 0 {
		t.Fatalf("received %v; want good@ and fixed@ once each", got)
	}

	t.Run("cap", func(t *testing.T) {
		recordEvents(t, r.db, lowEvent)
		writeMailSettings(t, cfg, mail.Port, smtp, "good@example.org", "typo@example.org")
		runs := 0
		for ; runs < 20; runs++ {
			_, _, code := r.run("notify", "--config", cfg)
			if code == cli.ExitOK {
				break
			}
		}
		if runs == 20 {
			t.Fatal("a recipient refused with 451 is retried forever")
		}
		out, _, _ := r.run("notify", "--status")
		if !strings.Contains(out, "typo@example.org") || !strings.Contains(out, "451") || !strings.Contains(out, "gave up") {
			t.Errorf("notify --status does not show the abandoned recipient:\n%s", out)
		}
		if got := received(mail); got["good@example.org"] != 2 {
			t.Errorf("received %v; good@ should have the second report once", got)
		}
	})
}

// A server that takes the message but never answers the end of DATA: the
// report is sent once more (same Message-ID) and never a third time.
func TestMailServerNeverAnswers(t *testing.T) {
	r, mail := newMailRunner(t)
	cfg := writeMailSettings(t, "", mail.Port, "  tls: none\n  timeout: 1s", "ops@example.org")
	recordEvents(t, r.db, criticalEvent)
	mail.Hang(true)
	for i := range 3 {
		out, errs, code := r.run("notify", "--config", cfg)
		if i == 0 && code != cli.ExitFailure {
			t.Fatalf("notify to a silent server: exit %d, want 1\n%s\n%s", code, out, errs)
		}
	}
	mail.Hang(false)
	if out, errs, code := r.run("notify", "--config", cfg); code != cli.ExitOK {
		t.Fatalf("notify with the server answering again: exit %d\n%s\n%s", code, out, errs)
	}
	msgs := mail.Messages()
	if len(msgs) > 2 {
		t.Fatalf("the server got %d copies; at most one duplicate is allowed", len(msgs))
	}
	if len(msgs) == 2 && msgs[0].ID != msgs[1].ID {
		t.Errorf("the copy has another Message-ID: %s, %s", msgs[0].ID, msgs[1].ID)
	}
	out, _, _ := r.run("notify", "--status")
	if !strings.Contains(out, "ops@example.org") || !strings.Contains(out, "unconfirmed") {
		t.Errorf("notify --status does not say the delivery is unconfirmed:\n%s", out)
	}
}

// selfSigned makes a certificate for 127.0.0.1 signed by itself and
// returns the server's TLS configuration and the certificate as PEM.
func selfSigned(t *testing.T) (*tls.Config, []byte) {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(7), Subject: pkix.Name{CommonName: "mail.test"},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour),
		KeyUsage: x509.KeyUsageDigitalSignature | x509.KeyUsageCertSign, ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
		BasicConstraintsValid: true, IsCA: true, IPAddresses: []net.IP{net.IPv4(127, 0, 0, 1)},
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	return &tls.Config{Certificates: []tls.Certificate{{Certificate: [][]byte{der}, PrivateKey: key}}, MinVersion: tls.VersionTLS12},
		pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der})
}

// tls_ca_file trusts a self-signed SMTP server; without it the
// certificate is refused.
func TestMailTLSCAFile(t *testing.T) {
	serverTLS, certPEM := selfSigned(t)
	for _, mode := range []string{"starttls", "tls"} {
		t.Run(mode, func(t *testing.T) {
			r, _ := newMailRunner(t)
			mail := smtptest.Start(t, smtptest.Options{TLS: serverTLS, Implicit: mode == "tls"})
			dir := t.TempDir()
			if err := os.WriteFile(filepath.Join(dir, "ca.pem"), certPEM, 0o644); err != nil {
				t.Fatal(err)
			}
			recordEvents(t, r.db, criticalEvent)
			plain := writeMailSettings(t, filepath.Join(dir, "plain.yaml"), mail.Port, "  tls: "+mode+"\n  timeout: 5s", "ops@example.org")
			out, errs, code := r.run("notify", "--config", plain)
			if code != cli.ExitFailure || !strings.Contains(out+errs, "certificate") || len(mail.Messages()) != 0 {
				t.Fatalf("without tls_ca_file: exit %d, %d messages; want 1 and a certificate error\n%s\n%s", code, len(mail.Messages()), out, errs)
			}
			trusted := writeMailSettings(t, filepath.Join(dir, "trusted.yaml"), mail.Port, "  tls: "+mode+"\n  tls_ca_file: ca.pem\n  timeout: 5s", "ops@example.org")
			out, errs, code = r.run("notify", "--config", trusted)
			if code != cli.ExitOK || len(mail.Messages()) != 1 || !mail.Messages()[0].TLS {
				t.Fatalf("with tls_ca_file: exit %d, %d messages\n%s\n%s", code, len(mail.Messages()), out, errs)
			}
		})
	}
	t.Run("not a certificate", func(t *testing.T) {
		r, mail := newMailRunner(t)
		dir := t.TempDir()
		os.WriteFile(filepath.Join(dir, "ca.pem"), []byte("not pem\n"), 0o644)
		cfg := writeMailSettings(t, filepath.Join(dir, "c.yaml"), mail.Port, "  tls: starttls\n  tls_ca_file: ca.pem", "ops@example.org")
		_, errs, code := r.run("notify", "--config", cfg)
		if code != cli.ExitFailure || !strings.Contains(errs, cfg+":6: smtp.tls_ca_file") {
			t.Errorf("exit %d, stderr %q; want the file, line and field", code, errs)
		}
	})
}
