/**
 * tools/status: parsing the real v1.2.7 answers (test/fixtures/ceresmeta-v1.2.7/, recorded from
 * .cache/bin/ceresmeta-v1.2.7), aggregation, the outputs contract, the per-request deadline
 * against a loopback server that accepts and never answers, the SOCKS5 path through a loopback
 * proxy, and the CLI's exit codes.
 */
import * as fs from "fs";
import * as http from "http";
import * as net from "net";
import * as os from "os";
import * as path from "path";
import { aggregate, collectStatus } from "../../tools/status/collect";
import { main, parseArgs } from "../../tools/status/cli";
import { request } from "../../tools/status/http";
import { dataOf, parseDiagnose, parseEtcdMembers, parseGatewayMembers, parseLeader, parseNodeShards } from "../../tools/status/parse";
import { renderText } from "../../tools/status/render";
import { StatusTargets, targetsFrom } from "../../tools/status/targets";

const FIX = path.join(__dirname, "../fixtures/ceresmeta-v1.2.7");
const fixture = (f: string) => fs.readFileSync(path.join(FIX, f), "utf8");

const outputs = {
  version: "v1.2.7",
  metaEndpoint: "http://10.0.0.8:2379",
  clientEndpoints: { grpc: "10.0.0.9:8831" },
  metaEndpoints: ["http://10.0.0.1:2379", "http://10.0.0.2:2379", "http://10.0.0.3:2379"],
  metaHttpEndpoints: ["http://10.0.0.1:8080", "http://10.0.0.2:8080", "http://10.0.0.3:8080"],
  adminHttpEndpoints: ["http://10.0.1.1:5440", "http://10.0.1.2:5440"],
  grpcEndpoints: ["10.0.1.1:8831", "10.0.1.2:8831"],
  hostIps: { meta: { "meta-0": "10.0.0.1", "meta-1": "10.0.0.2", "meta-2": "10.0.0.3" }, nodes: { "node-0": "10.0.1.1", "node-1": "10.0.1.2" } },
  clusterBootstrap: { clusterName: "defaultCluster" },
};
const targets = (): StatusTargets => targetsFrom(outputs).targets!;

describe("parsing the real v1.2.7 answers", () => {
  test("GET /debug/leader names the leader's client URL", () => {
    expect(parseLeader(fixture("debug-leader.json"))).toBe("http://127.0.0.1:2379");
  });
  test("GET /debug/diagnose/{cluster}/shards with no node: all shards unregistered", () => {
    expect(parseDiagnose(fixture("diagnose-shards.no-nodes.json"))).toEqual({ unregistered: [0, 1, 2, 3, 4, 5, 6, 7], unready: [] });
  });
  test("an unknown cluster: CeresMeta's own message, not a silent empty answer", () => {
    expect(() => parseDiagnose(fixture("diagnose-shards.unknown-cluster.json"))).toThrow(/clusterName: noSuchCluster, err: \(#404\)cluster not found/);
  });
  test("unready shards (shape from server/service/http/types.go DiagnoseShardStatus)", () => {
    const body = '{"status":"success","data":{"unregistered_shards":[5],"unready_shards":{"3":{"node_name":"10.0.1.1:8831","status":"partialOpen"}}}}';
    expect(parseDiagnose(body)).toEqual({ unregistered: [5], unready: [{ shard: 3, nodeName: "10.0.1.1:8831", status: "partialOpen" }] });
  });
  test("etcd member list keeps 64-bit IDs exact", () => {
    const body = '{"status":"success","data":{"header":{"cluster_id":17237436991929493444,"member_id":1},"members":[{"ID":10276657743932975437,"name":"m0","peerURLs":["http://a:2380"],"clientURLs":["http://a:2379"]}]}}';
    expect(parseEtcdMembers(body)).toEqual({ clusterId: "17237436991929493444", members: [{ id: "10276657743932975437", name: "m0", peerURLs: ["http://a:2380"], clientURLs: ["http://a:2379"] }] });
    expect(parseGatewayMembers('{"header":{"cluster_id":"5"},"members":[{"ID":"7","name":"x"}]}').members[0]).toEqual({ id: "7", name: "x", peerURLs: [], clientURLs: [] });
  });
  test("getNodeShards groups shard ids by node name", () => {
    const body = '{"status":"success","data":{"ClusterTopologyVersion":1,"NodeShards":[{"ShardInfo":{"ID":0},"ShardNode":{"ID":0,"ShardRole":0,"NodeName":"n1"}},{"ShardInfo":{"ID":2},"ShardNode":{"ID":2,"ShardRole":0,"NodeName":"n1"}},{"ShardNode":{"ID":1,"NodeName":"n2"}}]}}';
    expect([...parseNodeShards(body)]).toEqual([["n1", [0, 2]], ["n2", [1]]]);
  });
  test("an error answer or non-JSON is refused", () => {
    expect(() => dataOf('{"status":"error","msg":"boom"}')).toThrow(/boom/);
    expect(() => dataOf("<html>")).toThrow(/not JSON/);
  });
});

describe("the outputs contract", () => {
  test("plain and Automation API ({value, secret}) shapes give the same targets", () => {
    const wrapped = Object.fromEntries(Object.entries(outputs).map(([k, v]) => [k, { value: v, secret: false }]));
    expect(targetsFrom(wrapped).targets).toEqual(targets());
    expect(targets().members[1]).toEqual({ name: "meta-1", http: "http://10.0.0.2:8080", client: "http://10.0.0.2:2379" });
    expect(targets().nodes[0]).toEqual({ name: "node-0", http: "http://10.0.1.1:5440", nodeName: "10.0.1.1:8831" });
  });
  test("every missing output at once", () => {
    const r = targetsFrom({ version: "v9" });
    expect(r.targets).toBeUndefined();
    expect(r.problems.map((p) => p.split(":")[0])).toEqual([
      "output version",
      "output metaHttpEndpoints",
      "output metaEndpoints",
      "output adminHttpEndpoints",
      "output grpcEndpoints",
      "output clusterBootstrap.clusterName",
    ]);
  });
});

describe("aggregation", () => {
  const ok = <T>(value: T) => ({ ok: true as const, value });
  const no = (error: string) => ({ ok: false as const, error });
  const answers = (leaders: (string | null)[]) =>
    targets().members.map((m, i) => ({
      m,
      health: leaders[i] === null ? no("refused") : ok(null),
      leader: leaders[i] === null ? no("refused") : ok(leaders[i]!),
      etcd: leaders[i] === null ? no("refused") : ok({ clusterId: "9", members: ["meta0", "meta1"].map((name, j) => ({ id: String(j), name, peerURLs: [`http://10.0.0.${j + 1}:2380`], clientURLs: j === 1 ? [] : [`http://10.0.0.${j + 1}:2379`] })) }),
      diagnose: ok({ unregistered: [], unready: [{ shard: 3, nodeName: "10.0.1.2:8831", status: "partialOpen" }] }),
      nodeShards: ok(new Map([["10.0.1.1:8831", [0, 1, 2]], ["10.0.1.2:8831", [3]]])),
    }));
  test("one leader agreed, a dead member, shard states per node", () => {
    const s = aggregate(targets(), answers(["http://10.0.0.2:2379", "http://10.0.0.2:2379", null]), [ok(true), no("no answer within 3000 ms")], 17, 12);
    expect(s.leader).toBe("meta-1");
    expect(s.members.map((m) => [m.healthy, m.isLeader])).toEqual([[true, false], [true, true], [false, false]]);
    expect(s.members[2].error).toBe("refused");
    expect(s.etcd?.from).toBe("meta-1");
    // Matched by URL host (a member not yet started has no clientURLs, only peerURLs); meta-2 is not in this list.
    expect(s.members.map((m) => m.etcdName)).toEqual(["meta0", "meta1", undefined]);
    expect(renderText(s)).toMatch(/meta-2 .*down \(refused\) +- +not listed/);
    expect(s.nodes.map((n) => [n.up, n.shards, n.state])).toEqual([[true, [0, 1, 2], "ready"], [false, [3], "not-ready"]]);
    expect(renderText(s)).toMatch(/meta-1 +http:\/\/10\.0\.0\.2:8080 +healthy +leader/);
    expect(renderText(s)).toMatch(/node-1 .*down \(no answer within 3000 ms\) +1 \[3\] +not-ready: 3 partialOpen/);
  });
  test("disagreeing members: no leader, and why", () => {
    const s = aggregate(targets(), answers(["http://10.0.0.1:2379", "http://10.0.0.2:2379", null]), [ok(true), ok(true)], 1, 1);
    expect(s.leader).toBeUndefined();
    expect(s.leaderProblem).toMatch(/disagree/);
    expect(s.members.every((m) => !m.isLeader)).toBe(true);
  });
  test("a leader URL that is not a member of this stack", () => {
    const s = aggregate(targets(), answers(["http://10.9.9.9:2379", "http://10.9.9.9:2379", "http://10.9.9.9:2379"]), [ok(true), ok(true)], 1, 1);
    expect(s.leaderProblem).toMatch(/not one of this stack's members/);
  });
});

describe("bounded, parallel requests on loopback", () => {
  let silent: net.Server;
  let silentPort = 0;
  const sockets: net.Socket[] = [];
  beforeAll(async () => {
    // Accepts and never answers: what a hung member looks like.
    silent = net.createServer((s) => sockets.push(s));
    await new Promise<void>((r) => silent.listen(0, "127.0.0.1", r));
    silentPort = (silent.address() as net.AddressInfo).port;
  });
  afterAll(async () => {
    for (const s of sockets) s.destroy();
    await new Promise((r) => silent.close(r));
  });

  test("every member and node silent: all requests end within about one timeout, not one per request", async () => {
    const hung = `http://127.0.0.1:${silentPort}`;
    const t = targetsFrom({
      ...outputs,
      metaHttpEndpoints: [hung, hung, hung],
      metaEndpoints: [hung, hung, hung],
      adminHttpEndpoints: [hung, hung],
    }).targets!;
    const t0 = Date.now();
    const s = await collectStatus(t, (url, method, body) => request(url, { method, body, timeoutMs: 400 }));
    const took = Date.now() - t0;
    expect(s.asked).toBe(3 * 5 + 2);
    expect(s.answered).toBe(0);
    expect(s.members.every((m) => m.error === "no answer within 400 ms")).toBe(true);
    expect(took).toBeGreaterThanOrEqual(390);
    expect(took).toBeLessThan(2_000); // 17 sequential timeouts would be 6.8 s
  });

  test("through a SOCKS5 proxy (RFC 1928 CONNECT) to a real HTTP server", async () => {
    const web = http.createServer((req, res) => res.end(`${req.method} ${req.url}`));
    await new Promise<void>((r) => web.listen(0, "127.0.0.1", r));
    const webPort = (web.address() as net.AddressInfo).port;
    const seen: string[] = [];
    const open: net.Socket[] = [];
    const proxy = net.createServer((c) => {
      open.push(c);
      c.once("data", () => {
        c.write(Buffer.from([5, 0]));
        c.once("data", (req: Buffer) => {
          const host = [...req.subarray(4, 8)].join(".");
          const port = req.readUInt16BE(8);
          seen.push(`${host}:${port}`);
          const up = net.connect(port, host, () => {
            open.push(up);
            c.write(Buffer.from([5, 0, 0, 1, 127, 0, 0, 1, 0, 0]));
            c.pipe(up).pipe(c);
          });
          up.on("error", () => c.destroy());
        });
      });
    });
    await new Promise<void>((r) => proxy.listen(0, "127.0.0.1", r));
    const proxyPort = (proxy.address() as net.AddressInfo).port;
    try {
      const a = await request(`http://127.0.0.1:${webPort}/debug/leader`, { timeoutMs: 2000, proxy: `socks5://127.0.0.1:${proxyPort}` });
      expect(a).toEqual({ status: 200, body: "GET /debug/leader" });
      expect(seen).toEqual([`127.0.0.1:${webPort}`]);
      await expect(request(`http://127.0.0.1:${webPort}/`, { timeoutMs: 2000, proxy: `socks5://127.0.0.1:1` })).rejects.toThrow(/socks5 127.0.0.1:1/);
    } finally {
      for (const s of open) s.destroy();
      web.closeAllConnections();
      await new Promise((r) => proxy.close(r));
      await new Promise((r) => web.close(r));
    }
  }, 15_000);
});

describe("the CLI", () => {
  test("arguments: every problem at once", () => {
    expect(parseArgs(["--format", "yaml", "--timeout-ms", "0", "--proxy", "http://x:1"]).problems).toEqual([
      "--format yaml: expected text or json",
      "--timeout-ms: expected an integer from 1 to 600000",
      "name a stack, or give --endpoints FILE (from `pulumi stack output --json`)",
      "--proxy http://x:1: expected socks5://host:port",
    ]);
    expect(parseArgs(["prod"]).args).toMatchObject({ stack: "prod", format: "text", timeoutMs: 3000 });
  });
  test("nothing answers: one-line error, exit 1", async () => {
    // Ports nobody listens on: a server bound then closed leaves a refusing port.
    const srv = net.createServer();
    await new Promise<void>((r) => srv.listen(0, "127.0.0.1", r));
    const port = (srv.address() as net.AddressInfo).port;
    await new Promise((r) => srv.close(r));
    const dead = `http://127.0.0.1:${port}`;
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "status-"));
    const file = path.join(dir, "o.json");
    fs.writeFileSync(file, JSON.stringify({ ...outputs, metaHttpEndpoints: [dead, dead, dead], metaEndpoints: [dead, dead, dead], adminHttpEndpoints: [dead, dead] }));
    const err: string[] = [];
    const out = jest.spyOn(process.stdout, "write").mockImplementation(() => true);
    const e = jest.spyOn(process.stderr, "write").mockImplementation((s) => (err.push(String(s)), true));
    try {
      expect(await main(["--endpoints", file, "--timeout-ms", "1000"])).toBe(1);
      expect(out).not.toHaveBeenCalled();
      expect(err).toEqual(["status: nothing answered (17 requests to 3 members and 2 nodes, 1000 ms each); is the network path open (bastion: --proxy)?\n"]);
      err.length = 0;
      fs.writeFileSync(file, "{}");
      expect(await main(["--endpoints", file])).toBe(2);
      expect(err[0]).toMatch(/^status: output version: .*; output clusterBootstrap.clusterName: missing\n$/);
    } finally {
      out.mockRestore();
      e.mockRestore();
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
