/** Helpers for the secret wrappers mocks receive. */
import { SECRET_SIG, SECRET_SIG_VALUE } from "./mocks";

export function isSecretWrapper(v: unknown): v is { value: unknown } {
  return typeof v === "object" && v !== null && (v as Record<string, unknown>)[SECRET_SIG] === SECRET_SIG_VALUE;
}

/** A copy of `v` with every secret wrapper replaced by `onSecret(innerValue)` (default: the inner value). */
export function unwrapSecrets(v: unknown, onSecret: (inner: unknown) => unknown = (x) => x): unknown {
  if (isSecretWrapper(v)) return onSecret(unwrapSecrets(v.value, onSecret));
  if (Array.isArray(v)) return v.map((x) => unwrapSecrets(x, onSecret));
  if (typeof v === "object" && v !== null) {
    return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, unwrapSecrets(x, onSecret)]));
  }
  return v;
}

/** Every string found inside secret wrappers of `v`. */
export function collectSecretStrings(v: unknown, out: Set<string> = new Set(), inSecret = false): Set<string> {
  if (isSecretWrapper(v)) return collectSecretStrings(v.value, out, true);
  if (typeof v === "string") {
    if (inSecret) out.add(v);
  } else if (Array.isArray(v)) {
    for (const x of v) collectSecretStrings(x, out, inSecret);
  } else if (typeof v === "object" && v !== null) {
    for (const x of Object.values(v)) collectSecretStrings(x, out, inSecret);
  }
  return out;
}
