/**
 * `npm run test:meta`: boots the CeresMeta configs our renderer writes on the REAL CeresMeta
 * v1.2.7 server and proves they form one working CeresMeta cluster that serves what our CeresDB
 * config points at.
 *
 * What runs: .cache/bin/ceresmeta-v1.2.7, built by .ci/meta-build.sh from cmd/meta of
 * github.com/CeresDB/ceresmeta v1.2.7 (source: github.com/apache/incubator-horaedb-meta v1.2.7, the
 * same tag and commit; see README.md). Nothing in the server is stubbed or patched.
 *
 * Layout: three members on 127.0.0.1, 127.0.0.2, 127.0.0.3, the same etcd client/peer ports on
 * each (as on three hosts), plus the single-member (standalone) config. CeresMeta binds its HTTP
 * API to `:http-port` on every interface (server/service/http/service.go), so the run happens in
 * a private network namespace (`unshare --user --net --pid`) whose only interface is loopback:
 * nothing is reachable from outside, nothing collides with anyone else's ports, and when the run
 * ends the kernel kills whatever is left in its PID namespace. Without that namespace the run
 * fails, unless META_PROOF_HOST_NET=1 explicitly accepts the HTTP ports on all host interfaces.
 *
 * The code: harness.ts (namespace, processes, waits, ports, temp dir, the members' files),
 * protocol.ts (the HTTP, etcd, gateway and gRPC calls), report.ts (the check list), and checks/:
 * preflight, decode, boot (with the bootstrap guard before and during the first bootstrap), the
 * cluster check groups under checks/cluster/ (each gets the running three-member cluster), then
 * standalone.
 *
 * Every wait is bounded, every process runs in its own process group and is killed on exit,
 * failure or signal. A missing piece (Go, binary, namespace, address, port) is a failure, never a
 * skip. Ends with `meta-proof: N passed, M failed`; exits non-zero on any failure.
 */
import * as path from "path";
import { BIN, beginRun, endRun, ROOT, runInPrivateNetns } from "./harness";
import { bootCluster, stopCluster } from "./checks/boot";
import { decodeRendered } from "./checks/decode";
import { clusterCheckGroups } from "./checks/index";
import { preflight } from "./checks/preflight";
import { standaloneMember } from "./checks/standalone";
import { CheckFailed, Proof } from "./report";

async function main(): Promise<number> {
  const proof = new Proof();
  try {
    const outer = await runInPrivateNetns(proof);
    if (outer !== null) return outer;
  } catch (e) {
    if (!(e instanceof CheckFailed)) throw e;
    return proof.summary();
  }
  const run = beginRun(proof);
  console.log(`meta-proof: real CeresMeta v1.2.7 (${path.relative(ROOT, BIN)}); work dir ${run.tmp}`);
  try {
    // Load the groups first: a broken group file is a failure before anything starts.
    const groups = await clusterCheckGroups();
    await preflight(run);
    await decodeRendered(run);
    const cluster = await bootCluster(run);
    for (const { file, checks } of groups) {
      console.log(`\n-- check group ${file}: ${checks.title}`);
      await checks.run(cluster);
    }
    await stopCluster(cluster);
    await standaloneMember(run);
  } catch (e) {
    if (!(e instanceof CheckFailed)) proof.crashed(e);
  } finally {
    await endRun(run);
  }
  return proof.summary();
}

main().then(
  (code) => process.exit(code),
  (e) => {
    console.error(e);
    process.exit(1);
  },
);
