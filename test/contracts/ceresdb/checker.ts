/**
 * Checks a CeresDB TOML document against the keys the server accepts at one tag (schema.ts):
 * unknown sections (a hard parse error), unknown nested keys (silently dropped, so a defect for
 * us too; the message says when the key exists at another tag), enum tags, missing fields of
 * structs without serde defaults, value kinds, and keys that parse but do nothing (DEAD_KEYS).
 */
import { CeresVersion } from "../../../components/model/types";
import { DEAD_KEYS, ENUMS, Field, inRange, Scalar, STRUCTS, StructSchema, VERSIONS } from "./schema";

export interface ConfigProblem {
  path: string;
  message: string;
}

type Table = Record<string, unknown>;
const isTable = (v: unknown): v is Table => typeof v === "object" && v !== null && !Array.isArray(v) && !(v instanceof Date);

const DURATION = /^\s*(\d+(\.\d+)?(d|h|ms|m|s))+\s*$/; // time_ext ReadableDuration::from_str
const SIZE = /^\s*\d+(\.\d+)?\s*(K|KB|KiB|M|MB|MiB|G|GB|GiB|T|TB|TiB|P|PB|PiB|B)?\s*$/; // size_ext ReadableSize::from_str
const INT_RANGE: Partial<Record<Scalar, [number, number]>> = {
  u16: [0, 65535],
  i16: [-32768, 32767],
  i32: [-(2 ** 31), 2 ** 31 - 1],
  u32: [0, 2 ** 32 - 1],
  u64: [0, Number.MAX_SAFE_INTEGER],
  usize: [0, Number.MAX_SAFE_INTEGER],
};

function scalarProblem(scalar: Scalar, v: unknown): string | undefined {
  switch (scalar) {
    case "string":
      return typeof v === "string" ? undefined : "a string";
    case "bool":
      return typeof v === "boolean" ? undefined : "true or false";
    case "f32":
    case "f64":
      return typeof v === "number" ? undefined : "a number";
    case "duration":
      return typeof v === "string" && DURATION.test(v) ? undefined : 'a duration string such as "5s", "200ms", "1h"';
    case "size":
      return typeof v === "string" && SIZE.test(v) ? undefined : 'a size string such as "512MB", "1G", "0"';
    case "string[]":
      return Array.isArray(v) && v.every((x) => typeof x === "string") ? undefined : "an array of strings";
    default: {
      const [lo, hi] = INT_RANGE[scalar]!;
      return Number.isInteger(v) && (v as number) >= lo && (v as number) <= hi ? undefined : `an integer (${scalar}) from ${lo} to ${hi}`;
    }
  }
}

/** Tags at which `key` is a field of `struct`, for "exists only in" messages. */
function tagsHaving(structName: string, key: string): CeresVersion[] {
  const f = STRUCTS[structName].fields[key];
  return f ? VERSIONS.filter((v) => inRange(v, f.in)) : [];
}

function fieldsAt(schema: StructSchema, version: CeresVersion): Record<string, Field> {
  return Object.fromEntries(Object.entries(schema.fields).filter(([, f]) => inRange(version, f.in)));
}

export function checkCeresDbConfig(doc: Table, version: CeresVersion): ConfigProblem[] {
  const out: ConfigProblem[] = [];
  const at = (path: string, key: string) => (path === "" ? key : `${path}.${key}`);

  function checkValue(path: string, field: Field, v: unknown) {
    const t = field.type;
    switch (t.kind) {
      case "scalar": {
        const p = scalarProblem(t.scalar, v);
        if (p) out.push({ path, message: `must be ${p}; got ${JSON.stringify(v)}` });
        return;
      }
      case "unit-enum":
        if (typeof v !== "string" || !t.variants.includes(v)) out.push({ path, message: `must be exactly one of ${t.variants.join(", ")}; got ${JSON.stringify(v)}` });
        return;
      case "unmodelled":
        out.push({ path, message: `not modelled in test/contracts/ceresdb/schema.ts (${t.rust}): write its struct from the source before rendering it` });
        return;
      case "struct":
        if (!isTable(v)) out.push({ path, message: `must be a table (${t.struct})` });
        else checkStruct(path, t.struct, v, []);
        return;
      case "enum":
        if (!isTable(v)) out.push({ path, message: `must be a table (${t.enum})` });
        else checkEnum(path, t.enum, v);
        return;
    }
  }

  function checkEnum(path: string, name: string, table: Table) {
    const e = ENUMS[name];
    const tag = table[e.tag];
    const variants = Object.entries(e.variants).filter(([, x]) => inRange(version, x.in)).map(([n]) => n);
    if (tag === undefined) {
      out.push({ path: at(path, e.tag), message: `missing: ${name} is selected by ${e.tag} (one of ${variants.join(", ")})` });
      return;
    }
    if (typeof tag !== "string" || !variants.includes(tag)) {
      const elsewhere = typeof tag === "string" && e.variants[tag] ? ` (${tag} exists only at ${VERSIONS.filter((v) => inRange(v, e.variants[tag].in)).join(", ")})` : "";
      out.push({ path: at(path, e.tag), message: `${JSON.stringify(tag)} is not a ${name} variant at ${version}; exactly one of ${variants.join(", ")} (case-sensitive)${elsewhere}` });
      return;
    }
    const struct = e.variants[tag].struct;
    if (!struct) {
      out.push({ path, message: `variant ${tag} of ${name} is not modelled in schema.ts` });
      return;
    }
    checkStruct(path, struct, table, [e.tag]);
  }

  function checkStruct(path: string, name: string, table: Table, skip: string[]) {
    const schema = STRUCTS[name];
    const fields = fieldsAt(schema, version);
    for (const [key, v] of Object.entries(table)) {
      if (skip.includes(key)) continue;
      const field = fields[key];
      if (!field) {
        const other = tagsHaving(name, key);
        const where = other.length > 0 ? `; it exists only at ${other.join(", ")}` : "";
        const effect = schema.denyUnknownFields ? "a hard parse error (deny_unknown_fields)" : "silently dropped";
        out.push({ path: at(path, key), message: `unknown to ${name} at ${version} (${schema.source.join("; ")}): ${effect}${where}` });
        continue;
      }
      checkValue(at(path, key), field, v);
    }
    if (!schema.serdeDefault) {
      for (const [key, f] of Object.entries(fields)) {
        if (!(key in table) && !f.optional && !f.fieldDefault) {
          out.push({ path: at(path, key), message: `missing field: ${name} has no serde default, so every field is required once the table is present` });
        }
      }
    }
  }

  checkStruct("", "Config", doc, []);
  for (const rule of DEAD_KEYS) {
    const parent = rule.path.split(".").slice(0, -1).reduce<unknown>((o, k) => (isTable(o) ? o[k] : undefined), doc);
    if (isTable(parent) && rule.dead(parent)) out.push({ path: rule.path, message: `parses but does nothing: ${rule.why}` });
  }
  return out;
}
