/**
 * How the meta proof reports: every check goes through the one check-list reporter the other
 * real-software runners use (test/helpers/checkList.ts); this adds what a stateful run needs on top
 * of it: a check whose failure stops the run (later checks depend on it), section headers with the
 * elapsed time, and the closing `meta-proof: N passed, M failed` line.
 */
import { CheckList } from "../helpers/checkList";

/** Thrown by `expect`/`fail`: the run stops, the summary still prints. */
export class CheckFailed extends Error {}

export class Proof {
  readonly list = new CheckList();
  private readonly t0 = Date.now();

  pass(name: string, detail = ""): void {
    this.list.check(name, true, detail);
  }

  /** Records a failure and stops the run: what follows depends on this. */
  fail(name: string, detail: string): never {
    this.list.check(name, false, detail);
    throw new CheckFailed(`${name}: ${detail}`);
  }

  /** A check the rest of the run depends on: a failure stops the run. */
  expect(cond: boolean, name: string, detail: string, failDetail?: string): void {
    if (cond) this.pass(name, detail);
    else this.fail(name, failDetail ?? detail);
  }

  /** A check the rest of the run does not depend on: a failure is recorded and the run goes on. */
  check(cond: boolean, name: string, detail: string, failDetail?: string): boolean {
    this.list.check(name, cond, cond ? detail : (failDetail ?? detail));
    return cond;
  }

  /** An error outside any check (a bug in the harness, a server that crashed a call). */
  crashed(e: unknown): void {
    this.list.fail();
    console.log(`FAIL harness error — ${e instanceof Error ? e.stack : String(e)}`);
  }

  section(title: string): void {
    console.log(`\n== ${title} (t+${this.elapsed()}s)`);
  }

  get ok(): boolean {
    return this.list.ok && this.list.passed > 0;
  }

  /** Prints the closing lines; the exit code: 0 only when something passed and nothing failed. */
  summary(): number {
    console.log(`\nmeta-proof: finished in ${this.elapsed()}s`);
    console.log(`meta-proof: ${this.list.summary()}`);
    return this.ok ? 0 : 1;
  }

  private elapsed(): string {
    return ((Date.now() - this.t0) / 1000).toFixed(1);
  }
}
