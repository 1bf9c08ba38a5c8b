/**
 * 6. A real Prometheus (Debian's `prometheus` package, /usr/bin/prometheus) loads the config and
 * the alert rules the stack renders for this cluster and scrapes the real CeresMeta members: every
 * etcd target is up, the etcd series the alert rules read are there with the values of a healthy
 * cluster, and no etcd alert fires. The CeresDB and node-exporter targets (no such servers here)
 * are listed for exactly the spec's hosts: the targets follow the host lists.
 */
import * as fs from "fs";
import * as http from "http";
import * as path from "path";
import { renderAlertRules } from "../../../../components/render/alertRules";
import { renderPrometheusConfig } from "../../../../components/render/prometheusConfig";
import { STACK_ALERT_NAMES } from "../../../../components/model/validate/observability";
import { alive, ClusterChecks, nextPort, spawnTracked, stopProcess, tail, waitFor } from "../../harness";

const PROMETHEUS = "/usr/bin/prometheus";
const WAIT_SCRAPE_MS = 90_000;

function getJson(url: string): Promise<unknown> {
  return new Promise((resolve, reject) => {
    const req = http.get(url, { timeout: 5_000 }, (res) => {
      let body = "";
      res.on("data", (d) => (body += d));
      res.on("end", () => {
        try {
          resolve(JSON.parse(body));
        } catch (e) {
          reject(new Error(`${url}: ${String(e)}: ${body.slice(0, 200)}`));
        }
      });
    });
    req.on("timeout", () => req.destroy(new Error(`${url}: timeout`)));
    req.on("error", reject);
  });
}

interface Target {
  labels: Record<string, string>;
  health: string;
  lastError: string;
  scrapeUrl: string;
}

export const checks: ClusterChecks = {
  title: "a real Prometheus scrapes CeresMeta",
  async run({ run, proof, spec, members }) {
    proof.section("a real Prometheus with the rendered config and rules scrapes the members' etcd /metrics");
    if (!fs.existsSync(PROMETHEUS)) proof.fail("prometheus is installed (apt-get install -y prometheus; .ci/run does)", PROMETHEUS);
    const dir = run.dir("prometheus");
    fs.writeFileSync(path.join(dir, "prometheus.yml"), renderPrometheusConfig(spec, { allowLoopback: true, etcd: true }));
    fs.writeFileSync(path.join(dir, "ceresdb-cluster-rules.yml"), renderAlertRules(spec));
    const port = nextPort();
    const base = `http://127.0.0.1:${port}`;
    const logPath = path.join(dir, "prometheus.log");
    const out = fs.openSync(logPath, "a");
    const proc = spawnTracked(
      PROMETHEUS,
      [`--config.file=${path.join(dir, "prometheus.yml")}`, `--storage.tsdb.path=${path.join(dir, "data")}`, `--web.listen-address=127.0.0.1:${port}`],
      { stdio: ["ignore", out, out], cwd: dir },
    );
    fs.closeSync(out);
    try {
      let targets: Target[] = [];
      const etcdUp = await waitFor(WAIT_SCRAPE_MS, async () => {
        if (!alive(proc)) throw new Error(`prometheus exited:\n${tail(logPath)}`);
        const r = (await getJson(`${base}/api/v1/targets`)) as { data: { activeTargets: Target[] } };
        targets = r.data.activeTargets;
        const etcd = targets.filter((t) => t.labels.job === "etcd");
        return etcd.length === members.length && etcd.every((t) => t.health === "up");
      });
      const show = (job: string) => targets.filter((t) => t.labels.job === job).map((t) => `${t.labels.host} ${t.scrapeUrl} ${t.health}${t.lastError ? ` (${t.lastError})` : ""}`).join("; ");
      proof.expect(etcdUp, `every member's etcd target is up: http://<member>:${spec.ports.metaClient}/metrics`, show("etcd"), show("etcd") || tail(logPath));
      const hosts = (job: string) => targets.filter((t) => t.labels.job === job).map((t) => t.labels.host).sort().join(",");
      proof.expect(
        hosts("ceresdb") === spec.nodes.map((n) => n.host.name).sort().join(",") && hosts("node") === [...spec.meta, ...spec.nodes].map((m) => m.host.name).sort().join(","),
        "the ceresdb and node jobs list exactly the spec's hosts (no CeresDB or node exporter runs here: they are down)",
        `ceresdb: ${hosts("ceresdb")}; node: ${hosts("node")}`,
      );

      const query = async (q: string) => ((await getJson(`${base}/api/v1/query?query=${encodeURIComponent(q)}`)) as { data: { result: { metric: Record<string, string>; value: [number, string] }[] } }).data.result;
      const leaders = await query('sum(etcd_server_is_leader{job="etcd"})');
      const hasLeader = await query('min(etcd_server_has_leader{job="etcd"})');
      const quota = await query('max(etcd_mvcc_db_total_size_in_bytes{job="etcd"} / etcd_server_quota_backend_bytes{job="etcd"})');
      const fsync = await query('count(etcd_disk_wal_fsync_duration_seconds_bucket{job="etcd",le="+Inf"})');
      proof.expect(
        leaders[0]?.value[1] === "1" && hasLeader[0]?.value[1] === "1" && Number(quota[0]?.value[1]) < 0.8 && fsync[0]?.value[1] === String(members.length),
        "the series the alert rules read are scraped with a healthy cluster's values (one leader, all have a leader, database far below quota, fsync histogram per member)",
        `is_leader sum ${leaders[0]?.value[1]}, has_leader min ${hasLeader[0]?.value[1]}, db/quota ${quota[0]?.value[1]}, fsync histograms ${fsync[0]?.value[1]}`,
      );

      const rules = (await getJson(`${base}/api/v1/rules`)) as { data: { groups: { name: string; rules: { name: string; state: string; health: string }[] }[] } };
      const loaded = rules.data.groups.flatMap((g) => g.rules);
      proof.expect(
        JSON.stringify(loaded.map((r) => r.name)) === JSON.stringify([...STACK_ALERT_NAMES]) && loaded.every((r) => r.health !== "err"),
        "Prometheus loaded every rendered alert rule and evaluates each without error",
        `${loaded.length} rules`,
        JSON.stringify(loaded.map((r) => `${r.name}:${r.health}`)),
      );
      const etcdAlerts = ["CeresMetaMemberDown", "EtcdNoLeader", "EtcdFrequentLeaderChanges", "EtcdDatabaseNearQuota", "EtcdNoSpaceAlarm"];
      const firing = loaded.filter((r) => etcdAlerts.includes(r.name) && r.state !== "inactive");
      proof.expect(firing.length === 0, "no etcd alert is pending or firing on the healthy cluster", etcdAlerts.join(", "), firing.map((r) => `${r.name}:${r.state}`).join(", "));
      let downState = "";
      const downOk = await waitFor(WAIT_SCRAPE_MS, async () => {
        const again = (await getJson(`${base}/api/v1/rules`)) as typeof rules;
        const r = again.data.groups.flatMap((g) => g.rules).find((x) => x.name === "CeresDBNodeDown");
        downState = r?.state ?? "missing";
        return r !== undefined && r.state !== "inactive";
      });
      proof.expect(downOk, "control: CeresDBNodeDown becomes pending for the CeresDB targets nobody serves", downState);
    } finally {
      await stopProcess(proc);
    }
  },
};
