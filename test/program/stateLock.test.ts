/**
 * The state-only locks (components/protection/stateLock.ts: BootstrapLock, HostLock) as Pulumi runs
 * them: the dynamic provider serialized with Pulumi's closure serialization and run from that text.
 * Its check refuses what the lock's problems function names (and nothing on the first deployment),
 * its create records the inputs under the lock's id, its update records the new inputs.
 */
import * as pulumi from "@pulumi/pulumi";
import { bootstrapChangeProblems, bootstrapLockProvider } from "../../components/cluster/bootstrapLock";
import { hostLockInputs, hostLockProvider, hostReplacementProblems } from "../../components/hosts/hostLock";
import { rocksdbStatic } from "../fixtures/specs";

async function asPulumiRunsIt(provider: pulumi.dynamic.ResourceProvider): Promise<pulumi.dynamic.ResourceProvider> {
  const serialized = await pulumi.runtime.serializeFunction(() => provider);
  const mod = { exports: {} as Record<string, () => pulumi.dynamic.ResourceProvider> };
  new Function("exports", "require", "module", serialized.text)(mod.exports, require, mod);
  return mod.exports[serialized.exportName]();
}

test("BootstrapLock: refuses a change CeresMeta would ignore, records the values under the cluster token", async () => {
  const provider = await asPulumiRunsIt(bootstrapLockProvider);
  const was = rocksdbStatic.bootstrap;
  const now = { ...was, shardTotal: was.shardTotal * 2 };
  expect((await provider.check!({}, was)).failures).toEqual([]);
  const refused = await provider.check!(was, now);
  expect(refused.failures).toEqual(bootstrapChangeProblems(was, now));
  expect(refused.failures!.map((f) => f.property)).toEqual(["shardTotal"]);
  expect(refused.inputs).toEqual(now);
  expect(await provider.create!(was)).toEqual({ id: was.initialClusterToken, outs: was });
  expect(await provider.update!(was.initialClusterToken, was, now)).toEqual({ outs: now });
});

test("HostLock: refuses replacing a protected host, records its inputs under the host name", async () => {
  const provider = await asPulumiRunsIt(hostLockProvider);
  const host = rocksdbStatic.meta[0].host;
  // As on a prod or staging host (the fixtures are test-class: unprotected).
  const was = { ...hostLockInputs(rocksdbStatic, host), protected: true };
  const now = { ...hostLockInputs(rocksdbStatic, { ...host, zoneId: "cn-hangzhou-k" }), protected: true };
  expect((await provider.check!({}, was)).failures).toEqual([]);
  const refused = await provider.check!(was, now);
  expect(refused.failures).toEqual(hostReplacementProblems(was, now));
  expect(refused.failures).toHaveLength(1);
  expect(await provider.create!(was)).toEqual({ id: host.name, outs: was });
  expect(await provider.update!(host.name, was, now)).toEqual({ outs: now });
});
