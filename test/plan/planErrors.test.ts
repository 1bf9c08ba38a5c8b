/**
 * The plan's own errors (issue 9, defect 10): a wrong --project, --out or --baseline gets one line
 * saying what is wrong and what to do, exit code 1, and nothing written; never a raw system error
 * (`ENOENT: no such file or directory, open ...`).
 */
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { REPO_ROOT } from "../../tools/plan/offline";
import { main } from "../../tools/plan/cli";

let tmp: string;
beforeAll(() => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), "plan-errors-"));
  fs.chmodSync(tmp, 0o755); // mkdtemp makes it 0700; the unprivileged run must reach inside
  fs.mkdirSync(path.join(tmp, "empty"));
  fs.mkdirSync(path.join(tmp, "not-a-render", "dev"), { recursive: true });
  fs.writeFileSync(path.join(tmp, "not-a-render", "dev", "notes.txt"), "not a plan\n");
  fs.writeFileSync(path.join(tmp, "a-file"), "x\n");
});
afterAll(() => {
  fs.rmSync(tmp, { recursive: true, force: true });
});

/** A raw Node system error as fs prints it: `ENOENT: no such file or directory, open '/x'`. */
const RAW = /\b(ENOENT|EPERM|EACCES|EEXIST|ENOTDIR|EISDIR|EROFS): [a-z ]+, [a-z]+ '/;

async function run(argv: string[]): Promise<{ code: number; stderr: string }> {
  const errors: string[] = [];
  const spy = jest.spyOn(process.stderr, "write").mockImplementation((chunk: string | Uint8Array) => {
    errors.push(String(chunk));
    return true;
  });
  try {
    return { code: await main(argv), stderr: errors.join("") };
  } finally {
    spy.mockRestore();
  }
}

function expectOneLine(r: { code: number; stderr: string }, says: RegExp): void {
  expect(r.code).toBe(1);
  expect(r.stderr).not.toMatch(RAW);
  expect(r.stderr.trimEnd().split("\n")).toHaveLength(1);
  expect(r.stderr).toMatch(says);
}

const out = () => path.join(tmp, "out");

test("a project directory without Pulumi.yaml", async () => {
  const r = await run(["dev", "--project", path.join(tmp, "empty"), "--out", out()]);
  expectOneLine(r, /no Pulumi\.yaml in .*empty: run from the project directory or pass --project DIR/);
});

test("a stack with no stack file names the stacks there", async () => {
  const r = await run(["nosuchstack", "--out", out()]);
  expectOneLine(r, /no stack file .*Pulumi\.nosuchstack\.yaml: stacks here are dev, prod, staging/);
});

test("--out at a file", async () => {
  const r = await run(["dev", "--out", path.join(tmp, "a-file")]);
  expectOneLine(r, /--out .*a-file is a file, not a directory: pass a directory/);
});

test("--out under a file (not a directory on the way)", async () => {
  const r = await run(["dev", "--out", path.join(tmp, "a-file", "sub")]);
  expectOneLine(r, /cannot be created: .*a-file is a file, not a directory; pass another --out/);
});

test("--baseline at a file", async () => {
  const r = await run(["dev", "--out", out(), "--baseline", path.join(tmp, "a-file")]);
  expectOneLine(r, /--baseline .*a-file is a file, not a directory: pass the --out directory of an earlier/);
});

test("--baseline at a directory that is not a render fails instead of comparing with nothing", async () => {
  const r = await run(["dev", "--out", out(), "--baseline", path.join(tmp, "not-a-render")]);
  expectOneLine(r, /is not a plan render \(no resources\.tsv in .*not-a-render.dev\)/);
  expect(fs.existsSync(out())).toBe(false);
});

test("--baseline that does not exist", async () => {
  const r = await run(["dev", "--out", out(), "--baseline", path.join(tmp, "missing")]);
  expectOneLine(r, /--baseline .*missing does not exist/);
});

test("--out in a directory the user cannot write (a real EACCES, as an unprivileged user)", () => {
  const locked = path.join(tmp, "locked");
  fs.mkdirSync(locked);
  fs.chmodSync(locked, 0o555);
  // root may write anywhere, so as root the CLI runs as nobody (the repository and tmp are
  // world-readable); as anyone else the mode alone refuses the write.
  const asRoot = process.getuid?.() === 0;
  const node = [process.execPath, "--import", "tsx", path.join(REPO_ROOT, "tools/plan/cli.ts"), "dev", "--out", path.join(locked, "plan")];
  const cmd = asRoot ? ["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups", ...node] : node;
  const r = spawnSync(cmd[0], cmd.slice(1), { cwd: REPO_ROOT, encoding: "utf8", timeout: 60_000, env: { ...process.env, HOME: tmp } });
  expectOneLine({ code: r.status ?? -1, stderr: r.stderr }, /--out .*locked.plan is not writable \(EACCES on .*locked\): pass a directory you can write/);
  expect(fs.readdirSync(locked)).toEqual([]);
});
