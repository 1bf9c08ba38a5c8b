// cmdclient runs one command over SSH the way pulumi-command v1.2.1's remote.Command does
// (provider/pkg/provider/remote/{connection,commandOutputs}.go at tag v1.2.1), so tests can run
// the stack's rendered commands against a real sshd and see the failures the provider would.
//
// Build: go build -o /tmp/cmdclient . (in this directory). Usage: cmdclient -host IP -user root -key KEYFILE [-hostkey 'ssh-ed25519 AAAA...']
//
//	[-proxy-host IP -proxy-user U -proxy-hostkey LINE] [-env K=V ...] [-prev-stdout S] < command
//
// Behaviour mirrored (written here, not copied):
//   - host keys: with a host key given, only that key and its algorithm are accepted; without,
//     any key is accepted (the provider's InsecureIgnoreHostKey).
//   - proxy: dial the bastion, open a direct-tcpip channel to the host, SSH over it.
//   - every `environment` entry is sent as an `env` request; a refusal fails the command before
//     it runs ("could not set environment variable").
//   - previous stdout/stderr (addPreviousOutputInEnv) are sent too, but a refusal only warns.
//   - the command text is run with one `exec` request; a non-zero exit fails.
//
// Exit codes: 0 ok, 10 dial/host-key failure, 11 env refused, 12 command failed, 2 usage.
package main

import (
	"bytes"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"os"
	"strings"
	"time"

	"golang.org/x/crypto/ssh"
)

type multi []string

func (m *multi) String() string     { return strings.Join(*m, ",") }
func (m *multi) Set(v string) error { *m = append(*m, v); return nil }

type endpoint struct {
	host, user, hostKey string
	port                int
}

func clientConfig(e endpoint, signer ssh.Signer, timeout time.Duration) (*ssh.ClientConfig, error) {
	cfg := &ssh.ClientConfig{User: e.user, Auth: []ssh.AuthMethod{ssh.PublicKeys(signer)}, Timeout: timeout}
	if e.hostKey == "" {
		cfg.HostKeyCallback = ssh.InsecureIgnoreHostKey() //nolint:gosec // mirrors the provider without hostKey
		return cfg, nil
	}
	pub, _, _, _, err := ssh.ParseAuthorizedKey([]byte(e.hostKey))
	if err != nil {
		return nil, fmt.Errorf("failed to parse host key: %w", err)
	}
	cfg.HostKeyCallback = ssh.FixedHostKey(pub)
	cfg.HostKeyAlgorithms = []string{pub.Type()}
	return cfg, nil
}

func dial(target endpoint, proxy *endpoint, signer ssh.Signer, timeout time.Duration) (*ssh.Client, error) {
	cfg, err := clientConfig(target, signer, timeout)
	if err != nil {
		return nil, err
	}
	addr := net.JoinHostPort(target.host, fmt.Sprint(target.port))
	if proxy == nil {
		return ssh.Dial("tcp", addr, cfg)
	}
	pcfg, err := clientConfig(*proxy, signer, timeout)
	if err != nil {
		return nil, fmt.Errorf("proxy: %w", err)
	}
	pc, err := ssh.Dial("tcp", net.JoinHostPort(proxy.host, fmt.Sprint(proxy.port)), pcfg)
	if err != nil {
		// The provider says "proxy: " for either hop; "bastion" here tells the tests which one.
		return nil, fmt.Errorf("proxy: bastion: %w", err)
	}
	conn, err := pc.Dial("tcp", addr)
	if err != nil {
		return nil, fmt.Errorf("proxy: %w", err)
	}
	c, chans, reqs, err := ssh.NewClientConn(conn, addr, cfg)
	if err != nil {
		return nil, fmt.Errorf("proxy: %w", err)
	}
	return ssh.NewClient(c, chans, reqs), nil
}

func main() {
	var t, p endpoint
	var envs multi
	keyFile := flag.String("key", "", "private key file")
	prevStdout := flag.String("prev-stdout", "", "previous stdout (PULUMI_COMMAND_STDOUT; refusal only warns)")
	timeout := flag.Int("timeout", 15, "per-dial timeout, seconds")
	flag.StringVar(&t.host, "host", "", "host")
	flag.IntVar(&t.port, "port", 22, "port")
	flag.StringVar(&t.user, "user", "root", "user")
	flag.StringVar(&t.hostKey, "hostkey", "", "expected host key (authorized_keys format)")
	flag.StringVar(&p.host, "proxy-host", "", "bastion host")
	flag.IntVar(&p.port, "proxy-port", 22, "bastion port")
	flag.StringVar(&p.user, "proxy-user", "root", "bastion user")
	flag.StringVar(&p.hostKey, "proxy-hostkey", "", "expected bastion host key")
	flag.Var(&envs, "env", "K=V sent as an SSH env request (repeatable)")
	flag.Parse()
	if t.host == "" || *keyFile == "" {
		flag.Usage()
		os.Exit(2)
	}
	keyPem, err := os.ReadFile(*keyFile)
	must(err, 2)
	signer, err := ssh.ParsePrivateKey(keyPem)
	must(err, 2)
	cmd, err := io.ReadAll(os.Stdin)
	must(err, 2)

	var proxy *endpoint
	if p.host != "" {
		proxy = &p
	}
	client, err := dial(t, proxy, signer, time.Duration(*timeout)*time.Second)
	must(err, 10)
	defer client.Close()
	session, err := client.NewSession()
	must(err, 10)
	defer session.Close()

	for _, kv := range envs {
		k, v, _ := strings.Cut(kv, "=")
		if err := session.Setenv(k, v); err != nil {
			must(fmt.Errorf("could not set environment variable %q: %w", k, err), 11)
		}
	}
	if *prevStdout != "" {
		if err := session.Setenv("PULUMI_COMMAND_STDOUT", *prevStdout); err != nil {
			fmt.Fprintln(os.Stderr, "warning: Unable to set 'PULUMI_COMMAND_STDOUT' (AcceptEnv)")
		}
	}
	var out bytes.Buffer
	session.Stdout = io.MultiWriter(os.Stdout, &out)
	session.Stderr = os.Stderr
	if err := session.Run(string(cmd)); err != nil {
		var exit *ssh.ExitError
		if errors.As(err, &exit) {
			fmt.Fprintf(os.Stderr, "cmdclient: command exited %d\n", exit.ExitStatus())
		}
		must(err, 12)
	}
}

func must(err error, code int) {
	if err != nil {
		fmt.Fprintln(os.Stderr, "cmdclient:", err)
		os.Exit(code)
	}
}
