/**
 * The Automation API path of `npm run status -- <stack>` (LocalWorkspace.selectStack +
 * stack.outputs()) with the real Pulumi CLI (.cache/bin/pulumi, v3.248.0) on a file:// backend in a
 * temp dir: the stack's outputs are put in its state with `pulumi stack import` (no program runs:
 * there is no language host here), exactly where `pulumi up` leaves them (the root
 * `pulumi:pulumi:Stack` resource's outputs).
 */
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as net from "net";
import * as os from "os";
import * as path from "path";
import { main } from "../../tools/status/cli";

const CLI_DIR = path.join(__dirname, "../../.cache/bin");
// The real CLI is built by `npm run test:stack-config` (bash .ci/build-tools.sh pulumi), which then
// runs this file with REQUIRE_PULUMI_CLI=1; a plain `npm test` on a machine without it skips it.
const hasCli = fs.existsSync(path.join(CLI_DIR, "pulumi"));
if (!hasCli && !process.env.REQUIRE_PULUMI_CLI) console.warn("status: .cache/bin/pulumi not built: the Automation API test is skipped (npm run test:stack-config runs it)");
const realCliTest = hasCli || process.env.REQUIRE_PULUMI_CLI ? test : test.skip;

realCliTest("outputs of a real stack through the Automation API; a missing stack is one line, exit 2", async () => {
  expect(fs.existsSync(path.join(CLI_DIR, "pulumi"))).toBe(true);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "status-auto-"));
  const saved = { ...process.env };
  const srv = net.createServer();
  await new Promise<void>((r) => srv.listen(0, "127.0.0.1", r));
  const port = (srv.address() as net.AddressInfo).port;
  await new Promise((r) => srv.close(r));
  const dead = `http://127.0.0.1:${port}`;
  const outputs = {
    version: "v1.2.7",
    metaEndpoints: [dead, dead, dead],
    metaHttpEndpoints: [dead, dead, dead],
    adminHttpEndpoints: [dead],
    grpcEndpoints: ["127.0.0.1:8831"],
    clusterBootstrap: { clusterName: "defaultCluster" },
  };
  const err: string[] = [];
  const out = jest.spyOn(process.stdout, "write").mockImplementation(() => true);
  const e = jest.spyOn(process.stderr, "write").mockImplementation((s) => (err.push(String(s)), true));
  try {
    Object.assign(process.env, {
      PATH: `${CLI_DIR}:${process.env.PATH ?? ""}`,
      PULUMI_BACKEND_URL: `file://${dir}/state`,
      PULUMI_CONFIG_PASSPHRASE: "status-test-only",
      PULUMI_HOME: path.join(dir, "home"),
      PULUMI_SKIP_UPDATE_CHECK: "1",
    });
    fs.mkdirSync(path.join(dir, "state"));
    fs.writeFileSync(path.join(dir, "Pulumi.yaml"), "name: statusproof\nruntime: nodejs\n");
    const deployment = {
      version: 3,
      deployment: {
        manifest: { time: "2026-12-02T00:00:00Z", magic: "", version: "" },
        resources: [{ urn: "urn:pulumi:dev::statusproof::pulumi:pulumi:Stack::statusproof-dev", custom: false, type: "pulumi:pulumi:Stack", outputs }],
      },
    };
    fs.writeFileSync(path.join(dir, "dep.json"), JSON.stringify(deployment));
    for (const args of [["stack", "init", "dev", "--non-interactive"], ["stack", "import", "--file", "dep.json", "--stack", "dev"]]) {
      const r = spawnSync("pulumi", args, { cwd: dir, env: process.env, encoding: "utf8", timeout: 30_000 });
      expect(`${args[1]}: ${r.status}`).toBe(`${args[1]}: 0`);
    }
    expect(await main(["dev", "--cwd", dir, "--timeout-ms", "1000"])).toBe(1);
    // 3 members x 5 questions + 1 node: the outputs came through the Automation API.
    expect(err).toEqual(["status: nothing answered (16 requests to 3 members and 1 nodes, 1000 ms each); is the network path open (bastion: --proxy)?\n"]);
    err.length = 0;
    expect(await main(["nosuch", "--cwd", dir])).toBe(2);
    expect(err).toHaveLength(1);
    expect(err[0]).toMatch(/^status: cannot read the outputs of stack nosuch: error: .*nosuch.*\n$/);
  } finally {
    out.mockRestore();
    e.mockRestore();
    process.env = saved;
    fs.rmSync(dir, { recursive: true, force: true });
  }
}, 60_000);
