// Command meta-standin runs the embedded etcd of a CeresMeta member from a CeresMeta TOML file.
//
// Why it exists: CeresMeta v1.2.7 (module github.com/CeresDB/ceresmeta) cannot be fetched through
// the Go module proxy available to this project (it answers 403). Every part of a CeresMeta
// config that decides whether members form one etcd cluster is handed by CeresMeta to
// go.etcd.io/etcd/server/v3/embed v3.5.4, the exact version its go.mod pins. This command does
// the same: it decodes the file with go-toml v2 (CeresMeta's decoder, v2.0.6) into the v1.2.7 key
// set and starts embed.Etcd with the settings CeresMeta derives from those keys (reference
// ../shared/reference/ceresdb-config.md section 1.3): etcd data in <data-dir>/etcd, WAL in
// <data-dir>/wal, log file <data-dir>/etcd.log.
//
// What it does NOT do: it is not CeresMeta. It has no CeresMeta gRPC service, no /api/v1 HTTP
// API, no leader election on top of etcd and no default-cluster creation. Its HTTP listener (on
// the member's http-port) serves only /standin/health, so the port key is proven to be read.
//
// It is stricter than CeresMeta in one deliberate way: unknown keys are an error (CeresMeta
// silently drops them), so a misspelt or wrong-version key in our rendered file fails loudly.
package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"os"
	"os/signal"
	"strings"
	"syscall"
	"time"

	"github.com/pelletier/go-toml/v2"
	"go.etcd.io/etcd/server/v3/embed"
)

type logSection struct {
	Level string `toml:"level" json:"level"`
}

type flowLimiter struct {
	Limit  int  `toml:"limit" json:"limit"`
	Burst  int  `toml:"burst" json:"burst"`
	Enable bool `toml:"enable" json:"enable"`
}

// metaConfig is the CeresMeta v1.2.7 key set (reference section 1.3 plus the v1.2.7 additions).
type metaConfig struct {
	Log     logSection  `toml:"log" json:"log"`
	EtcdLog logSection  `toml:"etcd-log" json:"etcd-log"`
	Flow    flowLimiter `toml:"flow-limiter" json:"flow-limiter"`

	GrpcHandleTimeoutMs int   `toml:"grpc-handle-timeout-ms" json:"grpc-handle-timeout-ms"`
	EtcdStartTimeoutMs  int64 `toml:"etcd-start-timeout-ms" json:"etcd-start-timeout-ms"`
	EtcdCallTimeoutMs   int64 `toml:"etcd-call-timeout-ms" json:"etcd-call-timeout-ms"`
	EtcdMaxTxnOps       int64 `toml:"etcd-max-txn-ops" json:"etcd-max-txn-ops"`
	LeaseSec            int64 `toml:"lease-sec" json:"lease-sec"`

	NodeName            string `toml:"node-name" json:"node-name"`
	DataDir             string `toml:"data-dir" json:"data-dir"`
	StorageRootPath     string `toml:"storage-root-path" json:"storage-root-path"`
	InitialCluster      string `toml:"initial-cluster" json:"initial-cluster"`
	InitialClusterState string `toml:"initial-cluster-state" json:"initial-cluster-state"`
	InitialClusterToken string `toml:"initial-cluster-token" json:"initial-cluster-token"`

	TickIntervalMs          int64  `toml:"tick-interval-ms" json:"tick-interval-ms"`
	ElectionTimeoutMs       int64  `toml:"election-timeout-ms" json:"election-timeout-ms"`
	QuotaBackendBytes       int64  `toml:"quota-backend-bytes" json:"quota-backend-bytes"`
	AutoCompactionMode      string `toml:"auto-compaction-mode" json:"auto-compaction-mode"`
	AutoCompactionRetention string `toml:"auto-compaction-retention" json:"auto-compaction-retention"`
	MaxRequestBytes         uint   `toml:"max-request-bytes" json:"max-request-bytes"`
	MaxScanLimit            int    `toml:"max-scan-limit" json:"max-scan-limit"`
	MinScanLimit            int    `toml:"min-scan-limit" json:"min-scan-limit"`
	IDAllocatorStep         uint   `toml:"id-allocator-step" json:"id-allocator-step"`

	DefaultClusterName              string `toml:"default-cluster-name" json:"default-cluster-name"`
	DefaultClusterNodeCount         int    `toml:"default-cluster-node-count" json:"default-cluster-node-count"`
	DefaultClusterReplicationFactor int    `toml:"default-cluster-replication-factor" json:"default-cluster-replication-factor"`
	DefaultClusterShardTotal        int    `toml:"default-cluster-shard-total" json:"default-cluster-shard-total"`
	EnableSchedule                  bool   `toml:"enable-schedule" json:"enable-schedule"`
	TopologyType                    string `toml:"topology-type" json:"topology-type"`
	ProcedureExecutingBatchSize     uint32 `toml:"procedure-executing-batch-size" json:"procedure-executing-batch-size"`

	ClientUrls          string `toml:"client-urls" json:"client-urls"`
	PeerUrls            string `toml:"peer-urls" json:"peer-urls"`
	AdvertiseClientUrls string `toml:"advertise-client-urls" json:"advertise-client-urls"`
	AdvertisePeerUrls   string `toml:"advertise-peer-urls" json:"advertise-peer-urls"`

	HTTPPort                    int    `toml:"http-port" json:"http-port"`
	GrpcPort                    int    `toml:"grpc-port" json:"grpc-port"`
	EnableEmbedEtcd             bool   `toml:"enable-embed-etcd" json:"enable-embed-etcd"`
	Addr                        string `toml:"addr" json:"addr"`
	GrpcMaxSendMsgSize          int    `toml:"grpc-service-max-send-msg-size" json:"grpc-service-max-send-msg-size"`
	GrpcMaxRecvMsgSize          int    `toml:"grpc-service-max-recv-msg-size" json:"grpc-service-max-recv-msg-size"`
	GrpcKeepAlivePingMinIntvSec int64  `toml:"grpc-service-keep-alive-ping-min-interval-sec" json:"grpc-service-keep-alive-ping-min-interval-sec"`
}

// defaults are CeresMeta v1.2.7's built-in values (reference section 1.3).
func defaults() metaConfig {
	host, _ := os.Hostname()
	return metaConfig{
		Log:                             logSection{Level: "info"},
		EtcdLog:                         logSection{Level: "info"},
		Flow:                            flowLimiter{Limit: 10000, Burst: 100000},
		GrpcHandleTimeoutMs:             60000,
		EtcdStartTimeoutMs:              60000,
		EtcdCallTimeoutMs:               5000,
		EtcdMaxTxnOps:                   128,
		LeaseSec:                        10,
		NodeName:                        "ceresmeta-" + host,
		DataDir:                         "/tmp/ceresmeta",
		StorageRootPath:                 "/ceresdb",
		InitialClusterState:             embed.ClusterStateFlagNew,
		InitialClusterToken:             "ceresmeta-cluster",
		TickIntervalMs:                  500,
		ElectionTimeoutMs:               3000,
		QuotaBackendBytes:               8 << 30,
		AutoCompactionMode:              "periodic",
		AutoCompactionRetention:         "1h",
		MaxRequestBytes:                 2 << 20,
		MaxScanLimit:                    100,
		MinScanLimit:                    20,
		IDAllocatorStep:                 20,
		DefaultClusterName:              "defaultCluster",
		DefaultClusterNodeCount:         2,
		DefaultClusterReplicationFactor: 1,
		DefaultClusterShardTotal:        8,
		EnableSchedule:                  true,
		TopologyType:                    "static",
		ProcedureExecutingBatchSize:     ^uint32(0),
		ClientUrls:                      "http://0.0.0.0:2379",
		PeerUrls:                        "http://0.0.0.0:2380",
		AdvertiseClientUrls:             "http://0.0.0.0:2379",
		AdvertisePeerUrls:               "http://0.0.0.0:2380",
		HTTPPort:                        8080,
		GrpcPort:                        2379,
		EnableEmbedEtcd:                 true,
		Addr:                            "127.0.0.1",
		GrpcMaxSendMsgSize:              200 << 20,
		GrpcMaxRecvMsgSize:              100 << 20,
		GrpcKeepAlivePingMinIntvSec:     20,
	}
}

func load(path string) (metaConfig, error) {
	cfg := defaults()
	f, err := os.Open(path)
	if err != nil {
		return cfg, err
	}
	defer f.Close()
	dec := toml.NewDecoder(f)
	dec.DisallowUnknownFields()
	if err := dec.Decode(&cfg); err != nil {
		var strict *toml.StrictMissingError
		if errors.As(err, &strict) {
			return cfg, fmt.Errorf("keys unknown to CeresMeta v1.2.7 (CeresMeta would silently drop them):\n%s", strict.String())
		}
		return cfg, fmt.Errorf("decode %s: %w", path, err)
	}
	if cfg.NodeName == "" || cfg.DataDir == "" {
		return cfg, errors.New("node-name and data-dir must be set")
	}
	if cfg.TopologyType != "static" && cfg.TopologyType != "dynamic" {
		return cfg, fmt.Errorf("topology-type %q is neither static nor dynamic (CeresMeta refuses to start)", cfg.TopologyType)
	}
	if cfg.InitialClusterState != embed.ClusterStateFlagNew && cfg.InitialClusterState != embed.ClusterStateFlagExisting {
		return cfg, fmt.Errorf("initial-cluster-state %q is neither new nor existing", cfg.InitialClusterState)
	}
	if cfg.MaxScanLimit <= 1 {
		return cfg, errors.New("max-scan-limit must be > 1 (CeresMeta refuses to start)")
	}
	if !cfg.EnableEmbedEtcd {
		return cfg, errors.New("enable-embed-etcd = false is not supported by the stand-in")
	}
	return cfg, nil
}

func parseURLs(key, s string) ([]url.URL, error) {
	var out []url.URL
	for _, part := range strings.Split(s, ",") {
		u, err := url.Parse(strings.TrimSpace(part))
		if err != nil || u.Host == "" {
			return nil, fmt.Errorf("%s: %q is not a URL", key, part)
		}
		out = append(out, *u)
	}
	return out, nil
}

// etcdConfig maps the CeresMeta keys to embed.Config the way CeresMeta v1.2.7 does.
func etcdConfig(c metaConfig) (*embed.Config, error) {
	e := embed.NewConfig()
	e.Name = c.NodeName
	e.Dir = c.DataDir + "/etcd"
	e.WalDir = c.DataDir + "/wal"
	e.Logger = "zap"
	e.LogLevel = c.EtcdLog.Level
	e.LogOutputs = []string{c.DataDir + "/etcd.log"}
	e.EnablePprof = true
	e.InitialCluster = c.InitialCluster
	e.ClusterState = c.InitialClusterState
	e.InitialClusterToken = c.InitialClusterToken
	e.TickMs = uint(c.TickIntervalMs)
	e.ElectionMs = uint(c.ElectionTimeoutMs)
	e.AutoCompactionMode = c.AutoCompactionMode
	e.AutoCompactionRetention = c.AutoCompactionRetention
	e.QuotaBackendBytes = c.QuotaBackendBytes
	e.MaxRequestBytes = c.MaxRequestBytes
	e.MaxTxnOps = uint(c.EtcdMaxTxnOps)
	var err error
	if e.LCUrls, err = parseURLs("client-urls", c.ClientUrls); err != nil {
		return nil, err
	}
	if e.LPUrls, err = parseURLs("peer-urls", c.PeerUrls); err != nil {
		return nil, err
	}
	if e.ACUrls, err = parseURLs("advertise-client-urls", c.AdvertiseClientUrls); err != nil {
		return nil, err
	}
	if e.APUrls, err = parseURLs("advertise-peer-urls", c.AdvertisePeerUrls); err != nil {
		return nil, err
	}
	return e, nil
}

func main() {
	configPath := flag.String("config", "", "CeresMeta TOML file")
	check := flag.Bool("check", false, "decode and validate the file, print the effective config as JSON, exit")
	flag.Parse()
	if *configPath == "" {
		fmt.Fprintln(os.Stderr, "meta-standin: -config is required")
		os.Exit(2)
	}
	cfg, err := load(*configPath)
	if err != nil {
		fmt.Fprintf(os.Stderr, "meta-standin: %v\n", err)
		os.Exit(3)
	}
	ecfg, err := etcdConfig(cfg)
	if err != nil {
		fmt.Fprintf(os.Stderr, "meta-standin: etcd config: %v\n", err)
		os.Exit(3)
	}
	if *check {
		enc := json.NewEncoder(os.Stdout)
		enc.SetIndent("", "  ")
		_ = enc.Encode(cfg)
		return
	}
	// Validate opens the log file, so it runs only after data-dir exists (never in -check mode).
	if err := os.MkdirAll(cfg.DataDir, 0o700); err != nil {
		fmt.Fprintf(os.Stderr, "meta-standin: %v\n", err)
		os.Exit(1)
	}
	if err := ecfg.Validate(); err != nil {
		fmt.Fprintf(os.Stderr, "meta-standin: etcd config: %v\n", err)
		os.Exit(3)
	}

	etcd, err := embed.StartEtcd(ecfg)
	if err != nil {
		fmt.Fprintf(os.Stderr, "meta-standin: start etcd: %v\n", err)
		os.Exit(1)
	}
	defer etcd.Close()

	select {
	case <-etcd.Server.ReadyNotify():
	case err := <-etcd.Err():
		fmt.Fprintf(os.Stderr, "meta-standin: etcd failed: %v\n", err)
		os.Exit(1)
	case <-time.After(time.Duration(cfg.EtcdStartTimeoutMs) * time.Millisecond):
		fmt.Fprintf(os.Stderr, "meta-standin: etcd not ready within etcd-start-timeout-ms=%d\n", cfg.EtcdStartTimeoutMs)
		etcd.Server.Stop()
		os.Exit(1)
	}

	// CeresMeta listens on ":<http-port>". Here the host of advertise-client-urls is used instead
	// so several members can share one machine on distinct loopback addresses.
	httpHost := ecfg.ACUrls[0].Hostname()
	mux := http.NewServeMux()
	mux.HandleFunc("/standin/health", func(w http.ResponseWriter, _ *http.Request) {
		if etcd.Server.Leader() == 0 {
			http.Error(w, `{"status":"no leader"}`, http.StatusServiceUnavailable)
			return
		}
		w.Header().Set("Content-Type", "application/json")
		_ = json.NewEncoder(w).Encode(map[string]string{
			"status":   "success",
			"name":     cfg.NodeName,
			"memberId": fmt.Sprintf("%x", uint64(etcd.Server.ID())),
		})
	})
	srv := &http.Server{Addr: net.JoinHostPort(httpHost, fmt.Sprint(cfg.HTTPPort)), Handler: mux, ReadHeaderTimeout: 5 * time.Second}
	ln, err := net.Listen("tcp", srv.Addr)
	if err != nil {
		fmt.Fprintf(os.Stderr, "meta-standin: http-port listen %s: %v\n", srv.Addr, err)
		os.Exit(1)
	}
	go func() { _ = srv.Serve(ln) }()

	fmt.Printf("meta-standin: ready name=%s member-id=%x cluster-id=%x http=%s\n",
		cfg.NodeName, uint64(etcd.Server.ID()), uint64(etcd.Server.Cluster().ID()), srv.Addr)

	sig := make(chan os.Signal, 1)
	signal.Notify(sig, syscall.SIGTERM, syscall.SIGINT)
	select {
	case s := <-sig:
		fmt.Printf("meta-standin: %s: stopping %s\n", s, cfg.NodeName)
	case err := <-etcd.Err():
		fmt.Fprintf(os.Stderr, "meta-standin: etcd error: %v\n", err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	_ = srv.Shutdown(ctx)
}
