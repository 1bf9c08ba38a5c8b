/**
 * Stack settings the way the Pulumi CLI would hand them to the program: `Pulumi.yaml` defaults,
 * then `Pulumi.<stack>.yaml` values, then overrides. Encrypted (`secure:`) values cannot be
 * decrypted offline, so each becomes a placeholder `<secret ceresdb:name>` unless the caller
 * supplies a value.
 */
import * as fs from "fs";
import * as path from "path";

import YAML from "yaml";
import { SETTINGS, SettingName } from "../../../components/model/settings";

export interface StackFileConfig {
  /** Pulumi project name (`name:` of Pulumi.yaml). */
  project: string;
  /** Full keys (`ceresdb:metaCount`) to string values, as `pulumi.runtime.setAllConfig` wants them. */
  config: Record<string, string>;
  /**
   * Full keys whose value is secret. A key Pulumi.yaml declares `secret: true` that the stack file
   * holds in plain text is not among them, so the program refuses it, as the CLI does.
   */
  secretKeys: string[];
  /** The values standing in for secrets (placeholders or the caller's `secretValues`), by full key. */
  secretValues: Record<string, string>;
  /**
   * Declared secret keys the stack file does not set and that got a placeholder (or supplied
   * value), or an empty value for a secret the program uses only with another setting.
   */
  filledSecrets: string[];
}

export interface LoadSettingsOptions {
  projectDir: string;
  stack: string;
  overrides?: Record<string, string>;
  secretValues?: Record<string, string>;
  /**
   * Give keys declared `secret: true` in Pulumi.yaml that the stack file does not set a
   * placeholder (default true): checked-in stack files often lack the per-stack secrets.
   */
  fillDeclaredSecrets?: boolean;
}

/** The placeholder an encrypted setting becomes when no value is supplied. */
export function secretPlaceholder(key: string): string {
  return `<secret ${key}>`;
}

type Obj = Record<string, unknown>;

function isObj(v: unknown): v is Obj {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

function readYaml(file: string): Obj {
  const text = fs.readFileSync(file, "utf8");
  const doc: unknown = YAML.parse(text);
  if (doc === undefined || doc === null) return {};
  if (!isObj(doc)) throw new Error(`${file}: expected a YAML mapping at the top level`);
  return doc;
}

function fullKey(project: string, key: string): string {
  if (!key.includes(":")) return `${project}:${key}`;
  // `project:config:key` is the long form of `project:key`.
  const parts = key.split(":");
  return parts.length === 3 && parts[1] === "config" ? `${parts[0]}:${parts[2]}` : key;
}

/** Pulumi hands every non-string value to the program as JSON. */
function toConfigString(v: unknown): string {
  return typeof v === "string" ? v : JSON.stringify(v);
}

/** Whether a YAML value is (or contains) an encrypted `{secure: ...}` value. */
function isSecure(v: unknown): boolean {
  return isObj(v) && Object.keys(v).length === 1 && typeof v.secure === "string";
}

function containsSecure(v: unknown): boolean {
  if (isSecure(v)) return true;
  if (Array.isArray(v)) return v.some(containsSecure);
  if (isObj(v)) return Object.values(v).some(containsSecure);
  return false;
}

/** Replace nested `{secure: ...}` values inside an object/list setting with `replacement(path)`. */
function replaceSecure(v: unknown, replacement: (p: string) => string, p: string): unknown {
  if (isSecure(v)) return replacement(p);
  if (Array.isArray(v)) return v.map((x, i) => replaceSecure(x, replacement, `${p}[${i}]`));
  if (isObj(v)) return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, replaceSecure(x, replacement, `${p}.${k}`)]));
  return v;
}

/** Whether this project's settings table marks the key a secret used only with another setting. */
function usedOnlyWith(project: string, key: string): boolean {
  const prefix = `${project}:`;
  if (!key.startsWith(prefix)) return false;
  const decl = (SETTINGS as Record<string, { usedOnlyWith?: string }>)[key.slice(prefix.length) as SettingName];
  return decl?.usedOnlyWith !== undefined;
}

export function stackFile(projectDir: string, stack: string): string {
  return path.join(projectDir, `Pulumi.${stack}.yaml`);
}

/** Stacks with a checked-in `Pulumi.<stack>.yaml` in `projectDir`, sorted. */
export function listStacks(projectDir: string): string[] {
  return fs
    .readdirSync(projectDir)
    .map((f) => /^Pulumi\.(.+)\.yaml$/.exec(f)?.[1])
    .filter((s): s is string => s !== undefined)
    .sort();
}

export function loadStackFileConfig(opts: LoadSettingsOptions): StackFileConfig {
  const projectFile = path.join(opts.projectDir, "Pulumi.yaml");
  const projectDoc = readYaml(projectFile);
  const project = typeof projectDoc.name === "string" ? projectDoc.name : "project";
  const config: Record<string, string> = {};
  const secret = new Set<string>();
  const supplied: Record<string, string> = {};
  for (const [k, v] of Object.entries(opts.secretValues ?? {})) supplied[fullKey(project, k)] = v;
  const secretValues: Record<string, string> = {};
  const secretFor = (key: string): string => {
    const v = supplied[key] ?? secretPlaceholder(key);
    secretValues[key] = v;
    return v;
  };

  // 1. Pulumi.yaml `config:` block: `default` (or a project-level `value`), `secret: true`.
  const declared = isObj(projectDoc.config) ? projectDoc.config : {};
  const declaredSecret = new Set<string>();
  for (const [k, decl] of Object.entries(declared)) {
    const key = fullKey(project, k);
    if (isObj(decl)) {
      const v = decl.value !== undefined ? decl.value : decl.default;
      if (v !== undefined) config[key] = toConfigString(v);
      if (decl.secret === true) {
        secret.add(key);
        declaredSecret.add(key);
      }
    } else if (decl !== undefined && decl !== null) {
      config[key] = toConfigString(decl);
    }
  }

  // 2. Pulumi.<stack>.yaml `config:` map.
  const file = stackFile(opts.projectDir, opts.stack);
  if (!fs.existsSync(file)) throw new Error(`no stack file ${file}`);
  const stackDoc = readYaml(file);
  const values = isObj(stackDoc.config) ? stackDoc.config : {};
  const fromStackFile = new Set<string>();
  const plainSecrets = new Set<string>();
  for (const [k, v] of Object.entries(values)) {
    const key = fullKey(project, k);
    fromStackFile.add(key);
    if (isSecure(v)) {
      config[key] = secretFor(key);
      secret.add(key);
    } else if (containsSecure(v)) {
      // Structured value with encrypted leaves: the whole setting is secret.
      secret.add(key);
      config[key] = toConfigString(replaceSecure(v, (p) => secretFor(`${key}${p}`), ""));
      if (declaredSecret.has(key)) plainSecrets.add(key);
    } else if (v !== null && v !== undefined) {
      config[key] = toConfigString(v);
      // The CLI refuses a `secret: true` key whose stack value is not encrypted (a structured
      // value with encrypted leaves included): validateStackConfigValue,
      // sdk/go/common/workspace/config.go at v3.248.0. Not secret here, so the program refuses it.
      if (declaredSecret.has(key)) plainSecrets.add(key);
    }
  }
  for (const key of plainSecrets) secret.delete(key);

  // Secrets the stack file lacks: supplied values (over a project default, which for optional
  // secrets is the empty "unset"), then placeholders for declared secrets.
  const filledSecrets: string[] = [];
  for (const key of Object.keys(supplied)) {
    if (!fromStackFile.has(key)) {
      config[key] = secretFor(key);
      secret.add(key);
      filledSecrets.push(key);
    }
  }
  if (opts.fillDeclaredSecrets ?? true) {
    for (const key of secret) {
      if (config[key] === undefined) {
        // A secret used only with another setting stands for the empty secret a stack sets when
        // it does not use it; a placeholder would make the program believe it is in use.
        config[key] = usedOnlyWith(project, key) ? "" : secretFor(key);
        filledSecrets.push(key);
      }
    }
  }

  // 3. Overrides (plain values; a key that was secret stays secret).
  for (const [k, v] of Object.entries(opts.overrides ?? {})) {
    const key = fullKey(project, k);
    config[key] = v;
    if (secret.has(key)) secretValues[key] = v;
  }
  // A key declared secret but given in plain text is still a secret value to redact.
  for (const key of [...secret, ...plainSecrets]) {
    if (secretValues[key] === undefined && config[key] !== undefined && config[key] !== "") secretValues[key] = config[key];
  }
  return { project, config, secretKeys: [...secret].sort(), secretValues, filledSecrets: filledSecrets.sort() };
}
