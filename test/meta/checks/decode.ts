/**
 * 1. The real server decodes every rendered v1.2.7 CeresMeta TOML, file unmodified, and applies
 * every key with its value; a v1.2.2 file is the negative control.
 */
import * as fs from "fs";
import * as path from "path";
import { renderCeresMetaToml } from "../../../components/render";
import { ALL_FIXTURES, kafkaV122 } from "../../fixtures/specs";
import { alive, effectiveConfigOf, killGroup, MetaRun, startServer, tail, WAIT_STOP_MS, waitFor } from "../harness";
import { Doc, notApplied, parse } from "../protocol";
import { Proof } from "../report";

/**
 * Runs the real server on a rendered file, unmodified, just far enough to decode it: DATA_DIR
 * points into the temp dir and PEER_URLS is unparseable, so after logging its effective config it
 * fails in CreateServer ("fail to create server") and exits without listening on anything.
 */
async function decodeOnly(file: string, dir: string): Promise<Doc> {
  const log = `${file}.log`;
  const proc = startServer(file, log, { DATA_DIR: path.join(dir, "decode-data"), PEER_URLS: "http://%zz" });
  const exited = await waitFor(WAIT_STOP_MS, async () => !alive(proc));
  if (!exited) {
    killGroup(proc, "SIGKILL");
    throw new Error(`did not exit within ${WAIT_STOP_MS} ms:\n${tail(log)}`);
  }
  const eff = effectiveConfigOf(log);
  if (!eff || !tail(log).includes("fail to create server")) throw new Error(`unexpected run:\n${tail(log)}`);
  return eff;
}

/** The rendered keys the server did not apply, apart from the two the decode run overrides by environment. */
function notAppliedInFile(file: string, eff: Doc): string[] {
  return notApplied(parse(fs.readFileSync(file, "utf8")), eff).filter((k) => !k.startsWith("data-dir ") && !k.startsWith("peer-urls "));
}

export async function decodeRendered(run: MetaRun): Promise<void> {
  const proof: Proof = run.proof; // typed, so that proof.fail() narrows

  proof.section("the real server decodes every rendered v1.2.7 CeresMeta TOML (file unmodified)");
  const dir = run.dir("decode");
  for (const [name, spec] of Object.entries(ALL_FIXTURES)) {
    if (spec.version !== "v1.2.7") continue;
    for (const m of spec.meta) {
      const file = path.join(dir, `${name}-${m.memberName}.toml`);
      fs.writeFileSync(file, renderCeresMetaToml(spec, m));
      let eff: Doc;
      try {
        eff = await decodeOnly(file, dir);
      } catch (e) {
        proof.fail(`${name}/${m.memberName}: decoded by the server`, String(e));
      }
      const bad = notAppliedInFile(file, eff);
      proof.expect(bad.length === 0, `${name}/${m.memberName}: every rendered key is a v1.2.7 key and applied with its value`, "", bad.join("; "));
    }
  }
  // Negative control: proves the comparison can fail. v1.2.2 writes `default-http-port`, which
  // v1.2.7 silently drops (its HTTP API would then sit on 8080, whatever we set).
  const file = path.join(dir, "control-v122.toml");
  fs.writeFileSync(file, renderCeresMetaToml(kafkaV122, kafkaV122.meta[0]));
  const eff = await decodeOnly(file, dir);
  const bad = notAppliedInFile(file, eff);
  proof.expect(
    bad.length === 1 && bad[0].startsWith("default-http-port ") && eff["http-port"] === 8080,
    "control: a v1.2.2 file's default-http-port is dropped by the v1.2.7 server (http-port stays 8080) and detected",
    bad.join("; "),
    `detected: ${bad.join("; ") || "nothing"}; effective http-port ${String(eff["http-port"])}`,
  );
}
