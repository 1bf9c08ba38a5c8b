/**
 * The rollout scripts (components/render/scripts/{service-probe,shards-probe,roll-wait,gate-healthy}.sh)
 * executed with sh, real curl and python3 against a local HTTP server answering as CeresMeta does.
 *
 * Contract with CeresMeta: the shard probe parses exactly what the real CeresMeta v1.2.7 answers to
 * `GET /debug/diagnose/{cluster}/shards` (recorded from .cache/bin/ceresmeta-v1.2.7, see
 * test/fixtures/ceresmeta-v1.2.7/README.md; `npm run test:ssh` asks the live server again). The
 * unready-shard entry is built from apache/incubator-horaedb-meta v1.2.7
 * server/service/http/types.go (DiagnoseShardResult: `unregistered_shards` []ShardID,
 * `unready_shards` map[ShardID]DiagnoseShardStatus{`node_name`, `status`}) and
 * server/storage/types.go ConvertShardStatusToString (`ready`, `partialOpen`). Leader answers:
 * api.go getLeader (v1.2.7 `/debug/leader`), getLeaderAddr (v1.2.4-v1.2.6 `/api/v1/leader`); the
 * etcd JSON gateway's maintenance/status for v1.2.2.
 */
import * as fs from "fs";
import * as http from "http";
import { AddressInfo } from "net";
import * as os from "os";
import * as path from "path";
import { fillScript } from "../../components/render/common";
import { renderRollGate, renderServiceProbe, renderShardProbe, serviceRevision, sshConfigBlock } from "../../components/render/rollGate";
import { ClusterSpec } from "../../components/model/types";
import { kafkaV122, kafkaV124, rocksdbStatic } from "../fixtures/specs";
import { runAsync } from "../helpers/runAsync";

const FIXTURES = path.join(__dirname, "../fixtures/ceresmeta-v1.2.7");
const recorded = (f: string) => fs.readFileSync(path.join(FIXTURES, f), "utf8");
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "roll-gate-"));
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

/** Routes `METHOD path` to [status, body]; answers 404 otherwise. */
let routes: Record<string, [number, string]> = {};
let server: http.Server;
let port = 0;
beforeAll(async () => {
  server = http.createServer((req, res) => {
    const r = routes[`${req.method} ${req.url}`];
    res.writeHead(r ? r[0] : 404, { "content-type": "application/json" });
    res.end(r ? r[1] : "404 page not found");
  });
  await new Promise<void>((ok) => server.listen(0, "127.0.0.1", ok));
  port = (server.address() as AddressInfo).port;
});
afterAll(() => new Promise<void>((ok) => server.close(() => ok())));

/** The spec with every CeresMeta/CeresDB port on the local test server. */
function local(spec: ClusterSpec): ClusterSpec {
  return { ...spec, ports: { ...spec.ports, metaHttp: port, metaClient: port, http: port } };
}

/** Runs a script with sh (async: the HTTP server answers from this process). */
async function sh(script: string, env: Record<string, string> = {}, timeoutMs = 30_000): Promise<{ code: number; out: string }> {
  const r = await runAsync("sh", ["-c", script], { env: { PATH: process.env.PATH ?? "/usr/bin:/bin", HOME: tmp, ...env }, cwd: tmp, timeoutMs });
  return { code: r.status ?? -1, out: r.output };
}

describe("the shard probe (run on a member host by a node's roll gate)", () => {
  const probe = () => renderShardProbe(local(rocksdbStatic))!;
  const url = "GET /debug/diagnose/defaultCluster/shards";

  test("only v1.2.7 has the diagnosis endpoint: earlier versions render none", () => {
    expect(renderShardProbe(kafkaV122)).toBeUndefined();
    expect(renderShardProbe(kafkaV124)).toBeUndefined();
    expect(renderShardProbe(rocksdbStatic)).toContain("http://127.0.0.1:8080/debug/diagnose/defaultCluster/shards");
  });

  test("the real answer with no node registered: not ready, naming the unregistered shards", async () => {
    routes = { [url]: [200, recorded("diagnose-shards.no-nodes.json")] };
    const r = await sh(probe());
    expect(r).toEqual({ code: 1, out: "shards-not-ready: unregistered (no node serves them) 0,1,2,3,4,5,6,7\n" });
  });

  test("every shard registered and ready: ready", async () => {
    routes = { [url]: [200, '{"status":"success","data":{"unregistered_shards":[],"unready_shards":{}}}'] };
    expect(await sh(probe())).toEqual({ code: 0, out: "shards-ready\n" });
  });

  test("a partially open shard: not ready, naming the shard, its node and its status", async () => {
    routes = { [url]: [200, '{"status":"success","data":{"unregistered_shards":[],"unready_shards":{"3":{"node_name":"10.10.0.20:8831","status":"partialOpen"},"11":{"node_name":"10.10.1.20:8831","status":"partialOpen"}}}}'] };
    const r = await sh(probe());
    expect(r).toEqual({ code: 1, out: "shards-not-ready: not ready 3 on 10.10.0.20:8831 (partialOpen), 11 on 10.10.1.20:8831 (partialOpen)\n" });
  });

  test("the real error answer (no such cluster), an unexpected shape or no answer: unknown, so another member is asked", async () => {
    routes = { [url]: [500, recorded("diagnose-shards.unknown-cluster.json")] };
    const err = await sh(probe());
    expect(err.code).toBe(2);
    expect(err.out).toContain("shards-unknown: CeresMeta answered clusterName: noSuchCluster, err: (#404)cluster not found");
    routes = { [url]: [200, '{"status":"success","data":{"shards":[]}}'] };
    expect((await sh(probe())).out).toMatch(/^shards-unknown: no unregistered_shards list/);
    routes = {};
    expect((await sh(probe())).code).toBe(2);
    const down = await sh(renderShardProbe(rocksdbStatic)!.replace("127.0.0.1:8080", "127.0.0.1:1"));
    expect(down.code).toBe(2);
    expect(down.out).toMatch(/^shards-unknown: http:\/\/127\.0\.0\.1:1\/debug\/diagnose\/defaultCluster\/shards does not answer/);
  });
});

describe("the service probe", () => {
  test("a member is ready only when healthy and CeresMeta names a leader (v1.2.7: /debug/leader, the real answer)", async () => {
    const probe = renderServiceProbe(local(rocksdbStatic), "meta");
    routes = { "GET /api/v1/health": [200, '{"status":"success"}'], "GET /debug/leader": [200, recorded("debug-leader.json")] };
    const ok = await sh(probe);
    expect(ok.code).toBe(0);
    expect(ok.out).toMatch(/^host-revision=.*\nservice-revision=.*\nleader=http:\/\/127\.0\.0\.1:2379\nready\n$/);
    routes["GET /debug/leader"] = [500, '{"status":"error","error":"get leader","msg":"no leader"}'];
    const noLeader = await sh(probe);
    expect(noLeader.code).toBe(1);
    expect(noLeader.out).toContain(`not-ready: CeresMeta has no leader (http://127.0.0.1:${port}/debug/leader names none)`);
    routes = {};
    expect((await sh(probe)).out).toContain(`not-ready: http://127.0.0.1:${port}/api/v1/health does not answer`);
  });

  test("v1.2.4 asks /api/v1/leader; v1.2.2, which has no leader API, the etcd raft leader", async () => {
    routes = { "GET /api/v1/healthCheck": [200, '{"status":"success"}'], "GET /api/v1/leader": [200, '{"status":"success","data":"http://10.0.0.1:2379"}'] };
    expect((await sh(renderServiceProbe(local(kafkaV124), "meta"))).code).toBe(0);
    const v122 = renderServiceProbe(local(kafkaV122), "meta");
    routes = { "GET /api/v1/healthCheck": [200, '{"status":"success"}'], "POST /v3/maintenance/status": [200, '{"header":{},"leader":"4337458232495060252"}'] };
    expect((await sh(v122)).code).toBe(0);
    routes["POST /v3/maintenance/status"] = [200, '{"header":{},"leader":"0"}'];
    expect((await sh(v122)).code).toBe(1);
  });

  test("a node is ready when CeresDB answers GET /", async () => {
    const probe = renderServiceProbe(local(rocksdbStatic), "server");
    routes = { "GET /": [200, '{"status":"ok"}'] };
    expect((await sh(probe)).code).toBe(0);
    routes = {};
    expect((await sh(probe)).code).toBe(1);
  });
});

describe("the service's own gate on a change", () => {
  const gate = (probe: string, file: string, wait = 4) =>
    fillScript("gate-healthy.sh", { assign: { CONTAINER: "ceresdb", PROBE: probe, WAIT_SECONDS: String(wait), SERVICE_REVISION: "rev-2", REVISION_FILE: file } });

  test("records the revision only once the probe passes", async () => {
    const file = path.join(tmp, "service-revision");
    fs.writeFileSync(file, "rev-1\n");
    const bad = await sh(gate('echo "not-ready: http://x does not answer"; exit 1', file, 3));
    expect(bad.code).toBe(1);
    expect(bad.out).toContain("ceresdb not ready after 3 s: http://x does not answer");
    expect(fs.readFileSync(file, "utf8")).toBe("rev-1\n");
    const good = await sh(gate("echo ready", file));
    expect(good.code).toBe(0);
    expect(fs.readFileSync(file, "utf8")).toBe("rev-2\n");
  });
});

describe("the roll gate (run where Pulumi runs, by ssh)", () => {
  const spec = rocksdbStatic;
  const want = serviceRevision({ image: "i", healthUrl: "h", config: "c", hostRevision: "type=a", replacing: {} });
  const text = (o: { wait?: number; shards?: boolean } = {}) =>
    renderRollGate({
      name: "node-1",
      sshConfig: ["node-1", "meta-0", "meta-1"].map((a, i) => sshConfigBlock(a, `10.0.0.${i + 1}`, "root", ["-o", "StrictHostKeyChecking=yes"])).join("\n"),
      target: "node-1",
      probe: renderServiceProbe(spec, "server"),
      wantHostRevision: "type=a",
      wantServiceRevision: want,
      shardTargets: o.shards === false ? [] : ["meta-0", "meta-1"],
      shardProbe: renderShardProbe(spec),
      hint: "HINT: look at node-1",
      waitSeconds: o.wait ?? 3,
      pollSeconds: 1,
    });

  /** A stand-in `ssh` answering per host alias from answers/<alias>, logging its config file and arguments. */
  function standIn(answers: Record<string, { out: string; code?: number }>): Record<string, string> {
    const dir = fs.mkdtempSync(path.join(tmp, "ssh-"));
    for (const [alias, a] of Object.entries(answers)) {
      fs.writeFileSync(path.join(dir, alias), a.out);
      fs.writeFileSync(path.join(dir, `${alias}.code`), String(a.code ?? 0));
    }
    fs.writeFileSync(
      path.join(dir, "ssh"),
      `#!/bin/sh
cfg=""; alias=""
while [ $# -gt 0 ]; do
  case "$1" in
    -F) cfg="$2"; shift 2 ;;
    -o) shift 2 ;;
    *) alias="$1"; shift; break ;;
  esac
done
{ echo "alias=$alias"; cat "$cfg"; } >> '${dir}/log'
[ -f '${dir}'/"$alias" ] || { echo "ssh: Could not resolve hostname $alias" >&2; exit 255; }
cat '${dir}'/"$alias"
exit "$(cat '${dir}'/"$alias".code)"
`,
      { mode: 0o755 },
    );
    return { PATH: `${dir}:${process.env.PATH}`, LOG: path.join(dir, "log") };
  }
  const back = { out: `host-revision=type=a\nservice-revision=${want}\nready\n` };

  test("passes once the node runs both new revisions, is ready, and CeresMeta reports every shard ready", async () => {
    const env = standIn({ "node-1": back, "meta-0": { out: "shards-ready\n" } });
    const r = await sh(text(), env);
    expect(r).toEqual({ code: 0, out: "node-1: back with its new revision and ready\n" });
    const log = fs.readFileSync(env.LOG, "utf8");
    expect(log).toContain("alias=node-1\nHost node-1\n  HostName 10.0.0.1\n  User root\n  Port 22\n  StrictHostKeyChecking=yes\nHost meta-0");
    expect(log).not.toContain("alias=meta-1"); // meta-0 answered
  });

  test("a member that cannot tell is skipped for the next one", async () => {
    const env = standIn({ "node-1": back, "meta-0": { out: "shards-unknown: down\n", code: 2 }, "meta-1": { out: "shards-ready\n" } });
    expect((await sh(text(), env)).code).toBe(0);
  });

  test("keeps what depends on it waiting, then fails naming what is missing and what to run; the wanted revision is never printed", async () => {
    const old = standIn({ "node-1": { out: "host-revision=type=a\nservice-revision=0123\nnot-ready: http://127.0.0.1:5440/ does not answer\n", code: 1 }, "meta-0": { out: "shards-ready\n" } });
    const r = await sh(text(), old);
    expect(r.code).toBe(1);
    expect(r.out).toContain("node-1 is not back after 3 s; what depends on it is left unchanged. Still missing:");
    expect(r.out).toContain("the service's gate has not recorded its new revision yet");
    expect(r.out).toContain("not ready now: not-ready: http://127.0.0.1:5440/ does not answer");
    expect(r.out).toContain("HINT: look at node-1");
    expect(r.out).not.toContain(want);
    expect(fs.readFileSync(old.LOG, "utf8").match(/alias=node-1/g)!.length).toBeGreaterThanOrEqual(2); // it polled

    const host = await sh(text(), standIn({ "node-1": { out: `host-revision=type=old\nservice-revision=${want}\nready\n` } }));
    expect(host.out).toContain("the host has not applied host revision type=a yet (it reports: type=old)");

    const shards = await sh(text(), standIn({ "node-1": back, "meta-0": { out: "shards-not-ready: unregistered (no node serves them) 3\n", code: 1 } }));
    expect(shards.code).toBe(1);
    expect(shards.out).toContain("CeresMeta does not report every shard ready: shards-not-ready: unregistered (no node serves them) 3");

    const nobody = await sh(text(), standIn({ "node-1": back }));
    expect(nobody.out).toContain("CeresMeta does not report every shard ready: shards-unknown: no CeresMeta member answered over SSH");
  });

  test("without shard targets (members, and nodes before v1.2.7) the node's own answer decides", async () => {
    expect((await sh(text({ shards: false }), standIn({ "node-1": back }))).code).toBe(0);
  });
});
