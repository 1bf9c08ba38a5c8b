/**
 * The one mapping from the stack's declared docker.Container inputs to docker CLI calls, so a
 * container on a test host is created exactly as the Docker provider would create it.
 *
 * Source of each rule: kreuzwerker/terraform-provider-docker v4.5.0 (what @pulumi/docker 5.2.0
 * wraps), internal/provider/resource_docker_container_funcs.go, resourceDockerContainerCreate:
 * - `name` -> ContainerCreate's name; `image` -> Config.Image (the RemoteImage's image ID);
 * - `networkMode` -> HostConfig.NetworkMode; `restart` -> HostConfig.RestartPolicy.Name;
 * - `volumes[].hostPath:containerPath` -> HostConfig.Binds `host:container:rw|ro`
 *   (resource_docker_container_structures.go, volumeSetToDockerVolumes);
 * - `labels` -> Config.Labels; `envs` -> Config.Env; `command` -> Config.Cmd; `entrypoints` -> Config.Entrypoint;
 * - `healthcheck` -> Config.Healthcheck{Test: tests as given, Interval/Timeout/StartPeriod by
 *   time.ParseDuration, Retries};
 * - `logDriver`/`logOpts` -> HostConfig.LogConfig{Type, Config};
 * - `networksAdvanced[{name, ipv4Address}]` -> after ContainerCreate, NetworkDisconnect "bridge" and
 *   NetworkConnect(name) with EndpointIPAMConfig.IPv4Address: one network, so `--network name --ip`;
 * - `uploads[]` -> after ContainerCreate and before ContainerStart, one CopyToContainer to "/" of
 *   a tar holding the file at its path, mode 0644 (no `permissions`, not `executable`);
 * - start (default true) -> ContainerStart; `mustRun` only matters on refresh (not a create argument);
 * - `destroyGraceSeconds` -> resourceDockerContainerDelete: ContainerStop with that timeout, then
 *   ContainerRemove with Force.
 * The docker CLI flags below set those same API fields (docker/cli `docker create`: --network,
 * --restart, --volume, --label, --env, --health-cmd (Test = ["CMD-SHELL", cmd]), --health-interval,
 * --health-timeout, --health-start-period, --health-retries, --log-driver, --log-opt).
 * An input this function does not know is an error, never dropped.
 */
import { ContainerInputs, PlanUpload } from "./plan";

export interface DockerCalls {
  /** `docker create` arguments (after `create`), ending with the image and command. */
  create: string[];
  /** Copied into the created container before it starts (`docker cp - <name>:/`). */
  uploads: PlanUpload[];
  /** `docker stop -t` on removal (the provider's destroy_grace_seconds); 0 when not declared. */
  stopSeconds: number;
}

const KNOWN = new Set([
  "name", "image", "networkMode", "restart", "mustRun", "destroyGraceSeconds", "volumes", "uploads",
  "labels", "healthcheck", "logDriver", "logOpts", "envs", "command", "entrypoints", "ports", "networksAdvanced",
]);

/** `imageId` replaces the plan's `image` (a mock ID offline): the ID of the loaded image on the host. */
export function containerCalls(c: ContainerInputs, imageId: string): DockerCalls {
  const unknown = Object.keys(c).filter((k) => !KNOWN.has(k));
  if (unknown.length) throw new Error(`container ${c.name}: inputs not mapped to docker CLI arguments: ${unknown.join(", ")}`);
  const a: string[] = ["--name", c.name];
  if (c.networkMode && c.networksAdvanced?.length) throw new Error(`container ${c.name}: networkMode and networksAdvanced together are not mapped`);
  if (c.networkMode) a.push("--network", c.networkMode);
  if ((c.networksAdvanced?.length ?? 0) > 1) throw new Error(`container ${c.name}: more than one network is not mapped`);
  for (const n of c.networksAdvanced ?? []) a.push("--network", n.name, ...(n.ipv4Address ? ["--ip", n.ipv4Address] : []));
  a.push("--restart", c.restart ?? "no");
  for (const v of c.volumes ?? []) {
    if (!v.hostPath) throw new Error(`container ${c.name}: volume at ${v.containerPath} without hostPath is not mapped`);
    a.push("--volume", `${v.hostPath}:${v.containerPath}:${v.readOnly ? "ro" : "rw"}`);
  }
  for (const l of c.labels ?? []) a.push("--label", `${l.label}=${l.value}`);
  for (const e of c.envs ?? []) a.push("--env", e);
  for (const p of c.ports ?? []) {
    a.push("--publish", `${p.ip ? `${p.ip}:` : ""}${p.external ?? ""}:${p.internal}/${p.protocol ?? "tcp"}`);
  }
  const h = c.healthcheck;
  if (h) {
    const [kind, ...rest] = h.tests;
    if (kind === "NONE") a.push("--no-healthcheck");
    else if (kind === "CMD-SHELL" && rest.length === 1) a.push("--health-cmd", rest[0]);
    else throw new Error(`container ${c.name}: health check ${JSON.stringify(h.tests)} has no docker CLI form`);
    if (h.interval) a.push("--health-interval", h.interval);
    if (h.timeout) a.push("--health-timeout", h.timeout);
    if (h.startPeriod) a.push("--health-start-period", h.startPeriod);
    if (h.retries !== undefined) a.push("--health-retries", String(h.retries));
  }
  if (c.logDriver) a.push("--log-driver", c.logDriver);
  for (const [k, v] of Object.entries(c.logOpts ?? {})) a.push("--log-opt", `${k}=${v}`);
  if (c.entrypoints?.length) {
    if (c.entrypoints.length > 1) throw new Error(`container ${c.name}: a multi-word entrypoint has no docker CLI form`);
    a.push("--entrypoint", c.entrypoints[0]);
  }
  a.push(imageId, ...(c.command ?? []));
  return { create: a, uploads: c.uploads ?? [], stopSeconds: c.destroyGraceSeconds ?? 0 };
}
