/**
 * The pass/fail tally of the scripts that drive real software (not jest): one line per check,
 * and the closing `N passed, N failed` line CI reads.
 */
export class CheckList {
  passed = 0;
  failed = 0;

  check(name: string, ok: boolean, detail = ""): void {
    if (ok) this.passed++;
    else this.failed++;
    console.log(`${ok ? "PASS" : "FAIL"} ${name}${detail ? ` — ${detail}` : ""}`);
  }

  /** A failure outside any named check (a crash, a timeout). */
  fail(): void {
    this.failed++;
  }

  summary(): string {
    return `${this.passed} passed, ${this.failed} failed`;
  }

  get ok(): boolean {
    return this.failed === 0;
  }
}
