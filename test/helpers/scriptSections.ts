/** The host setup script is a sequence of `STEP=<name>` sections; tests run or read one at a time. */

/** The script text between two `STEP=` markers. */
export function section(script: string, from: string, to: string): string {
  const a = script.indexOf(`STEP=${from}\n`);
  const b = script.indexOf(`STEP=${to}\n`);
  expect(a).toBeGreaterThan(0);
  expect(b).toBeGreaterThan(a);
  return script.slice(a, b);
}
