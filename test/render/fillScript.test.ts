/**
 * fillScript and shQuote, the one way values enter a rendered script: each placeholder form
 * fills as documented (components/render/common.ts) and refuses what could turn a value into
 * code; the filled scripts run in a real sh, and each value comes out as it went in.
 */
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { fillScript, shQuote, withHeader } from "../../components/render/common";

// Templates of this test live in a temp dir (an absolute path), not beside the real ones.
const DIR = fs.mkdtempSync(path.join(os.tmpdir(), "fillscript-"));
let made = 0;
function template(text: string): string {
  const file = path.join(DIR, `t${made++}.sh`);
  fs.writeFileSync(file, text);
  return file;
}
afterAll(() => fs.rmSync(DIR, { recursive: true, force: true }));

function sh(script: string): string {
  const r = spawnSync("sh", ["-c", script], { encoding: "utf8", timeout: 10_000 });
  expect(r.stderr).toBe("");
  return r.stdout;
}

const NASTY = ["it's", "$(touch /tmp/pwned)", "a\nb", "`id`", "*", "", "-n", "~root"];

describe("shQuote", () => {
  test("always: one word that the shell gives back unchanged", () => {
    for (const v of NASTY) expect(sh(`printf '%s|' ${shQuote(v)}`)).toBe(`${v}|`);
  });
  test("if-needed: safe words bare, anything else quoted (a leading ~ would expand)", () => {
    expect(shQuote("ConnectTimeout=20", "if-needed")).toBe("ConnectTimeout=20");
    expect(shQuote("%h:%p", "if-needed")).toBe("%h:%p");
    expect(shQuote("~root", "if-needed")).toBe("'~root'");
    expect(shQuote("a b", "if-needed")).toBe("'a b'");
    for (const v of NASTY) expect(sh(`printf '%s|' ${shQuote(v, "if-needed")}`)).toBe(`${v}|`);
  });
});

describe("fillScript", () => {
  test("@NAME@: a quoted word; a list: quoted words; an integer: bare", () => {
    const t = template(`#!/bin/sh\nv=@V@\nset -- @LIST@\nn=$(( @N@ + 1 ))\nprintf '%s|' "$v" "$#" "$@" "$n"\n`);
    const out = sh(fillScript(t, { fill: { V: "it's $(x)", LIST: ["a b", "c'd", "$e"], N: 41 } }));
    expect(out).toBe("it's $(x)|3|a b|c'd|$e|42|");
    expect(() => fillScript(t, { fill: { V: "", LIST: [], N: 1.5 } })).toThrow(/not an integer/);
  });

  test("@assign@: one NAME=value line per assignment, in the caller's order, each value as it went in", () => {
    const t = template(`#!/bin/sh\nset -u\n@assign@\nprintf '%s|' "$B" "$A" "$N" "$(( N + 1 ))" "$PROBE"\n`);
    const assign = { B: "it's $(touch /tmp/pwned)", A: "a\nb", N: 41, PROBE: "echo `id` $HOME" };
    const filled = fillScript(t, { assign });
    // shellcheck's SC2016 off for the values holding $ or a backquote only, each on its own line.
    const sc2016 = "# shellcheck disable=SC2016 # a value quoted by fillScript: nothing in it expands here";
    expect(filled.split("\n").slice(2, -2)).toEqual([sc2016, "B='it'\\''s $(touch /tmp/pwned)'", "A='a", "b'", "N=41", sc2016, "PROBE='echo `id` $HOME'"]);
    expect(sh(filled)).toBe(`${assign.B}|${assign.A}|41|42|${assign.PROBE}|`);
    // The caller's order, not sorted.
    const swapped = fillScript(t, { assign: { A: "1", N: 2, PROBE: "p", B: "3" } });
    expect(swapped.split("\n").slice(2, 6)).toEqual(["A='1'", "N=2", "PROBE='p'", "B='3'"]);
  });

  test("@assign@: every variable the script reads is assigned, every assignment is read; no list, no fraction", () => {
    const t = template(`#!/bin/sh\nset -u\n@assign@\n# a comment may name $NOT_A_READ\nDEFAULTED="\${DEFAULTED:-x}"\nstart=$HOME\nPASSED="$PASSED" env | grep -c PASSED\necho "$A \${B}" "$DEFAULTED" "$start"\n`);
    expect(() => fillScript(t, { assign: { A: "x", PASSED: "p" } })).toThrow(/no value for \$B, which the script reads/);
    expect(() => fillScript(t, { assign: { A: "x", B: "y" } })).toThrow(/no value for \$PASSED/);
    expect(() => fillScript(t, { assign: { A: "x", B: "y", PASSED: "p", EXTRA: "z" } })).toThrow(/no placeholder for EXTRA/);
    expect(sh(fillScript(t, { assign: { A: "x", B: "y", PASSED: "p" } }))).toBe(`1\nx y x ${process.env.HOME}\n`);
    expect(() => fillScript(t, { assign: { A: "x", B: 1.5, PASSED: "p" } })).toThrow(/not an integer/);
    expect(() => fillScript(t, { assign: { A: ["x"] as never, B: "y", PASSED: "p" } })).toThrow(/one string or integer/);
    expect(() => fillScript(t, { assign: { A: "x", B: "y", PASSED: "p", "lower-case": "z" } as never })).toThrow(/names are/);
  });

  test("@assign@: the line is there exactly when there are assignments; a name is assigned or filled, not both", () => {
    expect(() => fillScript(template(`#!/bin/sh\necho "$A"\n`), { assign: { A: "x" } })).toThrow(/no @assign@ line for A/);
    expect(() => fillScript(template(`#!/bin/sh\necho "$A"\n`), {})).toThrow(/no value for \$A/);
    expect(() => fillScript(template(`#!/bin/sh\n@assign@\ntrue\n`), {})).toThrow(/no assignments for its @assign@ line/);
    expect(() => fillScript(template(`#!/bin/sh\n@assign@\n@assign@\necho "$A"\n`), { assign: { A: "x" } })).toThrow(/more than one @assign@ line/);
    expect(() => fillScript(template(`#!/bin/sh\n@assign@\necho "$A" @A@\n`), { assign: { A: "x" }, fill: { A: "y" } })).toThrow(/A both assigned and filled/);
  });

  test("@word:NAME@: bare, and only for safe words", () => {
    const t = template(`#!/bin/sh\necho "host @word:HOST@ at @word:URL@"\n`);
    expect(fillScript(t, { fill: { HOST: "node-1", URL: "http://127.0.0.1:5440/" } })).toContain('echo "host node-1 at http://127.0.0.1:5440/"');
    for (const bad of ["a b", '"; rm -rf /; "', "$(id)", "a\nb", ""]) expect(() => fillScript(t, { fill: { HOST: bad, URL: "x" } })).toThrow(/must be one word/);
    expect(() => fillScript(t, { fill: { HOST: ["a"] as never, URL: "x" } })).toThrow(/must be one word/);
  });

  test("@heredoc:NAME@: the value verbatim as the body of its quoted here-document", () => {
    const t = template(`#!/bin/sh\ncat <<'END_OF_BODY'\n@heredoc:BODY@\nEND_OF_BODY\n`);
    const body = "line with 'quotes' and $(not run)\n`neither`\n";
    expect(sh(fillScript(t, { fill: { BODY: body } }))).toBe(body);
    expect(sh(fillScript(t, { fill: { BODY: "no newline" } }))).toBe("no newline\n");
    expect(() => fillScript(t, { fill: { BODY: "a\nEND_OF_BODY\nrm -rf /" } })).toThrow(/contains the here-document end/);
    const loose = template(`#!/bin/sh\necho start\n@heredoc:BODY@\n`);
    expect(() => fillScript(loose, { fill: { BODY: "x" } })).toThrow(/only line of a quoted here-document/);
    const unquoted = template(`#!/bin/sh\ncat <<END\n@heredoc:BODY@\nEND\n`);
    expect(() => fillScript(unquoted, { fill: { BODY: "x" } })).toThrow(/only line of a quoted here-document/);
  });

  test("@include:FILE@: the shared part without its shebang, filled from the same values", () => {
    const part = template(`#!/bin/sh\necho "part sees $x" @V@\n`);
    const t = template(`#!/bin/sh\nx=1\n@include:${path.basename(part)}@\necho end\n`);
    const filled = fillScript(t, { fill: { V: "it's" } });
    expect(filled.match(/#!/g)).toHaveLength(1);
    expect(sh(filled)).toBe("part sees 1 it's\nend\n");
    const self = path.join(DIR, "self.sh");
    fs.writeFileSync(self, "#!/bin/sh\n@include:self.sh@\n");
    expect(() => fillScript(self, {})).toThrow(/includes itself/);
  });

  test("no placeholder on a comment line; missing and unused values throw", () => {
    expect(() => fillScript(template(`#!/bin/sh\n# for @HOST@\ntrue\n`), { fill: { HOST: "a\nrm -rf /" } })).toThrow(/comment line/);
    const t = template(`#!/bin/sh\necho @A@\n`);
    expect(() => fillScript(t, {})).toThrow(/no value for @A@/);
    expect(() => fillScript(t, { fill: { A: "x", B: "y" } })).toThrow(/no placeholder for B/);
  });

  test("withHeader: a comment block after the shebang, a value's newline kept inside the comment", () => {
    const s = withHeader("#!/bin/sh\ntrue\n", ["host a\nrm -rf /", ""]);
    expect(s).toBe("#!/bin/sh\n# host a\n# rm -rf /\n#\ntrue\n");
    expect(() => withHeader("true\n", ["x"])).toThrow(/shebang/);
  });
});
