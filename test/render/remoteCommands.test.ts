/**
 * The remote commands' text: values enter only as quoted words (the one quoting helper), the
 * trigger line changes with its values and can never run one, and templates and values match.
 */
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { fillScript, RenderError, shQuote } from "../../components/render/common";
import { renderGateHealthy, renderGateRunning, renderHostReadyCheck, withTriggerLine } from "../../components/render/remoteCommands";
import { renderServiceProbe } from "../../components/render/rollGate";
import { rocksdbStatic } from "../fixtures/specs";

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "remote-commands-"));
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));
const pwned = path.join(tmp, "pwned");
const NASTY = [`it's`, `a\nb`, `$(touch ${pwned})`, "`touch " + pwned + "`", `'; touch ${pwned}; '`, `\\'`, "", "*", `"$HOME"`];

test("shQuote: every value comes back unchanged from sh, nothing is expanded or run", () => {
  for (const v of NASTY) {
    const r = spawnSync("sh", ["-c", `printf %s ${shQuote(v)}`], { encoding: "utf8", cwd: tmp });
    expect(r.stdout).toBe(v);
  }
  expect(fs.existsSync(pwned)).toBe(false);
});

test("the trigger line follows the shebang, holds every value sorted by name, and runs none", () => {
  const script = renderGateRunning("ceresmeta", "rev-1", 1);
  const values = Object.fromEntries(NASTY.map((v, i) => [`V${i}`, v]));
  const triggered = withTriggerLine(script, { ...values, A_FIRST: "x" });
  const lines = triggered.split("\n");
  expect(lines[0]).toBe("#!/bin/sh");
  expect(lines[1]).toMatch(/^: re-run when these change: A_FIRST='x' V0='it'\\''s' V1='a$/);
  expect(triggered.slice(triggered.indexOf("\n", triggered.indexOf("V8=")) + 1)).toBe(script.slice("#!/bin/sh\n".length));
  // Executed, the trigger line is a no-op: the script behaves as without it (the container does not
  // exist here, so both fail the same way) and nothing was run.
  const bare = spawnSync("sh", ["-c", script], { encoding: "utf8", cwd: tmp, timeout: 20_000 });
  const withLine = spawnSync("sh", ["-c", triggered], { encoding: "utf8", cwd: tmp, timeout: 20_000 });
  expect(withLine.status).toBe(bare.status);
  expect(fs.existsSync(pwned)).toBe(false);
  expect(withTriggerLine(script, { A: "1" })).not.toBe(withTriggerLine(script, { A: "2" }));
  expect(() => withTriggerLine(script, { "bad name": "x" })).toThrow(RenderError);
});

test("templates and values must match: a missing or an unused value is a renderer bug", () => {
  expect(() => fillScript("host-ready.sh", { assign: { HOST: "meta-0", WAIT_SECONDS: "1" } })).toThrow(/no value for \$MARKER/);
  expect(() => fillScript("host-ready.sh", { assign: { HOST: "meta-0", MARKER: "/m", WAIT_SECONDS: "1", EXTRA: "x" } })).toThrow(/no placeholder for EXTRA/);
  const probe = renderServiceProbe(rocksdbStatic, "server");
  for (const s of [renderHostReadyCheck("meta-0"), renderGateRunning("ceresmeta", "rev"), renderGateHealthy("ceresdb", probe, 600, "rev"), probe]) {
    expect(s).not.toMatch(/@[A-Z][A-Z0-9_]*@/);
  }
  expect(probe).toContain("HEALTH_URL='http://127.0.0.1:5440/'");
  expect(renderGateHealthy("ceresdb", probe, 600, "rev")).toContain(shQuote(probe));
});
