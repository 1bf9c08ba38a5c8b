/**
 * What every area validator shares: a reader that parses raw setting strings by their declared
 * type and checks them against their declaration in settings.ts (choices, min, max, odd), and a
 * collector for the area's problems and warnings. Pure.
 */
import { parseCidr } from "../../topology/addressing";
import { SettingProblem } from "../problems";
import { orList, qualified, SETTINGS, SettingDecl, SettingName } from "../settings";

/** What buildSpec reads: the raw settings, with secrets reduced to "is it set". */
export interface SettingsInput {
  project: string;
  stack: string;
  region?: string;
  values: Partial<Record<SettingName, string>>;
  secretsSet: ReadonlySet<SettingName>;
  /** Secret settings stored in plain text in the stack file. Default: none. */
  plaintextSecrets?: readonly SettingName[];
  /** Keys of the stack in the `ceresdb:` namespace that are no declared setting. Default: none. */
  undeclaredSettings?: readonly string[];
  /** The time to compare `expiresAt` with (the program passes the clock). Default: no expiry warning. */
  now?: Date;
}

/** What an area validator returns besides its slice. */
export interface AreaFindings {
  problems: SettingProblem[];
  warnings: string[];
}

/** One area's problems and warnings, and the reader that records into them. */
export class Findings implements AreaFindings {
  readonly problems: SettingProblem[] = [];
  readonly warnings: string[] = [];
  readonly r: Reader;

  constructor(values: Partial<Record<SettingName, string>>) {
    this.r = new Reader(values, this.problems);
  }

  /** Records a problem of `name` (a setting of the table, or an already qualified key such as alicloud:region). */
  problem(name: SettingName | string, given: string | undefined, allowed: string): void {
    this.problems.push({ setting: name.includes(":") ? name : qualified(name as SettingName), given, allowed });
  }

  warn(text: string): void {
    this.warnings.push(text);
  }

  /** The findings alone, to return next to the slice. */
  get findings(): AreaFindings {
    return { problems: this.problems, warnings: this.warnings };
  }
}


/** The choices a setting declares, as a union type. */
export type ChoiceOf<N extends SettingName> = (typeof SETTINGS)[N] extends { choices: readonly (infer C)[] } ? C : string;

/** "list" or "map" when the text is a JSON array or object, the form Pulumi gives structured values. */
function jsonShape(text: string): "list" | "map" | undefined {
  const t = text.trim();
  if (!t.startsWith("[") && !t.startsWith("{")) return undefined;
  try {
    const v: unknown = JSON.parse(t);
    return Array.isArray(v) ? "list" : v !== null && typeof v === "object" ? "map" : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Parses raw setting strings by declared type, falling back to the declared default, and records
 * a problem (with the setting's name and the raw text) whenever a value cannot be used.
 */
export class Reader {
  constructor(
    private readonly values: Partial<Record<SettingName, string>>,
    private readonly problems: SettingProblem[],
  ) {}

  has(name: SettingName): boolean {
    return this.values[name] !== undefined;
  }

  raw(name: SettingName): string | undefined {
    return this.values[name];
  }

  private fail(name: SettingName, given: string | undefined, allowed: string): undefined {
    this.problems.push({ setting: qualified(name), given, allowed });
    return undefined;
  }

  private decl(name: SettingName): SettingDecl {
    return SETTINGS[name];
  }

  private fallback(name: SettingName): unknown {
    return this.decl(name).default;
  }

  optionalString(name: SettingName): string | undefined {
    const v = this.values[name];
    if (v === undefined) return this.fallback(name) as string | undefined;
    if (v.trim() === "") return this.fail(name, v, "a non-empty value, or leave it unset");
    // Pulumi hands a list or map to the program as JSON text, so a stack file giving a list where
    // a string belongs arrives here looking like a string (the CLI refuses it only at preview).
    // The default stands in after the refusal, so checks downstream do not report it twice.
    const shape = jsonShape(v);
    if (shape !== undefined) return this.fail(name, v, `a single string, not a ${shape}`) ?? (this.fallback(name) as string | undefined);
    return v;
  }

  string(name: SettingName): string {
    return this.optionalString(name) ?? "";
  }

  pattern(name: SettingName, re: RegExp, allowed: string): string {
    const v = this.string(name);
    if (!re.test(v)) this.fail(name, v, allowed);
    return v;
  }

  /** A setting with `choices`: one of them, else a problem naming them. */
  oneOf<N extends SettingName>(name: N): ChoiceOf<N> | undefined {
    const options = this.decl(name).choices ?? [];
    const v = this.string(name);
    if (options.includes(v)) return v as ChoiceOf<N>;
    return this.fail(name, v, `one of ${options.join(", ")}`);
  }

  /**
   * An integer setting within its declared `min` and `max`. One declared `odd` that is even is
   * refused too, but still returned, so checks that depend on it still run.
   */
  integer(name: SettingName): number | undefined {
    const { min, max, odd } = this.decl(name);
    if (min === undefined || max === undefined) throw new Error(`${qualified(name)} declares no min and max in settings.ts`);
    const raw = this.values[name];
    const v = raw === undefined ? (this.fallback(name) as number) : /^-?\d+$/.test(raw.trim()) ? Number(raw) : NaN;
    if (!Number.isInteger(v)) return this.fail(name, raw, `a whole number from ${min} to ${max}`);
    if (v < min || v > max) return this.fail(name, raw, `a whole number from ${min} to ${max}`);
    if (odd !== undefined && v % 2 === 0) {
      const odds = Array.from({ length: max - min + 1 }, (_, i) => min + i).filter((n) => n % 2 !== 0);
      this.fail(name, String(v), `an odd number (${orList(odds)}): ${odd}`);
    }
    return v;
  }

  boolean(name: SettingName): boolean {
    const raw = this.values[name];
    if (raw === undefined) return this.fallback(name) as boolean;
    if (raw === "true" || raw === "false") return raw === "true";
    this.fail(name, raw, "true or false");
    return false;
  }

  private json(name: SettingName): unknown {
    const raw = this.values[name];
    if (raw === undefined) return this.fallback(name);
    try {
      return JSON.parse(raw);
    } catch {
      return Symbol.for("unparseable");
    }
  }

  stringList(name: SettingName, required = false): string[] | undefined {
    const v = this.json(name);
    if (v === undefined) return required ? this.fail(name, undefined, "required: a list, e.g. [a, b, c]") : undefined;
    if (!Array.isArray(v) || v.some((x) => typeof x !== "string" || x.trim() === "")) {
      return this.fail(name, this.values[name], "a list of non-empty strings");
    }
    return v as string[];
  }

  integerList(name: SettingName): number[] | undefined {
    const v = this.json(name);
    if (v === undefined) return undefined;
    // The CLI's array<integer> takes items that are numbers or strings strconv.Atoi parses
    // (ValidateConfigValue, sdk/go/common/workspace/project.go at v3.248.0): take the same.
    const asInt = (x: unknown) => (typeof x === "string" && /^[+-]?\d+$/.test(x) ? Number(x) : x);
    if (!Array.isArray(v) || v.map(asInt).some((x) => typeof x !== "number" || !Number.isInteger(x))) {
      return this.fail(name, this.values[name], "a list of whole numbers");
    }
    return v.map(asInt) as number[];
  }

  cidrList(name: SettingName): string[] | undefined {
    const list = this.stringList(name);
    for (const c of list ?? []) if (!parseCidr(c)) this.fail(name, c, "network CIDRs such as 203.0.113.0/24 (no host bits set)");
    return list;
  }

  object(name: SettingName): Record<string, unknown> | undefined {
    const v = this.json(name);
    if (v === undefined) return undefined;
    if (typeof v !== "object" || v === null || Array.isArray(v)) return this.fail(name, this.values[name], "a map, e.g. {key: value}");
    return v as Record<string, unknown>;
  }

  stringMap(name: SettingName): Record<string, string> | undefined {
    const v = this.object(name);
    if (v === undefined) return undefined;
    const bad = Object.entries(v).find(([, x]) => typeof x !== "string");
    if (bad) return this.fail(name, `${bad[0]}=${JSON.stringify(bad[1])}`, "a map of strings to strings");
    return v as Record<string, string>;
  }
}
