/**
 * The container-to-CLI mapping of the test hosts (dockerArgs.ts) on the containers the stack
 * declares: every declared input becomes its flag, nothing unknown is dropped, and the upload
 * archive is what the provider hands to CopyToContainer (a tar entry at the path, mode 0644).
 * `npm run test:hosts` then compares the created containers with the declared inputs via
 * `docker inspect` on real daemons.
 */
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { containerCalls } from "./dockerArgs";
import { tarOne } from "./deploy";
import { ContainerInputs } from "./plan";

const meta: ContainerInputs = {
  name: "ceresmeta",
  image: "sha256:mock",
  networkMode: "host",
  restart: "unless-stopped",
  mustRun: true,
  destroyGraceSeconds: 120,
  volumes: [{ hostPath: "/data/ceresmeta", containerPath: "/var/lib/ceresmeta" }],
  uploads: [{ file: "/etc/ceresmeta/ceresmeta.toml", content: "node-name = \"meta0\"\n" }],
  labels: [{ label: "ceresdb.role", value: "meta" }],
  healthcheck: { tests: ["CMD-SHELL", "curl -fsS http://127.0.0.1:8080/api/v1/health || exit 1"], interval: "10s", timeout: "5s", startPeriod: "60s", retries: 6 },
  logDriver: "json-file",
  logOpts: { "max-size": "100m", "max-file": "5" },
};

function flag(args: string[], name: string): string[] {
  return args.flatMap((a, i) => (a === name ? [args[i + 1]] : []));
}

describe("containerCalls", () => {
  const c = containerCalls(meta, "sha256:real");

  it("maps every declared input to the flag setting the same API field", () => {
    expect(flag(c.create, "--name")).toEqual(["ceresmeta"]);
    expect(flag(c.create, "--network")).toEqual(["host"]);
    expect(flag(c.create, "--restart")).toEqual(["unless-stopped"]);
    expect(flag(c.create, "--volume")).toEqual(["/data/ceresmeta:/var/lib/ceresmeta:rw"]);
    expect(flag(c.create, "--label")).toEqual(["ceresdb.role=meta"]);
    expect(flag(c.create, "--health-cmd")).toEqual([meta.healthcheck!.tests[1]]);
    expect(flag(c.create, "--health-interval")).toEqual(["10s"]);
    expect(flag(c.create, "--health-timeout")).toEqual(["5s"]);
    expect(flag(c.create, "--health-start-period")).toEqual(["60s"]);
    expect(flag(c.create, "--health-retries")).toEqual(["6"]);
    expect(flag(c.create, "--log-driver")).toEqual(["json-file"]);
    expect(flag(c.create, "--log-opt")).toEqual(["max-size=100m", "max-file=5"]);
    expect(c.create[c.create.length - 1]).toBe("sha256:real");
    expect(c.uploads).toEqual(meta.uploads);
    expect(c.stopSeconds).toBe(120);
  });

  it("defaults restart to the provider's default `no`", () => {
    expect(flag(containerCalls({ name: "x", image: "i" }, "i").create, "--restart")).toEqual(["no"]);
  });

  it("maps one advanced network with a fixed IP to --network and --ip", () => {
    const n = containerCalls({ name: "x", image: "i", networksAdvanced: [{ name: "net", ipv4Address: "10.10.0.10" }] }, "i").create;
    expect(flag(n, "--network")).toEqual(["net"]);
    expect(flag(n, "--ip")).toEqual(["10.10.0.10"]);
    expect(() => containerCalls({ ...meta, networksAdvanced: [{ name: "net" }] }, "i")).toThrow(/together/);
  });

  it("refuses an input it does not map instead of dropping it", () => {
    expect(() => containerCalls({ ...meta, privileged: true } as unknown as ContainerInputs, "i")).toThrow(/not mapped.*privileged/);
    expect(() => containerCalls({ ...meta, volumes: [{ containerPath: "/x" }] }, "i")).toThrow(/without hostPath/);
    expect(() => containerCalls({ ...meta, healthcheck: { tests: ["CMD", "curl", "x"] } }, "i")).toThrow(/no docker CLI form/);
  });

  it("builds an upload archive tar reads back: the file at its path, mode 0644, the exact content", () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "tarone-"));
    try {
      const content = "a = 1\n# ünïcode\n".repeat(100);
      fs.writeFileSync(path.join(dir, "u.tar"), tarOne("/etc/ceresmeta/ceresmeta.toml", content));
      const list = spawnSync("tar", ["-tvf", path.join(dir, "u.tar")], { encoding: "utf8" });
      expect(list.status).toBe(0);
      expect(list.stdout).toMatch(/^-rw-r--r-- 0\/0 .* etc\/ceresmeta\/ceresmeta.toml\n$/);
      const x = spawnSync("tar", ["-xf", path.join(dir, "u.tar"), "-C", dir], { encoding: "utf8" });
      expect(x.status).toBe(0);
      expect(fs.readFileSync(path.join(dir, "etc/ceresmeta/ceresmeta.toml"), "utf8")).toBe(content);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
