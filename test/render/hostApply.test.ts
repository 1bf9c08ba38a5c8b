/**
 * What changes a running host after its first boot, executed for real where it can run here:
 * the setup script's data-disk growth (real resize2fs on a real ext4 image grown like a resized
 * disk) and authorized_keys step (real files), the node roll gate's wait (real bash against a
 * stand-in `ssh`), and shellcheck over the rendered commands.
 */
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { hostRevision, renderHostSetupScript } from "../../components/render/cloudInit";
import { renderHostApplyCommand } from "../../components/render/hostApply";
import { ClusterSpec } from "../../components/model/types";
import { rocksdbStatic } from "../fixtures/specs";
import { section } from "../helpers/scriptSections";

const DISK = "d-bp1abcdefghij0123456";
const nodeHost = rocksdbStatic.nodes[1].host;
const tmpDirs: string[] = [];
function tmp(): string {
  const d = fs.mkdtempSync(path.join(os.tmpdir(), "hostapply-"));
  tmpDirs.push(d);
  return d;
}
afterAll(() => {
  for (const d of tmpDirs) fs.rmSync(d, { recursive: true, force: true });
});

/** Runs one section of the rendered setup script after its helpers, with `pre` (stubs, variables) first. */
function runSection(spec: ClusterSpec, from: string, to: string, pre: string): { code: number; out: string } {
  const script = renderHostSetupScript(spec, nodeHost, "server", DISK);
  const helpers = script.slice(script.indexOf("log() {"), script.indexOf("STEP=start\n"));
  const r = spawnSync("bash", ["-c", `set -euo pipefail\n${pre}\n${helpers}\n${section(script, from, to)}`], { encoding: "utf8", timeout: 30_000 });
  return { code: r.status ?? -1, out: `${r.stdout}${r.stderr}` };
}

function shellcheck(text: string, shell: "sh" | "bash"): string {
  const r = spawnSync("shellcheck", ["-s", shell, "-"], { input: text, encoding: "utf8" });
  return `${r.stdout}${r.stderr}`;
}

describe("data disk growth (ecs_disk resized online)", () => {
  test("the setup grows the filesystem to the disk: real resize2fs on an ext4 image enlarged like a resized disk", () => {
    const dir = tmp();
    const img = path.join(dir, "disk.img");
    const mk = spawnSync("sh", ["-c", `truncate -s 16M '${img}' && mkfs.ext4 -q -F '${img}' && truncate -s 48M '${img}'`], { encoding: "utf8" });
    expect(mk.status).toBe(0);
    const blocks = () => Number(/Block count:\s+(\d+)/.exec(spawnSync("dumpe2fs", ["-h", img], { encoding: "utf8" }).stdout)![1]);
    const before = blocks();
    // df stands in for the mounted filesystem's report; resize2fs and the image are real.
    const r = runSection(rocksdbStatic, "disk-grow", "ssh-keys", `df() { echo Size; echo 48M; }\nDEVICE='${img}'\nMOUNT=/data\n`);
    expect(r.out).not.toContain("FAILED");
    expect(r.code).toBe(0);
    expect(blocks()).toBe(before * 3);
  });

  test("growth runs after the mount, and a failing resize2fs stops the setup before the ready marker", () => {
    const script = renderHostSetupScript(rocksdbStatic, nodeHost, "server", DISK);
    expect(script.indexOf("STEP=disk-grow")).toBeGreaterThan(script.indexOf("STEP=disk-mount"));
    expect(script.indexOf("STEP=disk-grow")).toBeLessThan(script.indexOf("STEP=ready"));
    const r = runSection(rocksdbStatic, "disk-grow", "ssh-keys", `resize2fs() { return 1; }\nDEVICE=/dev/null\nMOUNT=/data\n`);
    expect(r.code).not.toBe(0);
    expect(r.out).toContain("resize2fs /dev/null failed");
  });
});

describe("authorized keys on running hosts", () => {
  const retiring = "ecdsa-sha2-nistp256 AAAAE2VjZHNhLXNoYTItbmlzdHAyNTYAAAAIbmlzdHAyNTYAAABBBKxSo8zO1O/rdRtygFCjPtLT79VI2REpKOBNosouZEFIbsYJD5bAHz5xBFPr4sr6jdBuwsO4JI86TLCCXGiG7bc=";
  const rotating: ClusterSpec = {
    ...rocksdbStatic,
    access: { ...rocksdbStatic.access, authorizedKeys: [rocksdbStatic.access.sshPublicKey, retiring] },
  };

  function keysAfter(spec: ClusterSpec, existing: string): { code: number; out: string; keys: string } {
    const home = tmp();
    fs.mkdirSync(path.join(home, ".ssh"));
    fs.writeFileSync(path.join(home, ".ssh", "authorized_keys"), existing);
    // Account lookups and ownership are stubbed (no such user here); files and their modes are real.
    const stubs = [
      `getent() { echo "root:x:0:0:root:${home}:/bin/bash"; }`,
      `id() { echo root; }`,
      `chown() { :; }`,
      `install() { mkdir -p "\${@: -1}"; chmod 0700 "\${@: -1}"; }`,
      `SSH_USER=root`,
    ].join("\n");
    const r = runSection(spec, "ssh-keys", "time-sync", stubs);
    const file = path.join(home, ".ssh", "authorized_keys");
    expect((fs.statSync(file).mode & 0o777).toString(8)).toBe("600");
    return { ...r, keys: fs.readFileSync(file, "utf8") };
  }

  test("writes exactly the stack's key, replacing whatever was there (the first-boot key of a retired pair)", () => {
    const r = keysAfter(rocksdbStatic, `${retiring}\nssh-rsa AAAAB3stale old@host\n`);
    expect(r.code).toBe(0);
    expect(r.keys).toBe(`${rocksdbStatic.access.sshPublicKey}\n`);
  });

  test("during a rotation, the new and the retiring key", () => {
    const r = keysAfter(rotating, "");
    expect(r.code).toBe(0);
    expect(r.keys.trim().split("\n")).toEqual([rocksdbStatic.access.sshPublicKey, retiring]);
  });
});

describe("the host apply command", () => {
  const text = renderHostApplyCommand(rocksdbStatic, nodeHost, "server", DISK);

  test("carries the whole current setup script, so any change of it is an update that re-runs it", () => {
    expect(text).toContain(renderHostSetupScript(rocksdbStatic, nodeHost, "server", DISK));
    expect(text).toContain(hostRevision(rocksdbStatic, nodeHost));
    const bigger = { ...nodeHost, dataDisk: { ...nodeHost.dataDisk, sizeGb: nodeHost.dataDisk.sizeGb + 100 } };
    const spec = { ...rocksdbStatic, nodes: rocksdbStatic.nodes.map((n, i) => (i === 1 ? { ...n, host: bigger } : n)) };
    expect(renderHostApplyCommand(spec, bigger, "server", DISK)).not.toBe(text);
  });

  test("passes shellcheck as sh (the login shell runs it), and runs the script with stdin closed", () => {
    expect(shellcheck(text, "sh")).toBe("");
    expect(text).toMatch(/as_root '\/usr\/local\/sbin\/ceresdb-cluster-host-setup\.sh' < \/dev\/null\n$/);
  });
});
