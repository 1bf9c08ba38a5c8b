import * as fs from "fs";
import * as path from "path";
import { parse as load } from "yaml";
import { parseArgs } from "../../tools/plan/cli";
import { checkWorkflowText, commandsOf, isAllowed, workflowFiles } from "./runSteps";

const ROOT = path.resolve(__dirname, "..", "..");
const files = workflowFiles(ROOT);
const read = (name: string) => load(fs.readFileSync(path.join(ROOT, ".github", "workflows", name), "utf8")) as Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

describe("workflow files", () => {
  it("exist", () => {
    expect(files.map((f) => path.basename(f))).toEqual(expect.arrayContaining(["deploy.yml", "pr-preview.yml", "teardown.yml", "test-cluster.yml"]));
  });
  it.each(files.map((f) => [path.basename(f), f]))("%s only runs documented commands, pins actions, has least privilege", (_name, file) => {
    expect(checkWorkflowText(path.basename(file), fs.readFileSync(file, "utf8"))).toEqual([]);
  });
});

describe("deploy.yml", () => {
  const wf = read("deploy.yml");
  it("runs up on dev, then staging, then prod, each in its environment and its own concurrency group", () => {
    const order = [
      ["up-dev", "dev", "test"],
      ["up-staging", "staging", "up-dev"],
      ["up-prod", "prod", "up-staging"],
    ];
    for (const [job, stack, needs] of order) {
      const j = wf.jobs[job];
      expect(j.environment).toBe(stack);
      expect(j.needs).toBe(needs);
      expect(j.concurrency).toEqual({ group: `pulumi-up-${stack}`, "cancel-in-progress": false });
      const up = j.steps.find((s: { uses?: string }) => s.uses?.startsWith("pulumi/actions@"));
      expect(up.with).toMatchObject({ command: "up", "stack-name": stack, policyPacks: "policy" });
    }
    expect(wf.on.push.branches).toEqual(["main"]);
  });
});

describe("pr-preview.yml", () => {
  const wf = read("pr-preview.yml");
  it("previews dev, staging and prod with PR comments and a backend URL from a repository variable", () => {
    const j = wf.jobs.preview;
    expect(j.strategy.matrix.stack).toEqual(["dev", "staging", "prod"]);
    const p = j.steps.find((s: { uses?: string }) => s.uses?.startsWith("pulumi/actions@"));
    expect(p.with).toMatchObject({
      command: "preview",
      "comment-on-pr": true,
      "github-token": "${{ secrets.GITHUB_TOKEN }}",
      "cloud-url": "${{ vars.PULUMI_BACKEND_URL }}",
      policyPacks: "policy",
    });
    expect(j.permissions).toEqual({ contents: "read", "pull-requests": "write" });
  });
  it("renders the base branch and the head against it, posts that, and checks the change last", () => {
    type S = { run?: string; uses?: string; with?: Record<string, string>; "working-directory"?: string };
    const steps: S[] = wf.jobs["plan-report"].steps;
    const base = steps.find((s) => s.uses?.startsWith("actions/checkout@") && s.with?.path === ".base");
    expect(base?.with?.ref).toBe("${{ github.event.pull_request.base.sha }}");
    const runs = steps.map((s) => s.run).filter(Boolean);
    expect(runs).toEqual([
      "npm ci",
      'npm run plan -- "$STACK" --out "$RUNNER_TEMP/base" > "$RUNNER_TEMP/base.txt"',
      'npm run plan -- "$STACK" --baseline "$RUNNER_TEMP/base" --timeline --format markdown --out "$RUNNER_TEMP/head" > "$RUNNER_TEMP/plan.md"',
      'npm run plan -- "$STACK" --baseline-project .base --check --out "$RUNNER_TEMP/check" > "$RUNNER_TEMP/check.txt"',
    ]);
    expect(steps.find((s) => s.run?.includes('--out "$RUNNER_TEMP/base"'))?.["working-directory"]).toBe(".base");
    const post = steps.findIndex((s) => s.uses?.startsWith("actions/github-script@"));
    const check = steps.findIndex((s) => s.run?.includes("--check"));
    expect(post).toBeGreaterThan(0);
    expect(check).toBe(steps.length - 1);
    expect(post).toBeLessThan(check);
  });

  it("passes the plan only options it knows (parsed by the CLI itself)", () => {
    const runs: string[] = wf.jobs["plan-report"].steps.map((s: { run?: string }) => s.run).filter((r: string | undefined) => r?.startsWith("npm run plan"));
    for (const r of runs) {
      const words = commandsOf(r).commands[0].slice(4).map((w) => w.replace(/^"(.*)"$/, "$1").replace("$STACK", "staging").replace("$RUNNER_TEMP", "/tmp"));
      expect(() => parseArgs(words)).not.toThrow();
    }
  });
});

describe("test-cluster.yml", () => {
  const wf = read("test-cluster.yml");
  it("creates test-pr-<n> as a test stack with owner, expiry and matching stack tags", () => {
    expect(wf.env.STACK).toBe("test-pr-${{ github.event.pull_request.number }}");
    const script: string = wf.jobs.up.steps.map((s: { run?: string }) => s.run ?? "").join("\n");
    for (const key of ["ceresdb:environment test", 'ceresdb:owner "$OWNER"', 'ceresdb:expiresAt "$EXPIRES_AT"']) {
      expect(script).toContain(`pulumi config set --stack "$STACK" ${key}`);
      expect(script).toContain(`pulumi stack tag set --stack "$STACK" ${key}`);
    }
    expect(wf.jobs.up.if).toContain("contains(github.event.pull_request.labels.*.name, 'test-cluster')");
  });
  it("destroys and removes the stack when the PR closes", () => {
    const d = wf.jobs.destroy;
    expect(d.if).toContain("github.event.action == 'closed'");
    const p = d.steps.find((s: { uses?: string; with?: { command?: string } }) => s.with?.command === "destroy");
    expect(p.with).toMatchObject({ remove: true, "stack-name": "${{ env.STACK }}" });
    // Same concurrency group as the up job: a destroy never races an up of the same stack.
    expect(d.concurrency.group).toBe(wf.jobs.up.concurrency.group);
  });
});

describe("teardown.yml", () => {
  const wf = read("teardown.yml");
  it("runs on a schedule and by hand, and calls the documented teardown command", () => {
    expect(wf.on.schedule).toHaveLength(1);
    expect(wf.on).toHaveProperty("workflow_dispatch");
    const runs = wf.jobs.teardown.steps.map((s: { run?: string }) => s.run).filter(Boolean);
    expect(runs).toContain("npm run teardown -- --expired --yes");
  });
});

describe("the run-step checker itself", () => {
  it("splits scripts into commands", () => {
    expect(commandsOf('npm ci && npm test\nFOO=1 pulumi stack ls > "$X" 2>&1').commands).toEqual([
      ["npm", "ci"],
      ["npm", "test"],
      ["pulumi", "stack", "ls"],
    ]);
    expect(commandsOf("pulumi config set \\\n  --stack x k v").commands).toEqual([["pulumi", "config", "set", "--stack", "x", "k", "v"]]);
  });
  it("rejects undocumented commands, substitutions and inlined expressions", () => {
    expect(isAllowed(["curl", "https://example.invalid"])).toBe(false);
    expect(isAllowed(["npm", "run", "build"])).toBe(false);
    expect(isAllowed(["npm", "run", "teardown", "--", "--expired"])).toBe(true);
    const bad = `
permissions: {}
jobs:
  j:
    runs-on: ubuntu-24.04
    steps:
      - uses: actions/checkout@v4
      - run: echo \${{ github.event.pull_request.title }}
      - run: pulumi config set x "$(date)"
`;
    const problems = checkWorkflowText("bad.yml", bad).map((p) => p.problem);
    expect(problems).toEqual(
      expect.arrayContaining([
        "job has no explicit permissions:",
        "job has no timeout-minutes",
        "uses: actions/checkout@v4 is not pinned to a commit SHA",
        "`${{ }}` inside run: (pass it through env: instead)",
        "undocumented command: echo ${{ github.event.pull_request.title }}",
        "command substitution in run:",
      ]),
    );
  });
});
