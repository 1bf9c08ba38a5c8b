/** Preflight: the binary is the pinned CeresMeta v1.2.7, the guard's tools run, the addresses and ports are usable. */
import { execFileSync, spawnSync } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { BIN, canBind, GO_SUM, IN_NETNS, IPS, MetaRun, PORTS, ROOT } from "../harness";
import { GUARD_TOOLS, guardEnv } from "./guard";

export async function preflight({ proof }: MetaRun): Promise<void> {
  proof.section("preflight");
  proof.expect(fs.existsSync(BIN), `binary ${path.relative(ROOT, BIN)} present`, "", "missing: run `bash .ci/meta-build.sh` (needs Go)");
  let info = "";
  try {
    info = execFileSync("go", ["version", "-m", BIN], { encoding: "utf8", timeout: 20_000 });
  } catch (e) {
    proof.fail("`go version -m` reads the binary (Go is required)", String((e as Error).message));
  }
  const sum = /^github\.com\/apache\/incubator-horaedb-meta v1\.2\.7 (h1:\S+)$/m.exec(fs.readFileSync(GO_SUM, "utf8"))?.[1];
  const built = /^\s+=>\s+github\.com\/apache\/incubator-horaedb-meta\s+v1\.2\.7\s+(h1:\S+)\s*$/m.exec(info)?.[1];
  proof.expect(
    /^\s+path\s+github\.com\/CeresDB\/ceresmeta\/cmd\/meta\s*$/m.test(info) && /^\s+mod\s+github\.com\/CeresDB\/ceresmeta\s+v1\.2\.7\s*$/m.test(info) && !!sum && built === sum,
    "binary is cmd/meta of github.com/CeresDB/ceresmeta v1.2.7, source hash as pinned in test/meta/go.sum",
    `=> apache/incubator-horaedb-meta v1.2.7 ${built}`,
    `go version -m:\n${info}\ngo.sum: ${sum}`,
  );
  const version = spawnSync(BIN, ["-version"], { encoding: "utf8", timeout: 10_000, env: {} });
  const commit = /Git commit:(\S+)/.exec(`${version.stdout}${version.stderr}`)?.[1] ?? "?";
  proof.pass("binary runs (-version)", `CeresMeta Server, commit ${commit}`);
  for (const [tool, args] of GUARD_TOOLS) {
    const r = spawnSync(tool, args, { encoding: "utf8", timeout: 10_000, env: guardEnv() });
    proof.expect(
      r.status === 0,
      `${tool} runs (the bootstrap guard needs it)`,
      `${r.stdout ?? ""}`.split("\n")[0].trim(),
      `${r.error?.message ?? `exit ${r.status}`} ${r.stderr ?? ""}`.trim(),
    );
  }
  const binds = IPS.flatMap((ip) => [canBind(ip, PORTS.metaClient), canBind(ip, PORTS.metaPeer)]);
  binds.push(...[0, 1, 2].map((i) => canBind("0.0.0.0", PORTS.metaHttp + i)));
  const problems = (await Promise.all(binds)).filter((x): x is string => x !== null);
  proof.expect(
    problems.length === 0,
    `${IPS.join(", ")} usable, etcd ports free on each, HTTP ports free`,
    `${process.env[IN_NETNS] === "1" ? "private network namespace" : "HOST network"}; ports ${PORTS.metaClient}/${PORTS.metaPeer}, http ${PORTS.metaHttp}-${PORTS.metaHttp + 2}`,
    problems.join("; "),
  );
}
