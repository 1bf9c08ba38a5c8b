/**
 * The real Pulumi CLI reads our Pulumi.yaml and every checked-in stack file the way the offline
 * plan does: same keys, same values after the project defaults are applied, same secrets, and the
 * same required settings. The CLI is built from source by `.ci/build-tools.sh pulumi`.
 *
 *   npm run test:stack-config
 *
 * Each stack file is copied with Pulumi.yaml into a temporary project with a file:// backend (the
 * CLI rewrites stack files it touches; the checkout is never used). Prints "N passed, N failed".
 *
 * The CLI validates a stack's values against Pulumi.yaml's types and `secret: true` only before
 * it runs a program (`pulumi preview`/`up`: ValidateStackConfigAndApplyProjectConfig,
 * sdk/go/common/workspace/config.go at v3.248.0; `pulumi config` only applies defaults). We build
 * no language host, so `pulumi preview` stops right after that validation, at loading the nodejs
 * plugin: getting that far is the CLI accepting the config.
 *
 * Beyond the checked-in stacks: every setting's documented example, set the documented way, is
 * accepted by the CLI and by the program (buildSpec over what the CLI stored); a secret in plain
 * text is refused by both; an undeclared key is ignored by the CLI and refused by the program;
 * and the old `rejoinMetaMembers` declaration shows why the README's member replacement failed.
 */
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import YAML from "yaml";
import { splitConfig } from "../../components/config/stackConfig";
import { buildSpec } from "../../components/model/buildSpec";
import { formatProblem } from "../../components/model/problems";
import { qualified, SETTINGS, SETTING_NAMES, SettingDecl } from "../../components/model/settings";
import { listStacks, loadStackFileConfig, REPO_ROOT } from "../../tools/plan/offline";
import { exampleCommands } from "../../tools/docs/settingsReference";
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
function project(tmp: string, name: string, stack: string, stackDoc: string, projectYaml?: string) {
  const dir = path.join(tmp, name);
  fs.mkdirSync(path.join(dir, "state"), { recursive: true });
  if (projectYaml === undefined) fs.copyFileSync(path.join(REPO_ROOT, "Pulumi.yaml"), path.join(dir, "Pulumi.yaml"));
  else fs.writeFileSync(path.join(dir, "Pulumi.yaml"), projectYaml);
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

/** Secrets the program uses only with another setting: every stack sets them, empty when unused. */
const UNUSED_SECRETS = SETTING_NAMES.filter((n) => (SETTINGS[n] as SettingDecl).usedOnlyWith !== undefined).map(qualified);

function setSecrets(dir: string, env: NodeJS.ProcessEnv, stack: string): string[] {
  const failed: string[] = [];
  const r = pulumi(dir, env, ["config", "set", "--secret", "--stack", stack, "ceresdb:sshPrivateKey"], KEY);
  if (r.code !== 0) failed.push(`ceresdb:sshPrivateKey: ${r.err.trim()}`);
  for (const key of UNUSED_SECRETS) {
    const e = pulumi(dir, env, ["config", "set", "--secret", "--stack", stack, key, ""]);
    if (e.code !== 0) failed.push(`${key}: ${e.err.trim()}`);
  }
  return failed;
}

/**
 * The CLI's verdict on the stack's config: undefined when it accepts it (the preview gets past
 * config validation and stops at the missing nodejs language host), else its error.
 */
function cliRefusal(dir: string, env: NodeJS.ProcessEnv, stack: string): string | undefined {
  const r = pulumi(dir, env, ["preview", "--non-interactive", "--stack", stack]);
  const text = `${r.out}\n${r.err}`;
  if (/failed to load language plugin nodejs/.test(text)) return undefined;
  const line = text.split("\n").find((l) => /^error:/.test(l.trim()));
  return (line ?? text).trim() || `exit ${r.code}`;
}

/** buildSpec over what the CLI stored, read the way the program reads it (splitConfig). */
function programVerdict(values: Record<string, { value?: string; secret: boolean }>, stack: string) {
  const all = Object.fromEntries(Object.entries(values).map(([k, v]) => [k, String(v.value ?? "")]));
  const split = splitConfig(all, (k) => values[k]?.secret === true);
  return buildSpec({
    project: "ceresdb",
    stack,
    region: all["alicloud:region"],
    values: split.values,
    secretsSet: new Set(split.secretNames),
    plaintextSecrets: split.plaintextSecrets,
    undeclaredSettings: split.undeclaredSettings,
    now: new Date(),
  });
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

/** Every setting's example, set as the README shows it, on a stack that starts with only the region. */
function examples(tmp: string): void {
  const missing = SETTING_NAMES.filter((n) => (SETTINGS[n] as SettingDecl).example === undefined);
  check(`every setting has a documented example (${SETTING_NAMES.length - missing.length}/${SETTING_NAMES.length})`, missing.length === 0, missing.join(", "));
  const stack = "examples";
  const { dir, env } = project(tmp, "examples", stack, "config:\n  alicloud:region: cn-hangzhou\n");
  const failed: string[] = [];
  let commands = 0;
  for (const name of SETTING_NAMES) {
    for (const c of exampleCommands(name)) {
      commands++;
      // The documented `< file` is a test key here; the CLI reads it from stdin the same way.
      const r = pulumi(dir, env, [...c.args, "--stack", stack], c.stdinFile ? KEY : undefined);
      if (r.code !== 0) failed.push(`pulumi ${c.args.join(" ")}: ${r.err.trim()}`);
    }
  }
  check(`the CLI takes each documented example command (${commands} commands)`, failed.length === 0, failed.join("; "));
  const refusal = cliRefusal(dir, env, stack);
  check("the CLI's validation (pulumi preview) accepts every example together", refusal === undefined, refusal);
  const stored = cliConfig(dir, env, stack);
  if (!stored.values) {
    check("pulumi config reads the examples back", false, stored.error);
    return;
  }
  const built = programVerdict(stored.values, stack);
  check("the program (buildSpec over what the CLI stored) accepts every example together", built.ok, built.ok ? "" : built.problems.map(formatProblem).join("; "));
  const unset = SETTING_NAMES.map(qualified).filter((k) => !(k in stored.values!));
  check("every setting was set by its example", unset.length === 0, unset.join(", "));
  // The offline plan reads the stack file the CLI wrote to the same values.
  const offline = loadStackFileConfig({ projectDir: dir, stack, secretValues: Object.fromEntries(Object.entries(stored.values).filter(([, v]) => v.secret).map(([k, v]) => [k, String(v.value)])) });
  const differ = Object.keys(stored.values).filter((k) => !sameValue(String(stored.values![k].value ?? ""), offline.config[k] ?? "<absent>"));
  check("the offline plan reads the CLI-written examples to the same values", differ.length === 0, differ.join(", "));
}

/** Each secret stored in plain text: refused by the CLI, and by the plan in the same way. */
function plainTextSecrets(tmp: string): void {
  const secretNames = SETTING_NAMES.filter((n) => (SETTINGS[n] as SettingDecl).secret);
  const devText = fs.readFileSync(path.join(REPO_ROOT, "Pulumi.dev.yaml"), "utf8");
  for (const name of secretNames) {
    const key = qualified(name);
    const stack = `plain${name.toLowerCase()}`;
    const { dir, env } = project(tmp, stack, stack, devText);
    setSecrets(dir, env, stack);
    // The documented way minus --secret: the mistake the declaration exists to catch.
    const plain = pulumi(dir, env, ["config", "set", "--stack", stack, key, "plain-text-value"]);
    const refusal = cliRefusal(dir, env, stack);
    check(
      `${key} in plain text: the CLI refuses it`,
      plain.code === 0 && refusal !== undefined && refusal.includes(`configuration key '${key}' must be encrypted`),
      plain.code === 0 ? (refusal ?? "accepted") : plain.err.trim(),
    );
    const offline = loadStackFileConfig({ projectDir: dir, stack });
    const split = splitConfig(offline.config, (k) => offline.secretKeys.includes(k));
    check(`${key} in plain text: the plan refuses it too`, split.plaintextSecrets.includes(name), `plaintext: [${split.plaintextSecrets}]`);
  }
}

/** A typo: the CLI stores it and validates nothing about it; the program refuses it by name. */
function undeclaredKey(tmp: string): void {
  const stack = "typo";
  const { dir, env } = project(tmp, stack, stack, fs.readFileSync(path.join(REPO_ROOT, "Pulumi.dev.yaml"), "utf8"));
  setSecrets(dir, env, stack);
  pulumi(dir, env, ["config", "set", "--stack", stack, "ceresdb:nodeCont", "5"]);
  const refusal = cliRefusal(dir, env, stack);
  check("an undeclared ceresdb:nodeCont is silently accepted by the CLI (why the program must refuse it)", refusal === undefined, refusal);
  const stored = cliConfig(dir, env, stack);
  const built = stored.values ? programVerdict(stored.values, stack) : undefined;
  const says = built && !built.ok ? built.problems.map(formatProblem).join("; ") : "accepted";
  check("the program refuses ceresdb:nodeCont, naming ceresdb:nodeCount", /ceresdb:nodeCont: .*did you mean ceresdb:nodeCount\?/.test(says), says);
}

/**
 * The README's member replacement, `pulumi config set --path 'ceresdb:rejoinMetaMembers[0]' K`:
 * `--path` stores K as a YAML integer. Declared array<string> (before), the CLI refused that and
 * accepted only strings (`--type string`), which the program then refused (it took numbers only).
 * Declared array<integer>, the CLI takes the documented command; the program takes numbers and,
 * like the CLI's array<integer>, integer strings.
 */
function rejoinMetaMembers(tmp: string): void {
  const devText = fs.readFileSync(path.join(REPO_ROOT, "Pulumi.dev.yaml"), "utf8");
  const current = fs.readFileSync(path.join(REPO_ROOT, "Pulumi.yaml"), "utf8");
  const asStrings = current.replace(/( {2}ceresdb:rejoinMetaMembers:\n {4}type: array\n {4}items:\n {6}type: )integer/, "$1string");
  check("the old declaration is reconstructed (items: string)", asStrings !== current, "");
  const cases: [string, string | undefined, string[], boolean, boolean][] = [
    // name, Pulumi.yaml, extra `config set` flags, CLI accepts, program accepts
    ["declared array<string>, the README's command", asStrings, [], false, true],
    ["declared array<string>, with --type string", asStrings, ["--type", "string"], true, true],
    ["declared array<integer>, the README's command", undefined, [], true, true],
  ];
  cases.forEach(([what, yaml, flags, cliOk, programOk], i) => {
    const stack = `rejoin${i}`;
    const { dir, env } = project(tmp, stack, stack, devText, yaml);
    setSecrets(dir, env, stack);
    const set = pulumi(dir, env, ["config", "set", "--stack", stack, "--path", "ceresdb:rejoinMetaMembers[0]", "1", ...flags]);
    const refusal = cliRefusal(dir, env, stack);
    check(`rejoinMetaMembers ${what}: the CLI ${cliOk ? "accepts" : "refuses"} it`, set.code === 0 && (refusal === undefined) === cliOk, refusal ?? "accepted");
    const stored = cliConfig(dir, env, stack);
    const built = stored.values ? programVerdict(stored.values, stack) : undefined;
    const rejoining = built?.ok ? built.spec.meta.filter((m) => m.initialClusterState === "existing").map((m) => m.index) : [];
    const said = built && !built.ok ? built.problems.map(formatProblem).join("; ") : `rejoining ${JSON.stringify(rejoining)}`;
    check(`rejoinMetaMembers ${what}: the program ${programOk ? "accepts" : "refuses"} it`, programOk ? JSON.stringify(rejoining) === "[1]" : built?.ok === false, said);
  });
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
      check(`${stack}: the CLI requires the ceresdb:sshPrivateKey secret`, "error" in before && /missing configuration values? .*'ceresdb:sshPrivateKey'/.test(before.error ?? ""), "error" in before ? before.error : "accepted");
      check(
        `${stack}: the CLI requires every secret, the unused ones too (${UNUSED_SECRETS.length})`,
        "error" in before && UNUSED_SECRETS.every((k) => (before.error ?? "").includes(`'${k}'`)),
        "error" in before ? before.error : "accepted",
      );

      const set = setSecrets(dir, env, stack);
      check(`${stack}: pulumi config set --secret ceresdb:sshPrivateKey, and "" for the unused secrets`, set.length === 0, set.join("; "));
      const refusal = cliRefusal(dir, env, stack);
      check(`${stack}: the CLI's validation (pulumi preview) accepts the stack`, refusal === undefined, refusal);
      const after = cliConfig(dir, env, stack);
      if (!("values" in after) || !after.values) {
        check(`${stack}: the CLI accepts the stack with its secret set`, false, after.error);
        continue;
      }
      const cli = after.values;
      const offline = loadStackFileConfig({ projectDir: REPO_ROOT, stack, secretValues: { "ceresdb:sshPrivateKey": KEY } });
      const keys = (o: object) => Object.keys(o).filter((k) => /^(ceresdb|alicloud):/.test(k)).sort();
      const missing = keys(offline.config).filter((k) => !(k in cli));
      const extra = keys(cli).filter((k) => !(k in offline.config));
      check(`${stack}: same settings, project defaults included (${keys(cli).length})`, missing.length === 0 && extra.length === 0, `offline only: [${missing}], CLI only: [${extra}]`);
      const differ = keys(cli).filter((k) => k in offline.config && !sameValue(String(cli[k].value ?? ""), offline.config[k]));
      check(`${stack}: same values`, differ.length === 0, differ.map((k) => `${k}: CLI ${cli[k].value} / offline ${offline.config[k]}`).join("; "));
      const cliSecrets = keys(cli).filter((k) => cli[k].secret);
      check(`${stack}: same secrets`, JSON.stringify(cliSecrets) === JSON.stringify(offline.secretKeys.filter((k) => /^(ceresdb|alicloud):/.test(k)).sort()), `CLI ${cliSecrets}, offline ${offline.secretKeys}`);
      const built = programVerdict(cli, stack);
      check(`${stack}: the program accepts what the CLI stored`, built.ok, built.ok ? "" : built.problems.map(formatProblem).join("; "));
    }

    examples(tmp);
    plainTextSecrets(tmp);
    undeclaredKey(tmp);
    rejoinMetaMembers(tmp);

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
