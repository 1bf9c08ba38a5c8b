/**
 * Parallel creation, rolled changes (docs/rollout.md), on the resource graph the real program
 * registers under mocks. The graph: explicit `dependsOn`, the provider, and the implicit
 * dependencies an Output carries, found by where a resource's computed values (mock IDs, keys,
 * addresses: each unique, derived from the resource's name) appear in another's inputs.
 *
 * A schedule is computed the way the engine orders steps (a step starts once every dependency's
 * step finished): a created or changed resource takes one unit, an unchanged one (a `same` step)
 * none; a roll gate's `update` (its text changed) finishes only once its service's own gate
 * finished, because that is what it polls for. A roll gate's creation runs nothing (no `create`).
 */
import { OfflineRun, RecordedResource, runOffline, unwrapSecrets } from "../../tools/plan/offline";
import { SECRET_SIG } from "../../tools/plan/offline/mocks";
import { byType, named } from "../helpers/recorded";

interface Step {
  start: number;
  finish: number;
}

/** Computed values of a resource that identify it when they appear in another's inputs. */
function tokensOf(r: RecordedResource): string[] {
  const out = new Set<string>();
  if (r.id && r.id.length >= 8) out.add(r.id);
  const inputs = unwrapSecrets(r.inputs) as Record<string, unknown>;
  const state = unwrapSecrets(r.state) as Record<string, unknown>;
  for (const [k, v] of Object.entries(state)) {
    if (typeof v === "string" && v.length >= 12 && inputs[k] !== v) out.add(v.startsWith("ssh-ed25519 ") ? v.split(" ")[1] : v);
  }
  return [...out];
}

function graph(run: OfflineRun): Map<string, Set<string>> {
  const custom = run.resources.filter((r) => r.custom);
  const tokens = custom.map((r) => ({ name: r.name, tokens: tokensOf(r) })).filter((t) => t.tokens.length > 0);
  const deps = new Map<string, Set<string>>();
  for (const r of custom) {
    const d = new Set<string>([...(r.dependsOn ?? []), ...(r.provider ? [r.provider] : [])]);
    const text = JSON.stringify(unwrapSecrets(r.inputs));
    for (const t of tokens) if (t.name !== r.name && t.tokens.some((x) => text.includes(x))) d.add(t.name);
    deps.set(r.name, d);
  }
  // Component dependsOn lists expand to their children: only custom resources take steps.
  for (const [, d] of deps) {
    for (const x of [...d]) {
      if (deps.has(x)) continue;
      d.delete(x);
      for (const c of custom) if (c.name.startsWith(`${x}-`)) d.add(c.name);
    }
  }
  return deps;
}

/** The schedule of `after`, deployed over `before` (undefined: first creation). */
function schedule(after: OfflineRun, before?: OfflineRun): Map<string, Step> {
  const deps = graph(after);
  const was = new Map((before?.resources ?? []).map((r) => [r.name, JSON.stringify(unwrapSecrets(r.inputs))]));
  const changed = (r: RecordedResource) => was.get(r.name) !== JSON.stringify(unwrapSecrets(r.inputs));
  const byName = new Map(after.resources.map((r) => [r.name, r]));
  const steps = new Map<string, Step>();
  const visit = (name: string, path: string[] = []): Step => {
    const known = steps.get(name);
    if (known) return known;
    if (path.includes(name)) throw new Error(`dependency cycle: ${[...path, name].join(" -> ")}`);
    const r = byName.get(name)!;
    const start = Math.max(0, ...[...deps.get(name)!].map((d) => visit(d, [...path, name]).finish));
    const isRoll = r.type === "command:local:Command";
    let finish = start + (changed(r) && !(isRoll && !was.has(name)) ? 1 : 0);
    if (isRoll && was.has(name) && changed(r)) finish = Math.max(finish, visit(`${r.parent}-${r.parent!.includes("-meta-") ? "ceresmeta" : "ceresdb"}-gate`, [...path, name]).finish);
    const step = { start, finish };
    steps.set(name, step);
    return step;
  };
  for (const r of after.resources) if (r.custom) visit(r.name);
  return steps;
}

const members = (run: OfflineRun) => byType(run, "ceresdb:meta:MetaMember").map((m) => m.name);
const nodes = (run: OfflineRun) => byType(run, "ceresdb:server:ServerNode").map((n) => n.name);
const svc = (owner: string) => `${owner}-${owner.includes("-meta-") ? "ceresmeta" : "ceresdb"}`;
const instanceOf = (run: OfflineRun, owner: string) => byType(run, "alicloud:ecs/instance:Instance").find((i) => i.parent === `${owner}-host`)!.name;

/** Every resource a resource waits for, directly or not. */
function closure(deps: Map<string, Set<string>>, name: string): Set<string> {
  const seen = new Set<string>();
  const todo = [...deps.get(name)!];
  while (todo.length) {
    const x = todo.pop()!;
    if (seen.has(x)) continue;
    seen.add(x);
    todo.push(...deps.get(x)!);
  }
  return seen;
}

/** [start of the container's step, end of the service's own gate]: when a service is down. */
function downtime(s: Map<string, Step>, owner: string): Step {
  return { start: s.get(`${svc(owner)}-container`)!.start, finish: s.get(`${svc(owner)}-gate`)!.finish };
}

describe("staging (private hosts behind a bastion), 3 members + 6 nodes in batches of 2", () => {
  let base: OfflineRun;
  let changed: OfflineRun;
  let hostChange: OfflineRun;
  const settings = { "ceresdb:nodeCount": "6", "ceresdb:shardTotal": "12", "ceresdb:nodeBatchSize": "2" };
  beforeAll(async () => {
    base = await runOffline({ stack: "staging", overrides: settings });
    // A config change of every service: new revisions everywhere.
    changed = await runOffline({ stack: "staging", overrides: { ...settings, "ceresdb:logLevel": "debug" } });
    hostChange = await runOffline({ stack: "staging", overrides: { ...settings, "ceresdb:nodeInstanceType": "ecs.g7.4xlarge" } });
  }, 600_000);

  test("creation: no member's or node's host or container waits for another service's host, container or gate", () => {
    const deps = graph(base);
    const services = [...members(base), ...nodes(base)];
    for (const owner of services) {
      for (const r of [instanceOf(base, owner), `${svc(owner)}-container`]) {
        const foreign = [...closure(deps, r)].filter((d) => {
          const other = services.find((o) => o !== owner && d.startsWith(`${o}-`));
          // Another service's roll gate (runs nothing at creation) and its pinned host key (no cloud call) are allowed.
          return other !== undefined && !d.endsWith("-roll") && !d.endsWith("-hostkey");
        });
        expect({ r, foreign }).toEqual({ r, foreign: [] });
      }
    }
    for (const roll of byType(base, "command:local:Command")) expect(roll.inputs.create).toBeUndefined();
  });

  test("creation: every member's container starts in the same step (etcd bootstraps them together), every node's too", () => {
    const s = schedule(base);
    const starts = (owners: string[]) => new Set(owners.map((o) => s.get(`${svc(o)}-container`)!.start));
    expect(starts(members(base)).size).toBe(1);
    expect(starts(nodes(base)).size).toBe(1);
    expect(starts([...members(base), ...nodes(base)]).size).toBe(1);
  });

  test("a config change: one member at a time in index order, then the nodes two by two, each after the previous is back", () => {
    const s = schedule(changed, base);
    const m = members(changed).map((o) => downtime(s, o));
    for (let k = 1; k < m.length; k++) expect(m[k].start).toBeGreaterThanOrEqual(m[k - 1].finish);
    const n = nodes(changed).map((o) => downtime(s, o));
    const batches = [n.slice(0, 2), n.slice(2, 4), n.slice(4, 6)];
    expect(batches[0][0].start).toBeGreaterThanOrEqual(m[m.length - 1].finish);
    for (const b of batches) expect(b[0].start).toBe(b[1].start); // a batch changes together
    for (let b = 1; b < batches.length; b++) {
      expect(batches[b][0].start).toBeGreaterThanOrEqual(Math.max(...batches[b - 1].map((x) => x.finish)));
    }
    // At no step are two members, or nodes of two batches, down at once.
    const end = Math.max(...[...s.values()].map((x) => x.finish));
    for (let t = 0; t <= end; t++) {
      const down = (xs: Step[]) => xs.filter((x) => x.start <= t && t < x.finish).length;
      expect(down(m)).toBeLessThanOrEqual(1);
      expect(down(n)).toBeLessThanOrEqual(2);
    }
  });

  test("the roll gate waits for exactly the revision the service's own gate records after the change, and the old one differs", () => {
    const want = (run: OfflineRun, owner: string) => /\nWANT_SERVICE='([0-9a-f]{64})'\n/.exec(String(unwrapSecrets(named(run, `${owner}-roll`).inputs.update)))?.[1];
    const recorded = (run: OfflineRun, owner: string) => /\nSERVICE_REVISION='([0-9a-f]{64})'\n/.exec(String(unwrapSecrets(named(run, `${svc(owner)}-gate`).inputs.update)))?.[1];
    for (const owner of [...members(changed), ...nodes(changed)]) {
      expect(want(changed, owner)).toBeDefined();
      expect(want(changed, owner)).toBe(recorded(changed, owner));
      expect(want(changed, owner)).not.toBe(want(base, owner));
    }
  });

  test("a node host change rolls the nodes by batch and touches no member", () => {
    const s = schedule(hostChange, base);
    for (const o of members(hostChange)) expect(s.get(instanceOf(hostChange, o))!.finish).toBe(s.get(instanceOf(hostChange, o))!.start);
    const span = (o: string) => ({ start: s.get(instanceOf(hostChange, o))!.start, finish: s.get(`${o}-roll`)!.finish });
    const n = nodes(hostChange).map(span);
    expect(n[0].start).toBe(n[1].start);
    expect(n[2].start).toBeGreaterThanOrEqual(Math.max(n[0].finish, n[1].finish));
    expect(n[4].start).toBeGreaterThanOrEqual(Math.max(n[2].finish, n[3].finish));
  });

  test("a node's roll gate asks CeresMeta (v1.2.7) for shard readiness on the member hosts, through the bastion", () => {
    const text = String(unwrapSecrets(named(base, `${nodes(base)[3]}-roll`).inputs.update));
    expect(text).toContain("SHARD_TARGETS='meta-0 meta-1 meta-2'");
    expect(text).toContain("/debug/diagnose/defaultCluster/shards");
    for (const m of base.resources.filter((r) => r.type === "alicloud:ecs/instance:Instance" && r.parent!.includes("-meta-"))) {
      expect(text).toContain(`HostName ${m.inputs.privateIp}`);
    }
    expect(text).toMatch(/ProxyCommand=ssh /);
    // A member's does not, and its probe asks CeresMeta for a leader.
    const member = String(unwrapSecrets(named(base, `${members(base)[1]}-roll`).inputs.update));
    expect(member).toContain("SHARD_TARGETS=''");
    expect(member).toContain("/debug/leader");
  });
});

describe("node revisions: visible in the plan, never the secrets", () => {
  test("a node's roll gate text is not secret and holds no secret value; a rotated OBKV password still changes it", async () => {
    const obkv = { "ceresdb:walType": "Obkv", "ceresdb:obkvParamUrl": "http://ob.example.internal:8080/x", "ceresdb:obkvFullUserName": "u@t#c" };
    const a = await runOffline({ stack: "dev", overrides: obkv, secretValues: { "ceresdb:obkvPassword": "hunter2-a", "ceresdb:obkvSysPassword": "sys-pass-1" } });
    const b = await runOffline({ stack: "dev", overrides: obkv, secretValues: { "ceresdb:obkvPassword": "hunter2-b", "ceresdb:obkvSysPassword": "sys-pass-1" } });
    const roll = (run: OfflineRun) => named(run, "ceresdb-dev-node-0-roll").inputs.update;
    for (const run of [a, b]) {
      expect(JSON.stringify(roll(run))).not.toContain(SECRET_SIG);
      expect(JSON.stringify(named(run, "ceresdb-dev-node-0-ceresdb-gate").inputs.update)).not.toContain(SECRET_SIG);
      for (const v of Object.values(run.secretValues)) if (v.length > 3) expect(String(roll(run))).not.toContain(v);
    }
    expect(String(roll(b))).not.toBe(String(roll(a)));
    // The container config (which holds them) stays secret.
    expect(JSON.stringify(named(a, "ceresdb-dev-node-0-ceresdb-container").inputs.uploads)).toContain(SECRET_SIG);
  }, 300_000);
});

describe("dev (public hosts, no bastion)", () => {
  test("creation: the one order left is that a roll gate needs its host's public IP, so instances (only) are chained", async () => {
    const dev = await runOffline({ stack: "dev" });
    const deps = graph(dev);
    const m = members(dev);
    expect(closure(deps, `${m[0]}-roll`)).toContain(instanceOf(dev, m[0]));
    const foreign = [...closure(deps, `${svc(m[1])}-container`)].filter((d) => d.startsWith(`${m[0]}-`));
    expect(foreign.filter((d) => /-(container|gate|ready|setup|guard)$/.test(d))).toEqual([]);
  }, 300_000);
});
