/** 6. The single-member (standalone) config boots, lists only meta0, is its own leader and creates the default cluster. */
import * as fs from "fs";
import { ALL_FIXTURES } from "../../fixtures/specs";
import { loopbackSpec, MetaRun, PORTS, start, stop, writeMembers } from "../harness";
import { etcdMembers, parse } from "../protocol";
import { appliedConfig, defaultCluster, singleLeader, waitHealthy } from "./shared";

export async function standaloneMember(run: MetaRun): Promise<void> {
  const { proof } = run;
  proof.section("standalone (single-member) config");
  const spec = loopbackSpec(ALL_FIXTURES.standalone, 1, "solo");
  proof.expect(spec.version === "v1.2.7", "fixture is CeresMeta v1.2.7", spec.version);
  const [m] = writeMembers(proof, spec, run.dir("solo"));
  const meta = parse(fs.readFileSync(m.configPath, "utf8"));
  proof.expect(meta["initial-cluster"] === `meta0=http://127.0.0.1:${PORTS.metaPeer}`, "one-member initial-cluster", String(meta["initial-cluster"]));
  start(m);
  await waitHealthy(proof, m, "standalone boot");
  appliedConfig(proof, m);
  const v = await etcdMembers(m);
  proof.expect(v.members.length === 1 && v.members[0].name === "meta0", "GET /api/v1/etcd/member: exactly meta0", v.members.map((x) => x.name).join());
  const leader = await singleLeader(proof, [m], String(meta["storage-root-path"]), "standalone");
  proof.expect(leader.name === "meta0", "the single member is the leader", leader.endpoint);
  await defaultCluster(proof, spec, m, meta, "standalone");
  await stop(m);
  proof.pass("standalone stopped");
}
