package agentapi

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"math/big"
	"net"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/grpcconsul/interop/internal/harness"
	"github.com/hashicorp/consul/api"
)

type pki struct {
	caFile, serverCert, serverKey, clientCert, clientKey string
}

// newPKI writes a CA, a server certificate for localhost/127.0.0.1 and a client certificate, all made here with
// crypto/x509; keys as unencrypted PKCS#8 PEM, which the dev agent takes.
func newPKI(t *testing.T) pki {
	t.Helper()
	dir := t.TempDir()
	caKey, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	must(t, err)
	caTmpl := &x509.Certificate{
		SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "interop test CA"},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(24 * time.Hour),
		IsCA: true, BasicConstraintsValid: true, KeyUsage: x509.KeyUsageCertSign | x509.KeyUsageDigitalSignature,
	}
	caDER, err := x509.CreateCertificate(rand.Reader, caTmpl, caTmpl, &caKey.PublicKey, caKey)
	must(t, err)
	ca, err := x509.ParseCertificate(caDER)
	must(t, err)
	p := pki{caFile: filepath.Join(dir, "ca.pem")}
	writePEM(t, p.caFile, "CERTIFICATE", caDER)
	leaf := func(name string, serial int64, usage x509.ExtKeyUsage, certFile, keyFile *string) {
		key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
		must(t, err)
		tmpl := &x509.Certificate{
			SerialNumber: big.NewInt(serial), Subject: pkix.Name{CommonName: name},
			NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(24 * time.Hour),
			KeyUsage: x509.KeyUsageDigitalSignature, ExtKeyUsage: []x509.ExtKeyUsage{usage},
			DNSNames: []string{"localhost"}, IPAddresses: []net.IP{net.ParseIP("127.0.0.1")},
		}
		der, err := x509.CreateCertificate(rand.Reader, tmpl, ca, &key.PublicKey, caKey)
		must(t, err)
		keyDER, err := x509.MarshalPKCS8PrivateKey(key)
		must(t, err)
		*certFile, *keyFile = filepath.Join(dir, name+".pem"), filepath.Join(dir, name+"-key.pem")
		writePEM(t, *certFile, "CERTIFICATE", der)
		writePEM(t, *keyFile, "PRIVATE KEY", keyDER)
	}
	leaf("server", 2, x509.ExtKeyUsageServerAuth, &p.serverCert, &p.serverKey)
	leaf("client", 3, x509.ExtKeyUsageClientAuth, &p.clientCert, &p.clientKey)
	return p
}

func writePEM(t *testing.T, path, typ string, der []byte) {
	t.Helper()
	must(t, os.WriteFile(path, pem.EncodeToMemory(&pem.Block{Type: typ, Bytes: der}), 0o600))
}

func tlsClient(t *testing.T, addr string, tc api.TLSConfig) *api.Client {
	t.Helper()
	cfg := api.DefaultConfig()
	cfg.Address = addr
	cfg.Scheme = "https"
	cfg.TLSConfig = tc
	c, err := api.NewClient(cfg)
	must(t, err)
	return c
}

func TestTLS(t *testing.T) {
	p := newPKI(t)
	agent := harness.StartAgent(t, "-https-cert-file", p.serverCert, "-https-key-file", p.serverKey)
	if agent.URL != "https://"+agent.Addr {
		t.Fatalf("the agent serves %s, expected https", agent.URL)
	}
	c := tlsClient(t, agent.Addr, api.TLSConfig{CAFile: p.caFile})
	leader, err := c.Status().Leader()
	must(t, err)
	if leader == "" {
		t.Error("Status().Leader() over HTTPS is empty")
	}
	must(t, c.Agent().ServiceRegister(&api.AgentServiceRegistration{ID: "tls-1", Name: "tls", Port: 9200}))
	entries, meta, err := c.Health().Service("tls", "", false, nil)
	must(t, err)
	checkMeta(t, "tls health/service/tls", meta)
	if len(entries) != 1 {
		t.Errorf("over HTTPS: %d entries", len(entries))
	}
	caPEM, err := os.ReadFile(p.caFile)
	must(t, err)
	byName := tlsClient(t, agent.Addr, api.TLSConfig{CAPem: caPEM, Address: "localhost"})
	if _, err := byName.Status().Leader(); err != nil {
		t.Errorf("TLSConfig{CAPem, Address: localhost}: %v", err)
	}
	untrusted := tlsClient(t, agent.Addr, api.TLSConfig{})
	if _, err := untrusted.Status().Leader(); err == nil {
		t.Error("a client that does not trust the test CA connected")
	}
	wrongName := tlsClient(t, agent.Addr, api.TLSConfig{CAFile: p.caFile, Address: "consul.example"})
	if _, err := wrongName.Status().Leader(); err == nil {
		t.Error("a server name the certificate does not carry was accepted")
	}
}

func TestMutualTLS(t *testing.T) {
	p := newPKI(t)
	agent := harness.StartAgent(t, "-https-cert-file", p.serverCert, "-https-key-file", p.serverKey,
		"-https-ca-file", p.caFile)
	c := tlsClient(t, agent.Addr, api.TLSConfig{CAFile: p.caFile, CertFile: p.clientCert, KeyFile: p.clientKey})
	if _, err := c.Status().Leader(); err != nil {
		t.Errorf("with a client certificate: %v", err)
	}
	anonymous := tlsClient(t, agent.Addr, api.TLSConfig{CAFile: p.caFile})
	if _, err := anonymous.Status().Leader(); err == nil {
		t.Error("the agent requires client certificates, yet one without connected")
	}
}
