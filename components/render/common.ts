/**
 * Helpers shared by the pure renderers. Nothing here imports Pulumi: every function maps plain
 * spec data to plain strings so renders can be snapshotted and diffed offline.
 */
import { readFileSync } from "fs";
import { isIP } from "net";
import { dirname, resolve } from "path";
import * as TOML from "@iarna/toml";
import { ClusterSpec, MetaMemberSpec } from "../model/types";

/** Options every renderer accepts. The defaults are the production behaviour. */
export interface RenderOptions {
  /**
   * Accept loopback addresses (127.0.0.0/8, ::1) as host IPs. ONLY for local proofs that run
   * several members on one machine (test/meta); a loopback address in a real cluster
   * would make every member advertise itself as "this host" and break the cluster.
   */
  allowLoopback?: boolean;
}

/** Error raised when a spec cannot be rendered; `path` names the offending spec field. */
export class RenderError extends Error {
  constructor(
    public readonly path: string,
    reason: string,
  ) {
    super(`${path}: ${reason}`);
    this.name = "RenderError";
  }
}

function isLoopback(ip: string): boolean {
  return ip === "::1" || /^127\./.test(ip);
}

function isUnspecified(ip: string): boolean {
  return ip === "0.0.0.0" || ip === "::" || /^0+(\.0+){3}$/.test(ip);
}

/**
 * Checks that `ip` is an address other hosts can reach: a literal IP (no scheme, no port), never
 * the unspecified address, and never loopback unless the caller opted in for a local proof.
 */
export function assertRoutableIp(ip: string, path: string, opts: RenderOptions = {}): string {
  if (isIP(ip) === 0) {
    throw new RenderError(path, `"${ip}" is not a literal IP address (no scheme, no port)`);
  }
  if (isUnspecified(ip)) {
    throw new RenderError(path, `"${ip}" is the unspecified address; peers cannot reach it`);
  }
  if (isLoopback(ip) && !opts.allowLoopback) {
    throw new RenderError(path, `"${ip}" is a loopback address; other hosts cannot reach it`);
  }
  return ip;
}

/** `host:port`, bracketing IPv6 literals. */
export function hostPort(ip: string, port: number): string {
  return isIP(ip) === 6 ? `[${ip}]:${port}` : `${ip}:${port}`;
}

export function assertPort(port: number, path: string): number {
  if (!Number.isInteger(port) || port < 1 || port > 65535) {
    throw new RenderError(path, `${port} is not a TCP port`);
  }
  return port;
}

/**
 * The meta members in index order, after checking the list is one a cluster can be built from:
 * non-empty, unique indexes, names and IPs. Every renderer that lists members uses this, so
 * the order (and thus `initial-cluster`, `server_addrs`, `meta_addr`) is identical everywhere.
 */
export function orderedMetaMembers(spec: ClusterSpec, opts: RenderOptions = {}): MetaMemberSpec[] {
  if (spec.meta.length === 0) {
    throw new RenderError("meta", "at least one CeresMeta member is required");
  }
  const members = [...spec.meta].sort((a, b) => a.index - b.index);
  const seen = { index: new Set<number>(), name: new Set<string>(), ip: new Set<string>() };
  members.forEach((m, i) => {
    const path = `meta[${i}]`;
    if (seen.index.has(m.index)) throw new RenderError(`${path}.index`, `duplicate index ${m.index}`);
    if (!/^[A-Za-z0-9][A-Za-z0-9_-]*$/.test(m.memberName)) {
      // The name is embedded in `initial-cluster` (`name=url,...`): `=` or `,` would corrupt it.
      throw new RenderError(`${path}.memberName`, `"${m.memberName}" must be [A-Za-z0-9_-]+`);
    }
    if (seen.name.has(m.memberName)) {
      throw new RenderError(`${path}.memberName`, `duplicate member name "${m.memberName}"`);
    }
    assertRoutableIp(m.host.privateIp, `${path}.host.privateIp`, opts);
    if (seen.ip.has(m.host.privateIp)) {
      throw new RenderError(`${path}.host.privateIp`, `duplicate IP ${m.host.privateIp}`);
    }
    seen.index.add(m.index);
    seen.name.add(m.memberName);
    seen.ip.add(m.host.privateIp);
  });
  return members;
}

/**
 * A `#`-comment block. TOML has comments but @iarna/toml cannot emit them, so each file gets a
 * header that says where it came from and explains the non-obvious values.
 */
export function commentBlock(lines: string[]): string {
  // A value with a newline in a line stays inside the comment.
  return lines.flatMap((l) => l.split("\n")).map((l) => (l === "" ? "#" : `# ${l}`)).join("\n") + "\n";
}

/**
 * TOML text of `doc`. @iarna/toml writes integers with digit separators (`8_080`); valid TOML
 * 1.0, but it defeats `grep port = 8080` on a host and older parsers, so they are removed. Only
 * bare integer values are touched: strings are always quoted and keep their underscores.
 */
export function stringifyToml(doc: TOML.JsonMap): string {
  return TOML.stringify(doc).replace(/^(\s*[A-Za-z0-9_-]+ = )(-?\d{1,3}(?:_\d{3})+)$/gm, (_m, lhs: string, n: string) =>
    lhs + n.replace(/_/g, ""),
  );
}

/** Characters that never need quoting in a POSIX shell word (no `~`: a leading one expands). */
const SAFE_WORD = /^[A-Za-z0-9_@%+=:,./-]+$/;

/**
 * `value` as one POSIX shell word: single-quoted, so nothing in it is ever expanded by the shell.
 * The one quoting helper of the repository: every value that enters a rendered script (host
 * setup, readiness, gates, guard, roll gate) or a command line we write goes through it.
 * `if-needed` leaves a word of SAFE_WORD characters bare, for command lines people read
 * (`ssh -o ProxyCommand=...`, the documented `pulumi config set` commands).
 */
export function shQuote(value: string, when: "always" | "if-needed" = "always"): string {
  if (when === "if-needed" && SAFE_WORD.test(value)) return value;
  return `'${value.replace(/'/g, `'\\''`)}'`;
}

function readTemplate(file: string): string {
  let template = templates.get(file);
  if (template === undefined) {
    template = readFileSync(resolve(__dirname, "scripts", file), "utf8");
    templates.set(file, template);
  }
  return template;
}

/** The template with its `@include:FILE@` lines replaced by the shared parts. */
function withIncludes(file: string, seen: Set<string>): string {
  if (seen.has(file)) throw new RenderError(`scripts/${file}`, "includes itself");
  return readTemplate(file).replace(/^@include:([A-Za-z0-9._-]+)@\n/gm, (_m, part: string) =>
    withIncludes(resolve(dirname(resolve(__dirname, "scripts", file)), part), new Set([...seen, file])).replace(/^#![^\n]*\n/, ""),
  );
}

/** What fillScript puts in for a placeholder. */
export type ScriptValue = string | number | readonly string[];

/** What fillScript assigns: one shell word (a list would need an array, which `sh` lacks). */
export type AssignedValue = string | number;

/** The values of one script: the variables of its `@assign@` line, and its placeholders. */
export interface ScriptValues {
  /** One `NAME='value'` line each, written where the template's `@assign@` line is, in this order. */
  assign?: Readonly<Record<string, AssignedValue>>;
  /** The placeholders in the template's text: `@NAME@`, `@word:NAME@`, `@heredoc:NAME@`. */
  fill?: Readonly<Record<string, ScriptValue>>;
}

const templates = new Map<string, string>();

/** The line of a template that fillScript replaces by the variables the caller assigns. */
const ASSIGN_LINE = "@assign@";
/** A shell variable name as the scripts write them (also never an integer-like key, see fillScript). */
const VARIABLE_NAME = /^[A-Z][A-Z0-9_]*$/;

/** `value` as the right-hand side of an assignment: quoted (shQuote), an integer bare. */
function assignedWord(where: string, name: string, value: AssignedValue): string {
  if (typeof value === "number") {
    if (!Number.isInteger(value)) throw new RenderError(where, `${name}: ${value} is not an integer`);
    return String(value);
  }
  if (typeof value !== "string") throw new RenderError(where, `${name} must be one string or integer, got ${JSON.stringify(value)}`);
  return shQuote(value);
}

/** Variables a script reads from its shell, never from fillScript. */
const SHELL_VARIABLES = new Set(["SECONDS", "RANDOM", "LINENO", "HOME", "PATH", "PWD", "IFS", "UID", "EUID"]);

/**
 * The upper-case variables the template's code reads (`$NAME`, `${NAME...}`; comment lines aside)
 * and does not assign itself (`NAME=...`, `export NAME=...`; `NAME="$NAME" cmd` passes a value on,
 * it does not make one; `NAME="${NAME:-x}"` does): what the caller must assign.
 */
function readsOf(template: string): string[] {
  const code = template
    .split("\n")
    .filter((l) => !/^\s*#/.test(l))
    .join("\n");
  const read = new Set([...code.matchAll(/\$\{?#?([A-Z][A-Z0-9_]*)/g)].map((m) => m[1]));
  const assignsItself = (name: string) =>
    new RegExp(`(?:^|[\\s;&|(])(?:export\\s+|local\\s+|readonly\\s+)?${name}=(?!"?\\$\\{?${name}\\}?"?(?:\\s|$))`, "m").test(code);
  return [...read].filter((n) => !SHELL_VARIABLES.has(n) && !assignsItself(n)).sort();
}

/**
 * The lines of the `@assign@` block. A quoted value holding `$` or a backquote (a script another
 * shell runs, say) gets shellcheck's SC2016 ("expressions don't expand in single quotes") switched
 * off for its line only: single quotes are the point there, nothing in a value ever expands.
 */
function assignmentLines(where: string, assign: Readonly<Record<string, AssignedValue>>): string[] {
  return Object.entries(assign).flatMap(([name, value]) => {
    if (!VARIABLE_NAME.test(name)) throw new RenderError(where, `cannot assign "${name}": names are [A-Z][A-Z0-9_]*`);
    const word = assignedWord(where, name, value);
    const line = `${name}=${word}`;
    return /[$`]/.test(word) ? ["# shellcheck disable=SC2016 # a value quoted by fillScript: nothing in it expands here", line] : [line];
  });
}

/**
 * A shell script under `components/render/scripts/`, with its placeholders filled:
 * - a line `@assign@`: one `NAME=value` line per entry of `values.assign`, in the order the caller
 *   lists them (an object's insertion order; the names are upper-case words, never integer-like
 *   keys, which JavaScript would move first), so the call reads like the block it writes. The
 *   value is one quoted word (shQuote), an integer bare. The template's code uses `"$NAME"`.
 * - `@NAME@`: the value of `values.fill` as one quoted word (shQuote); a list as quoted words
 *   separated by spaces (for `set --` or an argument list); an integer bare (it cannot hold a
 *   shell character).
 * - `@word:NAME@`: the value bare, which must then be made of SAFE_WORD characters only (a path or
 *   URL inside a double-quoted message or a remote command line); anything else throws.
 * - a line `@heredoc:NAME@`: the value's lines, verbatim, as the whole body of the quoted
 *   here-document (`<<'END'`) around it; a value holding the end line throws.
 * - a line `@include:FILE@`: the shared part FILE (beside `file`), without its shebang, filled
 *   from the same values.
 * No placeholder may sit on a comment line (a value with a newline would turn into code there).
 * The files are real scripts, checked by shellcheck as rendered (test/render/shellcheck.test.ts);
 * a placeholder without a value, a value without a placeholder (assignments without an
 * `@assign@` line, or an `@assign@` line without them), or a name both assigned and filled, is a
 * renderer bug and throws.
 */
export function fillScript(file: string, values: ScriptValues): string {
  const template = withIncludes(file, new Set());
  const where = `scripts/${file}`;
  const fill = values.fill ?? {};
  const assign = values.assign ?? {};
  const both = Object.keys(assign).filter((k) => k in fill);
  if (both.length > 0) throw new RenderError(where, `${both.join(", ")} both assigned and filled`);
  const used = new Set<string>();
  const valueOf = (name: string): ScriptValue => {
    if (!(name in fill)) throw new RenderError(where, `no value for @${name}@`);
    used.add(name);
    return fill[name];
  };
  let assigned = false;
  const lines = template.split("\n");
  const out: string[] = [];
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i];
    if (line === ASSIGN_LINE) {
      if (assigned) throw new RenderError(where, `more than one ${ASSIGN_LINE} line`);
      if (Object.keys(assign).length === 0) throw new RenderError(where, `no assignments for its ${ASSIGN_LINE} line`);
      assigned = true;
      out.push(...assignmentLines(where, assign));
      continue;
    }
    const heredoc = /^@heredoc:([A-Z][A-Z0-9_]*)@$/.exec(line);
    if (heredoc) {
      const open = /<<'([A-Za-z_][A-Za-z0-9_]*)'$/.exec(lines[i - 1] ?? "");
      if (!open || lines[i + 1] !== open[1]) throw new RenderError(where, `@heredoc:${heredoc[1]}@ must be the only line of a quoted here-document`);
      const body = valueOf(heredoc[1]);
      if (typeof body !== "string") throw new RenderError(where, `@heredoc:${heredoc[1]}@ takes a string`);
      const bodyLines = body.endsWith("\n") ? body.slice(0, -1) : body;
      if (bodyLines.split("\n").includes(open[1])) throw new RenderError(where, `the value of @heredoc:${heredoc[1]}@ contains the here-document end ${open[1]}`);
      out.push(bodyLines);
      continue;
    }
    if (/^\s*#/.test(line) && /@(word:)?[A-Z][A-Z0-9_]*@/.test(line)) throw new RenderError(where, `placeholder on a comment line: ${line.trim()}`);
    out.push(
      line.replace(/@(word:)?([A-Z][A-Z0-9_]*)@/g, (_m, bare: string | undefined, name: string) => {
        const v = valueOf(name);
        if (bare) {
          const text = String(v);
          if (typeof v === "object" || !SAFE_WORD.test(text)) throw new RenderError(where, `@word:${name}@ must be one word of [A-Za-z0-9_@%+=:,./-], got ${JSON.stringify(v)}`);
          return text;
        }
        if (typeof v === "number") {
          if (!Number.isInteger(v)) throw new RenderError(where, `@${name}@: ${v} is not an integer`);
          return String(v);
        }
        return typeof v === "string" ? shQuote(v) : v.map((w) => shQuote(w)).join(" ");
      }),
    );
  }
  if (!assigned && Object.keys(assign).length > 0) throw new RenderError(where, `no ${ASSIGN_LINE} line for ${Object.keys(assign).join(", ")}`);
  const missing = readsOf(template).filter((n) => !(n in assign));
  if (missing.length > 0) throw new RenderError(where, `no value for ${missing.map((n) => `$${n}`).join(", ")}, which the script reads`);
  if (assigned) {
    const unread = Object.keys(assign).filter((n) => !new RegExp(`\\b${n}\\b`).test(template.replace(ASSIGN_LINE, "")));
    if (unread.length > 0) throw new RenderError(where, `no placeholder for ${unread.join(", ")}: the script never uses them`);
  }
  const unused = Object.keys(fill).filter((k) => !used.has(k));
  if (unused.length > 0) throw new RenderError(where, `no placeholder for ${unused.join(", ")}`);
  return out.join("\n");
}

/**
 * `script` with a `#` comment block right after its shebang: a rendered script's own header (what it
 * is for, which host), written by the renderer so the template stays free of values in comments.
 */
export function withHeader(script: string, lines: string[]): string {
  const shebang = /^#![^\n]*\n/.exec(script);
  if (!shebang) throw new RenderError("script", "a script with a header needs a shebang");
  return shebang[0] + commentBlock(lines) + script.slice(shebang[0].length);
}
