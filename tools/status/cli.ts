/**
 * npm run status -- <stack> [--endpoints FILE] [--format text|json] [--timeout-ms N] [--proxy socks5://host:port] [--cwd DIR]
 *
 * The stack's outputs come from the Automation API (LocalWorkspace.selectStack + outputs(), the
 * only non-pure part here) or, with --endpoints, from a file written by
 * `pulumi stack output --json --stack <stack> > FILE`. Through a bastion: open
 * `ssh -N -D 1080 <user>@<bastion>` and pass `--proxy socks5://127.0.0.1:1080`.
 * Exit 0 when anything answered, 1 when nothing did, 2 on bad arguments or outputs.
 */
import * as fs from "fs";
import { collectStatus } from "./collect";
import { request } from "./http";
import { renderJson, renderText } from "./render";
import { targetsFrom } from "./targets";

export interface CliArgs {
  stack?: string;
  endpoints?: string;
  format: "text" | "json";
  timeoutMs: number;
  proxy?: string;
  cwd: string;
}

export function parseArgs(argv: string[]): { args?: CliArgs; problems: string[] } {
  const problems: string[] = [];
  const args: CliArgs = { format: "text", timeoutMs: 3000, cwd: process.cwd() };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const val = () => {
      const v = argv[++i];
      if (v === undefined) problems.push(`${a} needs a value`);
      return v ?? "";
    };
    if (a === "--endpoints") args.endpoints = val();
    else if (a === "--format") {
      const f = val();
      if (f === "text" || f === "json") args.format = f;
      else problems.push(`--format ${f}: expected text or json`);
    } else if (a === "--timeout-ms") {
      const n = Number(val());
      if (Number.isInteger(n) && n > 0 && n <= 600_000) args.timeoutMs = n;
      else problems.push(`--timeout-ms: expected an integer from 1 to 600000`);
    } else if (a === "--proxy") args.proxy = val();
    else if (a === "--cwd") args.cwd = val();
    else if (a.startsWith("--")) problems.push(`unknown option ${a}`);
    else if (args.stack === undefined) args.stack = a;
    else problems.push(`unexpected argument ${a}`);
  }
  if (!args.stack && !args.endpoints) problems.push("name a stack, or give --endpoints FILE (from `pulumi stack output --json`)");
  if (args.proxy && !/^socks5h?:\/\/[^:/]+:\d+\/?$/.test(args.proxy)) problems.push(`--proxy ${args.proxy}: expected socks5://host:port`);
  return problems.length ? { problems } : { args, problems };
}

async function stackOutputs(stack: string, cwd: string): Promise<Record<string, unknown>> {
  // Loaded here so --endpoints works without the Pulumi CLI on PATH.
  const { LocalWorkspace } = await import("@pulumi/pulumi/automation");
  const s = await LocalWorkspace.selectStack({ stackName: stack, workDir: cwd });
  return (await s.outputs()) as Record<string, unknown>;
}

/** The Automation API's CommandError carries the CLI's whole output; its `error:` line says why. */
export function oneLine(message: string): string {
  const lines = message.split("\n").map((l) => l.trim());
  return (lines.find((l) => /^(stderr: )?error: /.test(l)) ?? lines[0]).replace(/^stderr: /, "");
}

export async function main(argv: string[]): Promise<number> {
  const { args, problems } = parseArgs(argv);
  if (!args) {
    process.stderr.write(`status: ${problems.join("; ")}\n`);
    return 2;
  }
  let raw: Record<string, unknown>;
  try {
    raw = args.endpoints ? (JSON.parse(fs.readFileSync(args.endpoints, "utf8")) as Record<string, unknown>) : await stackOutputs(args.stack!, args.cwd);
  } catch (e) {
    process.stderr.write(`status: cannot read the outputs of ${args.endpoints ? args.endpoints : `stack ${args.stack}`}: ${oneLine((e as Error).message)}\n`);
    return 2;
  }
  const { targets, problems: outputProblems } = targetsFrom(raw);
  if (!targets) {
    process.stderr.write(`status: ${outputProblems.join("; ")}\n`);
    return 2;
  }
  const s = await collectStatus(targets, (url, method, body) => request(url, { method, body, timeoutMs: args.timeoutMs, proxy: args.proxy }));
  // Nothing answered: a table of errors says less than the one line below.
  if (s.answered > 0) process.stdout.write(args.format === "json" ? renderJson(s) : renderText(s));
  if (s.answered === 0) {
    process.stderr.write(
      `status: nothing answered (${s.asked} requests to ${targets.members.length} members and ${targets.nodes.length} nodes, ${args.timeoutMs} ms each${args.proxy ? ` via ${args.proxy}` : ""}); is the network path open (bastion: --proxy)?\n`,
    );
    return 1;
  }
  return 0;
}

if (require.main === module) {
  main(process.argv.slice(2)).then(
    (code) => process.exit(code),
    (e: unknown) => {
      process.stderr.write(`status: ${(e as Error).message}\n`);
      process.exit(1);
    },
  );
}
