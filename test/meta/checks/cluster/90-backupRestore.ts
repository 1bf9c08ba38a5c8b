/**
 * 7. Metadata backup and restore on the real CeresMeta, with the scripts the stack renders:
 * the backup script (scripts/meta-backup.sh) runs against every member with the real etcdctl
 * v3.5.4: followers skip, the leader takes `etcdctl snapshot save` and PUTs it, signed with OSS
 * signature V1, to a local stand-in for the bucket that checks the signature (computed here,
 * independently, per the OSS PutObject reference) and Content-MD5. Then every member is stopped
 * and its whole data dir destroyed; the restore script (scripts/meta-restore.sh, real etcdutl
 * v3.5.4) restores each member from that one snapshot with the same initial-cluster-token; all
 * start, elect one leader, and every metadata key under the root path (clusters, shard topology,
 * nodes when registered; lease-bound keys such as the leader key excluded) is back byte for byte.
 * The restore time (stop to one healthy leader) is printed. Runs last: the etcd cluster and
 * member IDs are new afterwards (c.clusterId / c.memberIds are updated).
 */
import { createHash, createHmac, randomBytes } from "crypto";
import * as fs from "fs";
import * as http from "http";
import * as path from "path";
import { renderMetaBackupScript, renderMetaRestoreScript } from "../../../../components/render/metaBackup";
import { clientEndpoint, ClusterChecks, nextPort, ROOT, start, stop } from "../../harness";
import { etcdClient, status, storedClusters, withTimeout } from "../../protocol";
import { singleLeader, waitHealthy } from "../shared";
import { runAsync } from "../../../helpers/runAsync";

const ETCDCTL = path.join(ROOT, ".cache/bin/etcdctl");
const ETCDUTL = path.join(ROOT, ".cache/bin/etcdutl");

/**
 * Runs a script without blocking the event loop (the OSS stand-in answers in this process), killed
 * after `ms`.
 */
function runScript(args: string[], env: Record<string, string>, ms: number): Promise<{ status: number | null; stdout: string; stderr: string }> {
  return runAsync("bash", args, { env: { PATH: process.env.PATH ?? "/usr/bin:/bin", ...env }, timeoutMs: ms });
}

/** Every key under `prefix` that no lease holds, with its value (hex), via the real etcd API. */
async function durableKeys(endpoint: string, prefix: string): Promise<Map<string, string>> {
  const c = etcdClient(endpoint);
  const r = await withTimeout(c.getAll().prefix(prefix).exec(), `range ${prefix}`);
  c.close();
  return new Map(r.kvs.filter((kv) => String(kv.lease) === "0").map((kv) => [kv.key.toString(), kv.value.toString("hex")]));
}

export const checks: ClusterChecks = {
  title: "metadata backup to OSS and a full restore",
  async run(c) {
    const { run, proof, spec, members, rootPath } = c;
    proof.section("backup: the rendered backup script on every member (leader snapshots, followers skip) to a signature-checking OSS stand-in");
    for (const tool of [ETCDCTL, ETCDUTL]) if (!fs.existsSync(tool)) proof.fail(`${path.basename(tool)} v3.5.4 is built (bash .ci/build-tools.sh etcd)`, tool);
    const dir = run.dir("backup");
    const keyId = `LTAItest${randomBytes(4).toString("hex")}`;
    const keySecret = randomBytes(18).toString("base64");
    const credentials = path.join(dir, "oss.env");
    fs.writeFileSync(credentials, `OSS_ACCESS_KEY_ID=${keyId}\nOSS_ACCESS_KEY_SECRET=${keySecret}\n`, { mode: 0o600 });
    const stored = new Map<string, Buffer>();
    const refusedPuts: string[] = [];
    const port = nextPort();
    const server = http.createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on("data", (d: Buffer) => chunks.push(d));
      req.on("end", () => {
        const body = Buffer.concat(chunks);
        const key = decodeURIComponent((req.url ?? "/").slice(1));
        const md5 = String(req.headers["content-md5"] ?? "");
        const toSign = ["PUT", md5, String(req.headers["content-type"] ?? ""), String(req.headers.date ?? ""), `/${spec.storage.bucket}/${key}`].join("\n");
        const want = `OSS ${keyId}:${createHmac("sha1", keySecret).update(toSign).digest("base64")}`;
        const okMd5 = md5 === createHash("md5").update(body).digest("base64");
        if (req.method !== "PUT" || req.headers.authorization !== want || !okMd5) {
          refusedPuts.push(`${req.method} ${key} auth ${req.headers.authorization === want ? "ok" : "WRONG"} md5 ${okMd5 ? "ok" : "WRONG"}`);
          res.writeHead(403).end("<Error><Code>SignatureDoesNotMatch</Code></Error>");
          return;
        }
        stored.set(key, body);
        res.writeHead(200).end();
      });
    });
    await new Promise<void>((resolve) => server.listen(port, "127.0.0.1", resolve));
    let snapshotKey = "";
    try {
      const before = await durableKeys(clientEndpoint(members[0]), rootPath);
      const outcomes: string[] = [];
      for (const [i, m] of members.entries()) {
        const textfiles = path.join(dir, `textfile-${m.name}`);
        const script = path.join(dir, `backup-${m.name}.sh`);
        fs.writeFileSync(script, renderMetaBackupScript(spec, spec.meta[i], { ossUrl: `http://127.0.0.1:${port}`, credentialsFile: credentials, textfileDir: textfiles }), { mode: 0o700 });
        const r = await runScript([script], { ETCDCTL }, 120_000);
        const alarmFile = path.join(textfiles, "ceresdb_etcd_alarm.prom");
        const alarm = fs.existsSync(alarmFile) ? fs.readFileSync(alarmFile, "utf8") : "";
        const isLeader = m.name === c.leader.name;
        outcomes.push(`${m.name}: exit ${r.status}: ${r.stderr.trim().split("\n").pop()}`);
        proof.expect(
          r.status === 0 && alarm.includes('ceresdb_etcd_alarm{alarm="NOSPACE"} 0') && (isLeader ? /saved to oss:\/\//.test(r.stderr) : /not the etcd leader/.test(r.stderr)),
          `${m.name} (${isLeader ? "leader" : "follower"}): backup script exits 0, records NOSPACE=0 for node exporter, and ${isLeader ? "uploads a snapshot" : "leaves the snapshot to the leader"}`,
          r.stderr.trim().split("\n").pop() ?? "",
          `exit ${r.status}: ${r.stderr}\n${alarm}`,
        );
        if (isLeader) {
          const last = fs.readFileSync(path.join(textfiles, "ceresdb_meta_backup.prom"), "utf8");
          proof.expect(/^ceresdb_meta_backup_last_success_timestamp_seconds \d+$/m.test(last), `${m.name}: the last-success timestamp the MetaBackupStale alert reads is written`, last.split("\n").find((l) => l.startsWith("ceresdb_meta_backup_last_success")) ?? "");
        }
      }
      const keys = [...stored.keys()];
      proof.expect(
        keys.length === 1 && keys[0].startsWith(`${spec.observability.metaBackup.prefix}/`) && refusedPuts.length === 0,
        `exactly one snapshot reached the bucket, under ${spec.observability.metaBackup.prefix}/, every PUT correctly signed`,
        keys.join(", "),
        `${keys.join(", ")}; refused: ${refusedPuts.join("; ")}; ${outcomes.join(" | ")}`,
      );
      snapshotKey = keys[0];
      const snapshot = path.join(dir, "restore-from.db");
      fs.writeFileSync(snapshot, stored.get(snapshotKey)!);

      proof.section("restore: stop every member, destroy all their data, restore each from the one snapshot, boot");
      const t0 = Date.now();
      for (const m of members) await stop(m);
      for (const m of members) fs.rmSync(m.dataDir, { recursive: true, force: true });
      proof.expect(members.every((m) => !fs.existsSync(m.dataDir)), "every member stopped and its whole data dir (etcd, wal, etcd.log) deleted", members.map((m) => m.dataDir).join(", "));
      for (const [i, m] of members.entries()) {
        const script = path.join(dir, `restore-${m.name}.sh`);
        fs.writeFileSync(script, renderMetaRestoreScript(spec, spec.meta[i], { allowLoopback: true }), { mode: 0o700 });
        const r = await runScript([script, snapshot], { ETCDUTL, DATA_DIR: m.dataDir }, 120_000);
        proof.expect(r.status === 0 && fs.existsSync(path.join(m.dataDir, "etcd/member/snap/db")) && fs.readdirSync(path.join(m.dataDir, "wal")).length > 0, `${m.name}: restore script (etcdutl snapshot restore, same token) wrote etcd/member and wal`, "", `exit ${r.status}: ${r.stdout}${r.stderr}`);
      }
      const again = await runScript([path.join(dir, `restore-${members[0].name}.sh`), snapshot], { ETCDUTL, DATA_DIR: members[0].dataDir }, 60_000);
      proof.expect(again.status !== 0 && /exists: move the member's old data away/.test(again.stderr), "control: the restore script refuses to run over existing data", again.stderr.trim());
      for (const m of members) start(m);
      for (const m of members) await waitHealthy(proof, m, "after restore");
      c.leader = await singleLeader(proof, members, rootPath, "after restore");
      const seconds = ((Date.now() - t0) / 1000).toFixed(1);
      proof.expect(true, `restore time: ${seconds} s from stopping the members to one healthy leader (${stored.get(snapshotKey)!.length} byte snapshot, ${members.length} members)`, "");

      const after = await durableKeys(clientEndpoint(members[1]), rootPath);
      const missing = [...before.keys()].filter((k) => after.get(k) !== before.get(k));
      const shardKeys = [...before.keys()].filter((k) => /topo|shard/i.test(k)).length;
      const nodeKeys = [...before.keys()].filter((k) => /\/node/i.test(k)).length;
      proof.expect(
        before.size > 0 && missing.length === 0,
        `every durable metadata key under ${rootPath} is back with its value (${before.size} keys: cluster, ${shardKeys} shard/topology, ${nodeKeys} node)`,
        [...before.keys()].slice(0, 6).join(", "),
        `missing or changed: ${missing.join(", ")}`,
      );
      const clusters = await storedClusters(clientEndpoint(members[2]), rootPath);
      proof.expect(clusters.length === 1 && clusters[0].id === c.cluster.id && clusters[0].shardTotal === c.cluster.shardTotal, "the one default cluster is back (same ID, shard total); the new leader created none", clusters.map((k) => k.key).join());
      const ids = await Promise.all(members.map((m) => status(clientEndpoint(m))));
      c.clusterId = ids[0].cluster;
      for (const [i, m] of members.entries()) c.memberIds.set(m.name, ids[i].member);
      proof.expect(new Set(ids.map((s) => s.cluster)).size === 1, "all restored members are one etcd cluster (a new cluster ID, as a restore makes)", c.clusterId);
    } finally {
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  },
};
