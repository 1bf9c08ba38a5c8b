/**
 * Log rotation for the files CeresDB and CeresMeta write on the data disks and never rotate:
 * - CeresDB's tracing file `<[tracing] dir>/<prefix>`, opened by tracing-appender with
 *   `Rotation::NEVER` (apache/horaedb src/setup.rs v1.2.2..v1.2.6, src/ceresdb/src/setup.rs v1.2.7);
 * - CeresMeta's `<data-dir>/etcd.log` (apache/incubator-horaedb-meta server/config/config.go,
 *   `defaultEtcdLogFile`, v1.2.2..v1.2.7).
 * The rendered config is run through the real logrotate (Debian's, as on Ubuntu hosts): parsed
 * with `-d`, then rotated for real in a temp dir while a writer keeps the file open in append mode.
 */
import * as TOML from "@iarna/toml";
import YAML from "yaml";
import { spawnSync } from "child_process";
import { mkdtempSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from "fs";
import { tmpdir, userInfo } from "os";
import { dirname, join } from "path";
import {
  LOGROTATE_CONFIG_PATH,
  renderCeresDbToml,
  renderCeresMetaToml,
  renderCloudInit,
  renderLogrotate,
  rotatedLogFiles,
} from "../../components/render";
import { META_PATHS, SERVER_PATHS } from "../../components/model/paths";
import { ALL_FIXTURES, fakeSecrets, rocksdbStatic } from "../fixtures/specs";
import { findTool, testWithTool } from "../helpers/realTool";

const DISK = "d-bp1abcdefghij0123456";
const ROLES = ["meta", "server"] as const;

const LOGROTATE = findTool(["/usr/sbin/logrotate", "/usr/bin/logrotate", "/sbin/logrotate"]);
// Under CI the real logrotate must be there (.ci/run installs it): a missing tool fails, never skips.
const realTest = testWithTool(LOGROTATE);

/** Container path -> host path through the data bind mount of the role. */
function onHost(role: "meta" | "server", inContainer: string): string {
  const p = role === "meta" ? META_PATHS : SERVER_PATHS;
  expect(inContainer.startsWith(`${p.dataInContainer}/`)).toBe(true);
  return p.dataOnHost + inContainer.slice(p.dataInContainer.length);
}

describe("cloud-init ships the logrotate config", () => {
  test.each(ROLES)("%s host: a root-owned 0644 file in /etc/logrotate.d, the setup script untouched", (role) => {
    const host = role === "meta" ? rocksdbStatic.meta[0].host : rocksdbStatic.nodes[0].host;
    const doc = YAML.parse(renderCloudInit(rocksdbStatic, host, role, DISK).slice("#cloud-config\n".length)) as {
      write_files: { path: string; permissions: string; owner: string; content: string }[];
    };
    const entry = doc.write_files.find((f) => f.path === LOGROTATE_CONFIG_PATH);
    expect(entry).toMatchObject({ permissions: "0644", owner: "root:root", content: renderLogrotate(role) });
    expect(LOGROTATE_CONFIG_PATH.startsWith("/etc/logrotate.d/")).toBe(true);
  });

  test.each(Object.entries(ALL_FIXTURES))("%s: the rotated files are the ones the rendered configs write", (_n, spec) => {
    const d = TOML.parse(renderCeresDbToml(spec, spec.nodes[0], fakeSecrets)) as { tracing: { dir: string; prefix: string } };
    expect(rotatedLogFiles("server")).toEqual([onHost("server", `${d.tracing.dir}/${d.tracing.prefix}`)]);
    const m = TOML.parse(renderCeresMetaToml(spec, spec.meta[0])) as { "data-dir": string };
    // etcd's log is data-dir + "/etcd.log", by plain concatenation.
    expect(rotatedLogFiles("meta")).toEqual([onHost("meta", `${m["data-dir"]}/etcd.log`)]);
  });

  test.each(ROLES)("%s: copytruncate (the process keeps the file open), bounded retention", (role) => {
    const text = renderLogrotate(role);
    for (const d of ["copytruncate", "rotate 7", "maxsize 1G", "compress", "missingok", "daily"]) {
      expect(text).toMatch(new RegExp(`^\\s+${d}$`, "m"));
    }
  });
});

describe("the real logrotate on the rendered config", () => {
  let root = "";
  beforeEach(() => {
    root = mkdtempSync(join(tmpdir(), "logrotate-"));
  });
  afterEach(() => rmSync(root, { recursive: true, force: true }));

  /** The rendered config with every absolute log path moved under the temp root. */
  function stage(role: "meta" | "server", asUser: boolean): { conf: string; files: string[] } {
    let text = renderLogrotate(role);
    const files = rotatedLogFiles(role).map((f) => join(root, f));
    for (const f of rotatedLogFiles(role)) text = text.split(f).join(join(root, f));
    if (asUser && process.getuid?.() !== 0) {
      const group = spawnSync("id", ["-gn"], { encoding: "utf8" }).stdout.trim();
      text = text.replace("su root root", `su ${userInfo().username} ${group}`);
    }
    const conf = join(root, "ceresdb-cluster.conf");
    writeFileSync(conf, text, { mode: 0o644 });
    for (const f of files) mkdirSync(dirname(f), { recursive: true, mode: 0o755 });
    return { conf, files };
  }
  const run = (args: string[]) => {
    if (!LOGROTATE) throw new Error("logrotate is not installed (CI=true: .ci/run installs it; locally: apt-get install logrotate)");
    return spawnSync(LOGROTATE, args, { encoding: "utf8", timeout: 20_000 });
  };

  realTest.each(ROLES)("%s: parses without error and plans copy + truncate (-d -f)", (role) => {
    const { conf, files } = stage(role, false);
    for (const f of files) writeFileSync(f, "line\n".repeat(1000));
    const r = run(["-d", "-f", "-s", join(root, "state"), conf]);
    const out = `${r.stdout}${r.stderr}`;
    expect(r.status).toBe(0);
    expect(out).not.toMatch(/^error:/m);
    for (const f of files) {
      expect(out).toContain(`rotating pattern: ${f}`);
      expect(out).toMatch(new RegExp(`copying ${f} to ${f}\\.1`));
      expect(out).toMatch(new RegExp(`truncating ${f}`));
    }
  });

  realTest.each(ROLES)("%s: rotates for real while a writer appends; keeps 7 compressed copies", (role) => {
    const { conf, files } = stage(role, true);
    const [file] = files;
    // The writer keeps one fd open in append mode, as tracing-appender and etcd's zap sink do.
    const script = `
      set -euo pipefail
      exec 3>>"$1"
      for i in $(seq 1 9); do
        printf 'before-%s\\n' "$i" >&3
        "$2" -f -s "$3" "$4"
      done
      printf 'after\\n' >&3
      exec 3>&-`;
    const r = spawnSync("bash", ["-c", script, "writer", file, LOGROTATE ?? "logrotate", join(root, "state"), conf], {
      encoding: "utf8",
      timeout: 60_000,
    });
    expect(`${r.stdout}${r.stderr}`).not.toMatch(/error/);
    expect(r.status).toBe(0);
    // Truncated in place: the writer's next append lands at the start, with no hole before it.
    expect(readFileSync(file, "utf8")).toBe("after\n");
    const rotated = readdirSync(dirname(file)).filter((n) => n.startsWith(`${file.split("/").pop()}.`)).sort();
    expect(rotated).toEqual([1, 2, 3, 4, 5, 6, 7].map((i) => `${file.split("/").pop()}.${i}.gz`));
    const newest = spawnSync("gzip", ["-dc", join(dirname(file), rotated[0])], { encoding: "utf8" });
    expect(newest.stdout).toBe("before-9\n");
  });
});
