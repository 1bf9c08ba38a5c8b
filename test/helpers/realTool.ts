/**
 * Tests that run a real tool installed on this machine (promtool, logrotate...): the tool is found
 * at its usual paths, and under CI (`CI=true`, where .ci/run installs it) a missing tool fails the
 * tests, never skips them.
 */
import { statSync } from "fs";

/** The first of `paths` that is a file; undefined when none is. */
export function findTool(paths: readonly string[]): string | undefined {
  for (const p of paths) {
    try {
      if (statSync(p).isFile()) return p;
    } catch {
      /* not here */
    }
  }
  return undefined;
}

/** `test` when the tool is there or under CI (the test then fails without it), else `test.skip`. */
export function testWithTool(tool: string | undefined): jest.It {
  return tool || process.env.CI === "true" ? test : test.skip;
}
