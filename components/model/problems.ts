/** A setting that cannot be used as given: which one, what was given, what is allowed. */
export interface SettingProblem {
  /** Fully qualified setting, e.g. `ceresdb:metaCount`. */
  setting: string;
  /** The value as given (raw text), or undefined when the setting is missing. */
  given?: string;
  /** What would be accepted, phrased so the user knows what to type. */
  allowed: string;
}

export function formatProblem(p: SettingProblem): string {
  const given = p.given === undefined ? "not set" : `got ${JSON.stringify(p.given)}`;
  return `${p.setting}: ${given}; ${p.allowed}`;
}

/**
 * Thrown before any resource is registered when the settings are unusable. Carries every problem
 * found, not just the first, so one `pulumi preview` shows the whole list.
 */
export class InvalidSettingsError extends Error {
  constructor(readonly problems: SettingProblem[]) {
    super(
      `Invalid stack settings (${problems.length} problem${problems.length === 1 ? "" : "s"}):\n` +
        problems.map((p) => `  - ${formatProblem(p)}`).join("\n"),
    );
    this.name = "InvalidSettingsError";
  }
}
