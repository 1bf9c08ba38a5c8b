/**
 * What orders later changes without ordering the creation (docs/rollout.md): per service, the
 * desired revision known before anything exists, the probe that reads it back on the host, and
 * the roll gate that waits for it. Pure text; the components run it.
 */
import { createHash } from "crypto";
import { ClusterSpec } from "../model/types";
import { traitsOf } from "../model/versions";
import { HOST_REVISION_FILE } from "./cloudInit";
import { fillScript, RenderError } from "./common";

/** Written by a service's own gate once the service runs (creation) or is ready again (change). */
export const SERVICE_REVISION_FILE = "/var/lib/ceresdb-cluster/service-revision";
/** Bound on a roll gate's wait: a stop, an instance type change, a start, setup, image, container, shards. */
export const ROLL_WAIT_SECONDS = 1800;
export const ROLL_POLL_SECONDS = 10;

/** Everything whose change restarts or replaces the service, all known from the spec. */
export interface RevisionParts {
  image: string;
  healthUrl: string;
  /** The rendered config file (CeresDB's holds secrets: keep the result secret). */
  config: string;
  /** hostRevision(spec, host): what restarts the host in place. */
  hostRevision: string;
  /** The host's inputs whose change replaces its instance or data disk (hostLockInputs(...).replacing). */
  replacing: Record<string, string | number | boolean>;
}

/** The service's desired revision: sha-256 of its parts (hex). */
export function serviceRevision(p: RevisionParts): string {
  const replacing = Object.keys(p.replacing)
    .sort()
    .map((k) => [k, p.replacing[k]]);
  return createHash("sha256").update(JSON.stringify([p.image, p.healthUrl, p.hostRevision, replacing, p.config])).digest("hex");
}

/** The service's health URL on its own host. */
export function healthUrlOf(spec: ClusterSpec, role: "meta" | "server"): string {
  // CeresDB's health check is `GET /` on the HTTP port ({"status":"ok"}); there is no /health.
  return role === "meta" ? `http://127.0.0.1:${spec.ports.metaHttp}${traitsOf(spec.version).metaHealthPath}` : `http://127.0.0.1:${spec.ports.http}/`;
}

/** One look at a service on its host: revisions, and ready now (see scripts/service-probe.sh). */
export function renderServiceProbe(spec: ClusterSpec, role: "meta" | "server"): string {
  const leaderPath = traitsOf(spec.version).metaLeaderPath;
  return fillScript("service-probe.sh", {
    ROLE: role,
    HEALTH_URL: healthUrlOf(spec, role),
    LEADER_URL: leaderPath ? `http://127.0.0.1:${spec.ports.metaHttp}${leaderPath}` : `http://127.0.0.1:${spec.ports.metaClient}/v3/maintenance/status`,
    LEADER_KIND: leaderPath ? "ceresmeta" : "etcd",
    HOST_REVISION_FILE,
    SERVICE_REVISION_FILE,
  });
}

/** CeresMeta's shard diagnosis, asked on a member host; undefined before v1.2.7 (no such endpoint). */
export function renderShardProbe(spec: ClusterSpec): string | undefined {
  if (!traitsOf(spec.version).metaShardDiagnose) return undefined;
  return fillScript("shards-probe.sh", { DIAGNOSE_URL: diagnoseUrl(spec, "127.0.0.1") });
}

export function diagnoseUrl(spec: ClusterSpec, ip: string): string {
  return `http://${ip}:${spec.ports.metaHttp}/debug/diagnose/${encodeURIComponent(spec.bootstrap.clusterName)}/shards`;
}

/**
 * An ssh_config block for one host: `-o Key=value` options (dockerSshOptions: pinned host key,
 * bastion ProxyCommand) are config lines as written (ssh(1) parses `-o` as a config line).
 */
export function sshConfigBlock(alias: string, address: string, user: string, options: string[]): string {
  if (!/^[A-Za-z0-9][A-Za-z0-9_.-]*$/.test(alias)) throw new RenderError("ssh alias", `"${alias}" is not a plain host alias`);
  const lines = [`Host ${alias}`, `  HostName ${address}`, `  User ${user}`, "  Port 22"];
  for (let i = 0; i < options.length; i++) {
    if (options[i] !== "-o" || i + 1 >= options.length) throw new RenderError("ssh options", `expected "-o Key=value" pairs, got ${JSON.stringify(options[i])}`);
    const opt = options[++i];
    if (/[\n\r]/.test(opt)) throw new RenderError("ssh options", "an option spans lines");
    lines.push(`  ${opt}`);
  }
  return lines.join("\n");
}

export interface RollGateText {
  /** The service, for messages: `meta-1`, `node-3`. */
  name: string;
  /** ssh_config blocks of the service's host and (nodes) of the member hosts. */
  sshConfig: string;
  /** Host alias of the service's host in sshConfig. */
  target: string;
  /** renderServiceProbe of the service. */
  probe: string;
  wantHostRevision: string;
  wantServiceRevision: string;
  /** Member host aliases to ask for shard readiness (nodes, v1.2.7); empty: none. */
  shardTargets: string[];
  shardProbe?: string;
  /** What to run by hand when it times out. */
  hint: string;
  waitSeconds?: number;
  pollSeconds?: number;
}

/** The roll gate's `update` (it has no `create`: nothing runs at creation). */
export function renderRollGate(o: RollGateText): string {
  if (o.shardTargets.length > 0 && !o.shardProbe) throw new RenderError("roll gate", `${o.name}: shard targets without a shard probe`);
  return fillScript("roll-wait.sh", {
    NAME: o.name,
    SSH_CONFIG: o.sshConfig,
    TARGET: o.target,
    PROBE: o.probe,
    WANT_HOST: o.wantHostRevision,
    WANT_SERVICE: o.wantServiceRevision,
    SHARD_TARGETS: o.shardTargets.join(" "),
    SHARD_PROBE: o.shardTargets.length > 0 ? o.shardProbe! : "",
    WAIT_SECONDS: String(o.waitSeconds ?? ROLL_WAIT_SECONDS),
    POLL_SECONDS: String(o.pollSeconds ?? ROLL_POLL_SECONDS),
    HINT: o.hint,
  });
}

/** The hint a roll gate prints when it gives up. */
export function rollHint(spec: ClusterSpec, role: "meta" | "server", hostName: string, ip: string, memberIp?: string): string {
  const container = role === "meta" ? "ceresmeta" : "ceresdb";
  const lines = [
    `To see why, on ${hostName} (ssh ${spec.access.sshUser}@${ip}${spec.access.bastion ? `, through the bastion ${spec.access.bastion.host}` : ""}):`,
    `  docker ps -a --filter name=${container}; docker logs --tail 100 ${container}`,
    `  cat ${HOST_REVISION_FILE} ${SERVICE_REVISION_FILE}; curl -sS ${healthUrlOf(spec, role)}`,
  ];
  if (role === "server" && memberIp && traitsOf(spec.version).metaShardDiagnose) {
    lines.push(`and on a CeresMeta member host: curl -sS ${diagnoseUrl(spec, "127.0.0.1")}  (member ${memberIp})`);
  }
  lines.push("Then run pulumi up again: services already at their new revision pass at once, the rest continue one at a time.");
  return lines.join("\n");
}
