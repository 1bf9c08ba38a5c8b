import { parseArgs, UsageError } from "../../tools/teardown/args";

const clock = () => new Date("2026-01-01T00:00:00Z");

describe("teardown parseArgs", () => {
  it("parses --expired --yes --now", () => {
    const a = parseArgs(["--expired", "--yes", "--now", "2026-12-01T00:00:00Z"], clock);
    expect(a).toMatchObject({ mode: "expired", yes: true, help: false });
    expect(a.now.toISOString()).toBe("2026-12-01T00:00:00.000Z");
  });
  it("parses --stack NAME and --stack=NAME; report-only by default; now from the clock", () => {
    expect(parseArgs(["--stack", "test-pr-4"], clock)).toMatchObject({ mode: "named", stack: "test-pr-4", yes: false });
    expect(parseArgs(["--stack=test-pr-4"], clock).stack).toBe("test-pr-4");
    expect(parseArgs(["--expired"], clock).now.toISOString()).toBe("2026-01-01T00:00:00.000Z");
  });
  it.each([
    [[]],
    [["--expired", "--stack", "x"]],
    [["--stack"]],
    [["--stack", "--yes"]],
    [["--expired", "--now", "yesterday"]],
    [["--expired", "--timeout-minutes", "0"]],
    [["--expired", "--force"]],
  ])("rejects %p", (argv) => {
    expect(() => parseArgs(argv as string[], clock)).toThrow(UsageError);
  });
  it("--help needs nothing else", () => {
    expect(parseArgs(["--help"], clock).help).toBe(true);
  });
});
