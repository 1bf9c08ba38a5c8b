/**
 * The real Pulumi CLI reads our Pulumi.yaml and every checked-in stack file the way the offline
 * plan does: same keys, same values after the project defaults are applied, same secrets, and the
 * same required settings. The CLI is built from source by `.ci/build-tools.sh pulumi`.
 *
 *   npm run test:stack-config
 *
 * Each stack file is copied with Pulumi.yaml into a temporary project with a file:// backend (the
 * CLI rewrites stack files it touches; the checkout is never used). Prints "N passed, N failed".
 */
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import YAML from "yaml";
import { listStacks, loadStackSettings, REPO_ROOT } from "../../tools/offline";
import { CheckList } from "../helpers/checkList";

const CLI = path.join(REPO_ROOT, ".cache", "bin", "pulumi");
const KEY = "-----BEGIN OPENSSH PRIVATE KEY-----\nstack-config-test-only\n-----END OPENSSH PRIVATE KEY-----";

const checks = new CheckList();
const check = checks.check.bind(checks);

function pulumi(dir: string, env: NodeJS.ProcessEnv, args: string[], input?: string) {
  const r = spawnSync(CLI, args, { cwd: dir, env, input, encoding: "utf8", timeout: 60_000 });
  return { code: r.status, out: r.stdout ?? "", err: `${r.stderr ?? ""}${r.error ? String(r.error) : ""}` };
}

/** A project dir holding Pulumi.yaml and one stack file, with its own backend and Pulumi home. */
function project(tmp: string, name: string, stack: string, stackDoc: string) {
  const dir = path.join(tmp, name);
  fs.mkdirSync(path.join(dir, "state"), { recursive: true });
  fs.copyFileSync(path.join(REPO_ROOT, "Pulumi.yaml"), path.join(dir, "Pulumi.yaml"));
  fs.writeFileSync(path.join(dir, `Pulumi.${stack}.yaml`), stackDoc);
  const env = {
    PATH: process.env.PATH,
    HOME: dir,
    PULUMI_HOME: path.join(dir, "home"),
    PULUMI_BACKEND_URL: `file://${path.join(dir, "state")}`,
    PULUMI_CONFIG_PASSPHRASE: "stack-config-test",
    PULUMI_SKIP_UPDATE_CHECK: "true",
  };
  const init = pulumi(dir, env, ["stack", "init", stack, "--non-interactive"]);
  if (init.code !== 0) throw new Error(`pulumi stack init ${stack}: ${init.err}`);
  return { dir, env };
}

/** `pulumi config --json --show-secrets` as key -> {value, secret}. */
function cliConfig(dir: string, env: NodeJS.ProcessEnv, stack: string) {
  const r = pulumi(dir, env, ["config", "--stack", stack, "--json", "--show-secrets"]);
  if (r.code !== 0) return { error: r.err.trim() };
  return { values: JSON.parse(r.out) as Record<string, { value?: string; objectValue?: unknown; secret: boolean }> };
}

/** Equal as Pulumi hands them to a program: strings as they are, structured values as JSON. */
function sameValue(a: string, b: string): boolean {
  if (a === b) return true;
  try {
    return JSON.stringify(sortKeys(JSON.parse(a))) === JSON.stringify(sortKeys(JSON.parse(b)));
  } catch {
    return false;
  }
}
function sortKeys(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(sortKeys);
  if (v && typeof v === "object") return Object.fromEntries(Object.entries(v).sort(([x], [y]) => x.localeCompare(y)).map(([k, x]) => [k, sortKeys(x)]));
  return v;
}

function main(): number {
  if (!fs.existsSync(CLI)) throw new Error(`no Pulumi CLI at ${CLI}: run \`bash .ci/build-tools.sh pulumi\` first`);
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "stack-config-"));
  try {
    const stacks = listStacks(REPO_ROOT);
    check("there are checked-in stacks", stacks.length > 0, stacks.join(", "));
    for (const stack of stacks) {
      const text = fs.readFileSync(path.join(REPO_ROOT, `Pulumi.${stack}.yaml`), "utf8");
      const { dir, env } = project(tmp, stack, stack, text);

      const before = cliConfig(dir, env, stack);
      check(`${stack}: the CLI requires the ceresdb:sshPrivateKey secret`, "error" in before && /missing configuration value 'ceresdb:sshPrivateKey'/.test(before.error ?? ""), "error" in before ? before.error : "accepted");

      const set = pulumi(dir, env, ["config", "set", "--secret", "--stack", stack, "ceresdb:sshPrivateKey"], KEY);
      check(`${stack}: pulumi config set --secret ceresdb:sshPrivateKey`, set.code === 0, set.err.trim());
      const after = cliConfig(dir, env, stack);
      if (!("values" in after) || !after.values) {
        check(`${stack}: the CLI accepts the stack with its secret set`, false, after.error);
        continue;
      }
      const cli = after.values;
      const offline = loadStackSettings({ projectDir: REPO_ROOT, stack, secretValues: { "ceresdb:sshPrivateKey": KEY } });
      const keys = (o: object) => Object.keys(o).filter((k) => /^(ceresdb|alicloud):/.test(k)).sort();
      const missing = keys(offline.config).filter((k) => !(k in cli));
      const extra = keys(cli).filter((k) => !(k in offline.config));
      check(`${stack}: same settings, project defaults included (${keys(cli).length})`, missing.length === 0 && extra.length === 0, `offline only: [${missing}], CLI only: [${extra}]`);
      const differ = keys(cli).filter((k) => k in offline.config && !sameValue(String(cli[k].value ?? ""), offline.config[k]));
      check(`${stack}: same values`, differ.length === 0, differ.map((k) => `${k}: CLI ${cli[k].value} / offline ${offline.config[k]}`).join("; "));
      const cliSecrets = keys(cli).filter((k) => cli[k].secret);
      check(`${stack}: same secrets`, JSON.stringify(cliSecrets) === JSON.stringify(offline.secretKeys.filter((k) => /^(ceresdb|alicloud):/.test(k)).sort()), `CLI ${cliSecrets}, offline ${offline.secretKeys}`);
    }

    // A stack without a required setting is refused by the CLI, naming it.
    const dev = YAML.parse(fs.readFileSync(path.join(REPO_ROOT, "Pulumi.dev.yaml"), "utf8")) as { config: Record<string, unknown> };
    delete dev.config["ceresdb:zones"];
    const { dir, env } = project(tmp, "no-zones", "nozones", YAML.stringify(dev));
    pulumi(dir, env, ["config", "set", "--secret", "--stack", "nozones", "ceresdb:sshPrivateKey"], KEY);
    const refused = cliConfig(dir, env, "nozones");
    check("a stack without ceresdb:zones is refused by the CLI, naming it", "error" in refused && /ceresdb:zones/.test(refused.error ?? ""), "error" in refused ? refused.error : "accepted");
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
  console.log(checks.summary());
  return checks.ok ? 0 : 1;
}

try {
  process.exitCode = main();
} catch (e) {
  console.error(e instanceof Error ? e.message : e);
  checks.fail();
  console.log(checks.summary());
  process.exitCode = 1;
}
