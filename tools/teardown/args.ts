/** Argument parsing for `npm run teardown -- ...`. Pure, so it is unit tested. */
import { TeardownMode } from "./decide";

export interface CliArgs {
  mode: TeardownMode;
  stack?: string;
  yes: boolean;
  now: Date;
  /** Directory holding Pulumi.yaml (default: the current directory). */
  cwd?: string;
  timeoutMinutes: number;
  help: boolean;
}

export const USAGE = `usage: npm run teardown -- (--expired | --stack NAME) [--yes] [--now ISO] [--cwd DIR] [--timeout-minutes N]

  --expired            every test stack whose ceresdb:expiresAt is in the past
  --stack NAME         one named test stack, expired or not
  --yes                really destroy and remove (without it: report only)
  --now ISO            the time to compare expiries with (for testing), e.g. 2026-12-01T00:00:00Z
  --cwd DIR            directory with Pulumi.yaml (default: current directory)
  --timeout-minutes N  bound for each Pulumi call (default 30)

prod and staging stacks, and stacks whose ceresdb:environment is unset (default prod), are always refused.`;

export class UsageError extends Error {}

export function parseArgs(argv: readonly string[], clock: () => Date = () => new Date()): CliArgs {
  let expired = false;
  let stack: string | undefined;
  let yes = false;
  let now: Date | undefined;
  let cwd: string | undefined;
  let timeoutMinutes = 30;
  let help = false;
  const value = (i: number, flag: string): string => {
    const v = argv[i + 1];
    if (v === undefined || v.startsWith("--")) throw new UsageError(`${flag} needs a value`);
    return v;
  };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const [flag, inline] = a.startsWith("--") && a.includes("=") ? [a.slice(0, a.indexOf("=")), a.slice(a.indexOf("=") + 1)] : [a, undefined];
    const take = (): string => {
      if (inline !== undefined) return inline;
      const v = value(i, flag);
      i++;
      return v;
    };
    switch (flag) {
      case "--expired":
        expired = true;
        break;
      case "--stack":
        stack = take();
        break;
      case "--yes":
      case "-y":
        yes = true;
        break;
      case "--now": {
        const raw = take();
        const d = new Date(raw);
        if (!/^\d{4}-\d{2}-\d{2}T/.test(raw) || Number.isNaN(d.getTime())) {
          throw new UsageError(`--now must be an ISO-8601 timestamp, got "${raw}"`);
        }
        now = d;
        break;
      }
      case "--cwd":
        cwd = take();
        break;
      case "--timeout-minutes": {
        const raw = take();
        const n = Number(raw);
        if (!Number.isFinite(n) || n <= 0) throw new UsageError(`--timeout-minutes must be a positive number, got "${raw}"`);
        timeoutMinutes = n;
        break;
      }
      case "--help":
      case "-h":
        help = true;
        break;
      default:
        throw new UsageError(`unknown argument "${a}"`);
    }
  }
  if (help) return { mode: "expired", yes: false, now: now ?? clock(), timeoutMinutes, help };
  if (expired && stack !== undefined) throw new UsageError("give either --expired or --stack NAME, not both");
  if (!expired && stack === undefined) throw new UsageError("give --expired or --stack NAME");
  return { mode: expired ? "expired" : "named", stack, yes, now: now ?? clock(), cwd, timeoutMinutes, help };
}
