/**
 * cloud-init: structure, plus the two safety-critical parts of the setup script executed for real
 * in bash with the disk tools stubbed: "format only a blank disk" and "bounded wait for the disk".
 */
import YAML from "yaml";
import { spawnSync } from "child_process";
import {
  DISK_WAIT_SECONDS,
  HOST_READY_MARKER,
  HOST_SETUP_SCRIPT,
  LOGROTATE_CONFIG_PATH,
  diskByIdPath,
  renderCloudInit,
  renderHostSetupScript,
} from "../../components/render";
import { kafkaDynamic, rocksdbStatic } from "../fixtures/specs";
import { section } from "../helpers/scriptSections";

const DISK = "d-bp1abcdefghij0123456";
const metaHost = rocksdbStatic.meta[0].host;
const nodeHost = rocksdbStatic.nodes[2].host;

function parseCloudInit(text: string): { write_files: { path: string; content: string; permissions: string }[]; runcmd: string[][] } {
  expect(text.startsWith("#cloud-config\n")).toBe(true);
  return YAML.parse(text.slice("#cloud-config\n".length));
}

/** Runs a script section after the preamble (variables and helpers), with `stubs` defined first. */
function runSection(body: string, stubs: string, vars: string): { code: number; out: string } {
  const script = renderHostSetupScript(rocksdbStatic, metaHost, "meta", DISK);
  const helpers = script.slice(script.indexOf("log() {"), script.indexOf("STEP=start\n"));
  const r = spawnSync("bash", ["-c", `set -euo pipefail\n${stubs}\n${vars}\n${helpers}\n${body}`], {
    encoding: "utf8",
    timeout: 20_000,
  });
  return { code: r.status ?? -1, out: `${r.stdout}${r.stderr}` };
}

describe("renderCloudInit", () => {
  const text = renderCloudInit(rocksdbStatic, metaHost, "meta", DISK);
  const doc = parseCloudInit(text);
  const script = doc.write_files[0].content;

  test("is #cloud-config YAML: writes the setup script and runs it", () => {
    // The setup script, then the logrotate config (test/render/logrotate.test.ts checks it).
    expect(doc.write_files).toHaveLength(2);
    expect(doc.write_files[0]).toMatchObject({ path: HOST_SETUP_SCRIPT, permissions: "0755" });
    expect(doc.write_files[1]).toMatchObject({ path: LOGROTATE_CONFIG_PATH, permissions: "0644" });
    expect(doc.runcmd).toEqual([[HOST_SETUP_SCRIPT]]);
    expect(script).toBe(renderHostSetupScript(rocksdbStatic, metaHost, "meta", DISK));
  });

  test("the script is valid bash", () => {
    const r = spawnSync("bash", ["-n"], { input: script, encoding: "utf8" });
    expect(r.stderr).toBe("");
    expect(r.status).toBe(0);
  });

  test("deterministic", () => {
    expect(renderCloudInit(rocksdbStatic, metaHost, "meta", DISK)).toBe(text);
  });

  test("data disk by Alibaba's virtio serial (ID without d-)", () => {
    expect(diskByIdPath(DISK)).toBe("/dev/disk/by-id/virtio-bp1abcdefghij0123456");
    expect(script).toContain("DEVICE='/dev/disk/by-id/virtio-bp1abcdefghij0123456'");
    expect(() => diskByIdPath("vol-123")).toThrow(/disk ID/);
    expect(() => renderCloudInit(rocksdbStatic, metaHost, "meta", "")).toThrow(/disk ID/);
  });

  test("role data dir on the mounted data disk", () => {
    expect(script).toContain("MOUNT='/data'");
    expect(script).toContain("DATA_DIR='/data/ceresmeta'");
    const server = renderHostSetupScript(rocksdbStatic, nodeHost, "server", DISK);
    expect(server).toContain("DATA_DIR='/data/ceresdb'");
  });

  test("fstab by UUID with nofail,noatime", () => {
    expect(script).toContain('echo "UUID=$uuid $MOUNT ext4 defaults,nofail,noatime 0 2" >> /etc/fstab');
  });

  test("chrony and docker.io installed and enabled; marker only after docker info, as the last step", () => {
    expect(script).toMatch(/apt_install chrony/);
    expect(script).toMatch(/systemctl enable --now chrony/);
    expect(script).toMatch(/apt_install docker\.io/);
    expect(script).toMatch(/systemctl enable --now docker/);
    expect(HOST_READY_MARKER).toBe("/var/lib/ceresdb-cluster/host-ready");
    expect(script).toContain(`MARKER='${HOST_READY_MARKER}'`);
    const dockerInfo = script.indexOf("until docker info");
    const marker = script.indexOf('mv "$MARKER.tmp" "$MARKER"');
    expect(dockerInfo).toBeGreaterThan(0);
    expect(marker).toBeGreaterThan(dockerInfo);
    expect(script.indexOf('rm -f "$MARKER"')).toBeLessThan(script.indexOf("STEP=disk-wait"));
  });

  test("a host of the wrong role or another spec is refused", () => {
    expect(() => renderCloudInit(rocksdbStatic, metaHost, "server", DISK)).toThrow(/not a server host/);
    expect(() => renderCloudInit(kafkaDynamic, { ...metaHost, privateIp: "10.99.0.1" }, "meta", DISK)).toThrow(/not a meta host/);
  });
});

describe("setup script: the tools the gates and the guard run on the host", () => {
  const script = renderHostSetupScript(rocksdbStatic, metaHost, "meta", DISK);
  const tools = section(script, "host-tools", "time-sync");
  // `command -v` answers from this list; apt_install only reports what it would install.
  const stubs = (present: string[]) => `
    command() { if [ "$1" = -v ]; then case " ${present.join(" ")} " in *" $2 "*) return 0;; *) return 1;; esac; fi; builtin command "$@"; }
    apt_install() { echo "INSTALL $*"; }`;

  test("installs curl and python3 when the image lacks them", () => {
    const r = runSection(tools, stubs([]), "STEP=test");
    expect(r.code).toBe(0);
    expect(r.out.match(/^INSTALL .*$/gm)).toEqual(["INSTALL curl", "INSTALL python3"]);
  });

  test("installs nothing when both are there", () => {
    const r = runSection(tools, stubs(["curl", "python3"]), "STEP=test");
    expect(r.code).toBe(0);
    expect(r.out).not.toContain("INSTALL");
  });
});

describe("setup script, executed with stubbed disk tools", () => {
  const script = renderHostSetupScript(rocksdbStatic, metaHost, "meta", DISK);
  const format = section(script, "disk-format", "disk-mount");
  const vars = "DEVICE=/dev/fake-disk; STEP=test";
  const stubs = (probeRc: number, fsType: string) => `
    blkid() { if [ "$1" = "-p" ] && [ "$#" -eq 2 ]; then return ${probeRc}; fi; echo "${fsType}"; }
    mkfs.ext4() { echo "MKFS-CALLED $*"; }`;

  test("blank disk (blkid exit 2): formatted ext4", () => {
    const r = runSection(format, stubs(2, ""), vars);
    expect(r.code).toBe(0);
    expect(r.out).toContain("MKFS-CALLED -q -F -L ceresdata /dev/fake-disk");
  });

  // Every probe outcome but "nothing found" leaves the disk alone, and says why.
  test.each([
    ["existing ext4: kept, never formatted", 0, "ext4", 0, "existing ext4 filesystem"],
    ["foreign signature (xfs): refused, not formatted", 0, "xfs", 1, "refusing to touch it"],
    ["foreign signature (partition table): refused, not formatted", 0, "", 1, "refusing to touch it"],
    ["blkid error (exit 4): refused, not formatted", 4, "", 1, "could not probe"],
  ])("%s", (_name, probeRc, fsType, code, message) => {
    const r = runSection(format, stubs(probeRc, fsType), vars);
    expect(r.code).toBe(code);
    expect(r.out).not.toContain("MKFS-CALLED");
    expect(r.out).toContain(message);
  });

  test("disk wait is bounded and fails with a clear message", () => {
    expect(script).toContain(`DISK_WAIT_SECONDS=${DISK_WAIT_SECONDS}`);
    expect(DISK_WAIT_SECONDS).toBeLessThanOrEqual(900);
    const wait = section(script, "disk-wait", "disk-format");
    const r = runSection(wait, "sleep() { :; }", "DEVICE=/dev/does-not-exist-ceresdb; DISK_WAIT_SECONDS=15; STEP=test");
    expect(r.code).toBe(1);
    expect(r.out).toContain("did not appear within 15 s");
  });
});
