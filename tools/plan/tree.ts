/** Writing a rendered stack atomically, reading an earlier render back. */
import * as fs from "fs";
import * as path from "path";
import { PlanFile } from "./render";

/** Every file under `dir`, by `/`-separated relative path. */
export function readTree(dir: string): Map<string, string> {
  const out = new Map<string, string>();
  const walk = (d: string, rel: string) => {
    for (const e of fs.readdirSync(d, { withFileTypes: true })) {
      const p = path.join(d, e.name);
      const r = rel ? `${rel}/${e.name}` : e.name;
      if (e.isDirectory()) walk(p, r);
      else if (e.isFile()) out.set(r, fs.readFileSync(p, "utf8"));
    }
  };
  if (fs.existsSync(dir)) walk(dir, "");
  return out;
}

/**
 * Write `files` as `outDir/<stack>/`, replacing an earlier render: everything is written to a
 * temporary sibling first and swapped in by rename, so a failure leaves the old tree (or none).
 */
export function writeStackTree(outDir: string, stack: string, files: PlanFile[]): string {
  fs.mkdirSync(outDir, { recursive: true });
  const target = path.join(outDir, stack);
  const tmp = path.join(outDir, `.${stack}.tmp-${process.pid}-${Date.now()}`);
  const old = path.join(outDir, `.${stack}.old-${process.pid}-${Date.now()}`);
  try {
    for (const f of files) {
      const p = path.join(tmp, ...f.path.split("/"));
      fs.mkdirSync(path.dirname(p), { recursive: true });
      fs.writeFileSync(p, f.content);
    }
    fs.mkdirSync(tmp, { recursive: true });
    if (fs.existsSync(target)) fs.renameSync(target, old);
    fs.renameSync(tmp, target);
  } catch (e) {
    fs.rmSync(tmp, { recursive: true, force: true });
    if (!fs.existsSync(target) && fs.existsSync(old)) fs.renameSync(old, target);
    throw e;
  }
  fs.rmSync(old, { recursive: true, force: true });
  return target;
}

/** The render of `stack` inside a baseline directory: `dir/<stack>/` if present, else `dir` itself. */
export function baselineStackDir(dir: string, stack: string): string {
  const nested = path.join(dir, stack);
  return fs.existsSync(nested) && fs.statSync(nested).isDirectory() ? nested : dir;
}
