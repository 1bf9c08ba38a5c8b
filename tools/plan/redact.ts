/**
 * Secret redaction for everything the plan writes or prints.
 *
 * Known secrets are (1) every secret setting's value in the run (placeholder or real value) and
 * (2) every string a secret wrapper holds directly (a secret scalar, e.g. a password input). Each
 * occurrence is replaced by the setting's placeholder `<secret ceresdb:name>` (or `<secret>`), so a
 * render with real secret values is byte-identical to one with placeholders. PEM private keys are
 * removed wherever they appear.
 */
import { isSecretWrapper, OfflineRun, secretPlaceholder } from "./offline";

const PEM_PRIVATE_KEY = /-----BEGIN [A-Z0-9 ]*PRIVATE KEY-----[\s\S]*?-----END [A-Z0-9 ]*PRIVATE KEY-----/g;
/** Shorter strings are not searched for (they would match ordinary text); scalars are still masked. */
const MIN_SECRET_LENGTH = 4;

export interface Redactor {
  /** Redact a string. */
  text(s: string): string;
  /** Redact a value: unwraps secret wrappers (masking secret scalars) and redacts every string. */
  value(v: unknown): unknown;
  /** The secret strings being searched for (for leak scans in tests). */
  readonly secrets: ReadonlyArray<string>;
}

function scalarSecrets(v: unknown, out: Set<string>): void {
  if (isSecretWrapper(v)) {
    if (typeof v.value === "string") out.add(v.value);
    else scalarSecrets(v.value, out);
  } else if (Array.isArray(v)) {
    for (const x of v) scalarSecrets(x, out);
  } else if (typeof v === "object" && v !== null) {
    for (const x of Object.values(v)) scalarSecrets(x, out);
  }
}

export function makeRedactor(run: Pick<OfflineRun, "secretValues" | "resources">): Redactor {
  const replacement = new Map<string, string>();
  for (const [key, value] of Object.entries(run.secretValues)) {
    if (value.length > 0) replacement.set(value, secretPlaceholder(key));
    // Also the value as it appears JSON- or TOML-escaped inside generated text.
    const escaped = JSON.stringify(value).slice(1, -1);
    if (escaped !== value && escaped.length > 0) replacement.set(escaped, secretPlaceholder(key));
  }
  const scalars = new Set<string>();
  for (const r of run.resources) scalarSecrets(r.inputs, scalars);
  for (const s of scalars) {
    if (!replacement.has(s) && s.length > 0) replacement.set(s, "<secret>");
  }
  // Longest first, so a secret containing another is replaced whole.
  const needles = [...replacement.keys()].filter((s) => s.length >= MIN_SECRET_LENGTH).sort((a, b) => b.length - a.length);

  // Needles longer than the text cannot occur in it: with the needles sorted by length, the search
  // starts at the first that fits. Whole secret texts (a host's cloud-init is one secret) make the
  // list grow with the cluster, and most strings searched are short, so without this the search
  // grows with hosts x strings (docs/plan.md "Speed").
  const firstFitting = (len: number): number => {
    let lo = 0;
    let hi = needles.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (needles[mid].length > len) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  };
  const text = (s: string): string => {
    let out = s.replace(PEM_PRIVATE_KEY, "<redacted private key>");
    // The needles skipped are all tried, in the original order, before any replacement, while the
    // text is still shorter than each of them: the result is the same as trying every needle.
    for (let i = firstFitting(out.length); i < needles.length; i++) {
      const n = needles[i];
      if (n.length > out.length) continue;
      if (out.includes(n)) out = out.split(n).join(replacement.get(n) as string);
    }
    return out;
  };
  const value = (v: unknown): unknown => {
    if (isSecretWrapper(v)) {
      if (typeof v.value === "string") return replacement.get(v.value) ?? (v.value.length === 0 ? "" : "<secret>");
      return value(v.value);
    }
    if (typeof v === "string") return text(v);
    if (Array.isArray(v)) return v.map(value);
    if (typeof v === "object" && v !== null) {
      return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, value(x)]));
    }
    return v;
  };
  return { text, value, secrets: needles };
}
