/**
 * The bootstrap guard, executed: the rendered script runs under sh with `curl` stubbed to answer
 * like a member's etcd JSON gateway, against a temporary data dir.
 */
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { renderMetaBootstrapGuard } from "../../components/render/metaGuard";
import { ClusterSpec } from "../../components/model/types";
import { rocksdbStatic } from "../fixtures/specs";

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "meta-guard-"));
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

/** Runs the guard of `member` with curl answering `answer` (undefined: every peer unreachable). */
function runGuard(spec: ClusterSpec, member: number, answer: object | undefined, opts: { wal?: boolean } = {}) {
  const dir = fs.mkdtempSync(path.join(tmp, "case-"));
  const data = path.join(dir, "data");
  fs.mkdirSync(path.join(data, "wal"), { recursive: true });
  if (opts.wal) fs.writeFileSync(path.join(data, "wal", "0000000000000000-0000000000000000.wal"), "x");
  const bin = path.join(dir, "bin");
  fs.mkdirSync(bin);
  const calls = path.join(dir, "calls");
  fs.writeFileSync(
    path.join(bin, "curl"),
    answer === undefined
      ? `#!/bin/sh\necho "$@" >> ${calls}\nexit 7\n`
      : `#!/bin/sh\necho "$@" >> ${calls}\ncat <<'JSON'\n${JSON.stringify(answer)}\nJSON\n`,
    { mode: 0o755 },
  );
  const script = renderMetaBootstrapGuard(spec, spec.meta[member], { dataDir: data });
  const r = spawnSync("sh", ["-c", script], { env: { ...process.env, PATH: `${bin}:${process.env.PATH}` }, encoding: "utf8", timeout: 20_000 });
  return { code: r.status, stderr: r.stderr, calls: fs.existsSync(calls) ? fs.readFileSync(calls, "utf8") : "" };
}

const spec = rocksdbStatic;
const peer = (i: number) => `http://${spec.meta[i].host.privateIp}:${spec.ports.metaPeer}`;
const client = (i: number) => `http://${spec.meta[i].host.privateIp}:${spec.ports.metaClient}`;
/**
 * The etcd gateway's answer, in the shape the real server gives (test/meta): every
 * initial-cluster member has its name from the start; only members that have run carry clientURLs.
 */
const list = (member2Started: boolean) => ({
  members: spec.meta.map((m) => ({
    ID: String(1000 + m.index),
    name: m.memberName,
    peerURLs: [peer(m.index)],
    ...(m.index !== 2 || member2Started ? { clientURLs: [client(m.index)] } : {}),
  })),
});

test("first bootstrap: no other member answers, the member starts", () => {
  const r = runGuard(spec, 0, undefined);
  expect(r.code).toBe(0);
  expect(r.stderr).toContain("no running cluster");
  // It asked every other member's client port, and only them.
  expect(r.calls.match(/\/v3\/cluster\/member\/list/g)).toHaveLength(spec.meta.length - 1);
  expect(r.calls).not.toContain(`${spec.meta[0].host.privateIp}:${spec.ports.metaClient}`);
});

test("bootstrap of the last member while the others already have a quorum: listed unstarted, goes", () => {
  const r = runGuard(spec, 2, list(false));
  expect(r.code).toBe(0);
  expect(r.stderr).toContain("not started yet");
});

test("a member that ran before and lost its data is refused, with the way out", () => {
  const r = runGuard(spec, 2, list(true));
  expect(r.code).toBe(1);
  expect(r.stderr).toContain("REFUSED");
  expect(r.stderr).toContain("ceresdb:rejoinMetaMembers");
});

test("a member the running cluster does not list (removed, not re-added) is refused", () => {
  const r = runGuard(spec, 2, { members: list(true).members.filter((m) => !m.peerURLs.includes(peer(2))) });
  expect(r.code).toBe(1);
  expect(r.stderr).toContain("does not list");
});

test("a restart on its own data goes without asking anyone", () => {
  const r = runGuard(spec, 2, list(true), { wal: true });
  expect(r.code).toBe(0);
  expect(r.calls).toBe("");
});

test("a re-added member (existing) goes", () => {
  const rejoining: ClusterSpec = { ...spec, meta: spec.meta.map((m) => (m.index === 2 ? { ...m, initialClusterState: "existing" as const } : m)) };
  const r = runGuard(rejoining, 2, list(true));
  expect(r.code).toBe(0);
  expect(r.calls).toBe("");
});

test("snapshot of the rendered guard", () => {
  expect(renderMetaBootstrapGuard(spec, spec.meta[1])).toMatchSnapshot();
});
