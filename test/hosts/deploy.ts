/**
 * The stack's host procedure on the test hosts, in the order `pulumi up` runs it, from the plan:
 * the readiness gate on every host, then per member in the chain (meta by index, then nodes):
 * bootstrap guard (members), container created exactly as declared (dockerArgs.ts), its gate.
 *
 * Where the test differs from the providers, and why:
 * - images: no registry is reachable, so the images built here are tagged with the reference the
 *   RemoteImage names and loaded onto each host over the same ssh:// connection (`docker save |
 *   docker load`) instead of pulled; the container then gets the loaded image's ID, as the
 *   provider passes `image.imageId`.
 * - commands: run with test/ssh/cmdclient, which opens sessions as pulumi-command v1.2.1 does.
 */
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { containerCalls } from "./dockerArgs";
import { docker, HERE, must, Session } from "./harness";
import { PlanHost, PlanService, REPO } from "./plan";

export const CERESMETA_BIN = path.join(REPO, ".cache", "bin", "ceresmeta-v1.2.7");

function hostOf(s: Session, svc: PlanService): PlanHost {
  const h = s.plan.hosts.find((x) => x.name === svc.host);
  if (!h) throw new Error(`no host ${svc.host} for ${svc.member}`);
  return h;
}

/** Builds the CeresMeta image (from the real binary) and the CeresDB stand-in, tagged as the plan names them. */
export function buildServiceImages(services: PlanService[]): void {
  const base = must("bash", [path.join(HERE, "build-rootfs.sh"), "image"], { timeoutMs: 1_900_000 }).trim();
  const env = { ...process.env, DOCKER_BUILDKIT: "0" };
  const metaRef = services.find((x) => x.role === "meta")?.image;
  const serverRef = services.find((x) => x.role === "server")?.image;
  if (metaRef) {
    if (!fs.existsSync(CERESMETA_BIN)) throw new Error(`${CERESMETA_BIN} is missing: build it with bash .ci/meta-build.sh`);
    const ctx = fs.mkdtempSync(path.join(os.tmpdir(), "th-meta-image-"));
    try {
      for (const f of ["Dockerfile", "entrypoint.sh"]) fs.copyFileSync(path.join(HERE, "images", "ceresmeta", f), path.join(ctx, f));
      fs.copyFileSync(CERESMETA_BIN, path.join(ctx, "ceresmeta-server"));
      fs.chmodSync(path.join(ctx, "ceresmeta-server"), 0o755);
      fs.chmodSync(path.join(ctx, "entrypoint.sh"), 0o755);
      must("docker", ["build", "-q", "--build-arg", `BASE=${base}`, "-t", metaRef, ctx], { timeoutMs: 300_000, env });
    } finally {
      fs.rmSync(ctx, { recursive: true, force: true });
    }
  }
  if (serverRef) {
    must("docker", ["build", "-q", "--build-arg", `BASE=${base}`, "-t", serverRef, path.join(HERE, "images", "ceresdb-standin")], { timeoutMs: 300_000, env });
  }
}

/** The pull, replaced by a load over the provider's ssh:// connection; returns the image ID on the host. */
export function loadImage(s: Session, h: PlanHost, ref: string): string {
  const saved = path.join(s.work, `${ref.replace(/[^a-zA-Z0-9.-]+/g, "_")}.tar`);
  if (!fs.existsSync(saved)) must("docker", ["save", "-o", saved, ref], { timeoutMs: 300_000 });
  const r = docker(s, h, ["load", "-q", "-i", saved], { timeoutMs: 600_000 });
  if (r.code !== 0) throw new Error(`docker load of ${ref} on ${h.name} over ${h.docker.host}: ${r.stderr.trim()}`);
  return imageId(s, h, ref);
}

export function imageId(s: Session, h: PlanHost, ref: string): string {
  const r = docker(s, h, ["image", "inspect", "-f", "{{.Id}}", ref]);
  if (r.code !== 0) throw new Error(`image ${ref} not on ${h.name}: ${r.stderr.trim()}`);
  return r.stdout.trim();
}

/**
 * Creates, uploads into and starts the container as the provider does (resourceDockerContainerCreate):
 * ContainerCreate, one CopyToContainer per upload, ContainerStart.
 */
export function createContainer(s: Session, svc: PlanService, image: string): void {
  const h = hostOf(s, svc);
  const calls = containerCalls(svc.container, image);
  const c = docker(s, h, ["create", ...calls.create], { timeoutMs: 120_000 });
  if (c.code !== 0) throw new Error(`docker create ${svc.container.name} on ${h.name}: ${c.stderr.trim()}`);
  for (const u of calls.uploads) {
    const r = docker(s, h, ["cp", "-", `${svc.container.name}:/`], { input: tarOne(u.file, u.content), timeoutMs: 60_000 });
    if (r.code !== 0) throw new Error(`upload ${u.file} into ${svc.container.name} on ${h.name}: ${r.stderr.trim()}`);
  }
  const st = docker(s, h, ["start", svc.container.name], { timeoutMs: 120_000 });
  if (st.code !== 0) throw new Error(`docker start ${svc.container.name} on ${h.name}: ${st.stderr.trim()}`);
}

/** The provider's delete: ContainerStop with destroy_grace_seconds, then a forced ContainerRemove. */
export function removeContainer(s: Session, svc: PlanService): void {
  const h = hostOf(s, svc);
  const { stopSeconds } = containerCalls(svc.container, "unused");
  docker(s, h, ["stop", "-t", String(stopSeconds), svc.container.name], { timeoutMs: (stopSeconds + 60) * 1000 });
  const r = docker(s, h, ["rm", "-f", svc.container.name], { timeoutMs: 60_000 });
  if (r.code !== 0 && !/No such container/.test(r.stderr)) throw new Error(`docker rm ${svc.container.name} on ${h.name}: ${r.stderr.trim()}`);
}

/**
 * One ustar archive holding `file` (an absolute path, as the provider's tar header names it) with
 * mode 0644, uid/gid 0: what the provider hands to CopyToContainer for an upload.
 */
export function tarOne(file: string, content: string): Buffer {
  const name = file.replace(/^\/+/, "");
  if (Buffer.byteLength(name) > 100) throw new Error(`upload path too long for a plain ustar header: ${file}`);
  const data = Buffer.from(content, "utf8");
  const h = Buffer.alloc(512, 0);
  const put = (s: string, off: number, len: number) => h.write(s, off, len, "ascii");
  h.write(name, 0, 100, "utf8");
  put("0000644\0", 100, 8);
  put("0000000\0", 108, 8);
  put("0000000\0", 116, 8);
  put(`${data.length.toString(8).padStart(11, "0")}\0`, 124, 12);
  put(`${Math.floor(Date.now() / 1000).toString(8).padStart(11, "0")}\0`, 136, 12);
  put("        ", 148, 8);
  put("0", 156, 1);
  put("ustar\0", 257, 6);
  put("00", 263, 2);
  let sum = 0;
  for (const b of h) sum += b;
  put(`${sum.toString(8).padStart(6, "0")}\0 `, 148, 8);
  const pad = Buffer.alloc((512 - (data.length % 512)) % 512, 0);
  return Buffer.concat([h, data, pad, Buffer.alloc(1024, 0)]);
}
