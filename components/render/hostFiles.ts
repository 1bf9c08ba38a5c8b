/**
 * Every file the stack puts on a host, from the spec: the one source for the components that
 * deploy them (Host: the user data and the host apply command; MetaMember and ServerNode: the
 * service's config uploaded into its container) and for the offline plan, which writes the same
 * files (tools/plan/render.ts). Pure: no Pulumi. What exists only once the host's resources do
 * (the data disk's ID, the slot's host key, the credentials) is a HostValues the caller resolves:
 * the components from their Outputs, the plan from the recorded run.
 */
import { META_PATHS, SERVER_PATHS } from "../model/paths";
import { ClusterSecrets, ClusterSpec, HostSpec } from "../model/types";
import { traitsOf } from "../model/versions";
import type { HostRole } from "../model/vocabulary";
import { renderCeresDbToml } from "./ceresdbToml";
import { renderCeresMetaToml } from "./ceresmetaToml";
import { cloudInitFiles, renderCloudInit } from "./cloudInit";
import { RenderError } from "./common";

export type { HostRole };

/** What a host's files need that is known only once its resources exist. */
export interface HostValues {
  /** The data disk's ID (`d-...`): the setup script mounts it by its virtio serial. */
  dataDiskId?: string;
  /** The host slot's pinned key pair (components/hosts/hostKey.ts), installed by cloud-init. */
  hostKey?: { publicKey: string; privateKey: string };
  /** The credentials in a CeresDB node's config (OSS key, OBKV passwords). */
  secrets?: ClusterSecrets;
}

export type HostFileKind = "user-data" | "host-setup" | "logrotate" | "service-config";

export interface HostFile {
  kind: HostFileKind;
  /** Where the file lands: a path on the host, or in `container` when it is uploaded into it. */
  path: string;
  /** The service container the file is uploaded into; absent for files on the host itself. */
  container?: string;
  /** Octal mode, e.g. `0755`. */
  mode: string;
  owner: string;
  /**
   * How it gets there: `user-data` is the ECS instance's user data (cloud-init keeps its copy at
   * the path), `cloud-init` a file that user data writes (`write_files`; the host apply command
   * re-installs the setup script on running hosts), `container-upload` the Docker provider's upload.
   */
  delivery: "user-data" | "cloud-init" | "container-upload";
  /** The content holds a secret (a private key, a credential): whoever carries it keeps it secret. */
  secret: boolean;
  /** The content, given the values it needs; a missing value is a RenderError naming it. */
  render(values: HostValues): string;
}

/** One host of the cluster and the service it runs. */
export interface ClusterHost {
  host: HostSpec;
  role: HostRole;
  /** The service's member name: the CeresMeta member name (`meta0`) or `node<index>`. */
  member: string;
  /** The service's container name on the host. */
  container: string;
  /** What the service listens on, by name (host networking: on the host's own addresses). */
  ports: Record<string, number>;
}

/** Where cloud-init keeps the user data it was given (cloud-init's instance directory). */
export const USER_DATA_PATH = "/var/lib/cloud/instance/user-data.txt";

/** Every host of the spec, members first, each in index order as the components create them. */
export function clusterHosts(spec: ClusterSpec): ClusterHost[] {
  const p = spec.ports;
  const metaPorts = { client: p.metaClient, peer: p.metaPeer, http: p.metaHttp };
  const serverPorts = { grpc: p.grpc, http: p.http, mysql: p.mysql, ...(traitsOf(spec.version).postgresql ? { postgresql: p.postgresql } : {}) };
  return [
    ...spec.meta.map((m) => ({ host: m.host, role: "meta" as const, member: m.memberName, container: "ceresmeta", ports: metaPorts })),
    ...spec.nodes.map((n) => ({ host: n.host, role: "server" as const, member: `node${n.index}`, container: "ceresdb", ports: serverPorts })),
  ];
}

/** The cluster host `host` is (by name and private IP); a host of no role of this spec throws. */
export function clusterHost(spec: ClusterSpec, host: HostSpec): ClusterHost {
  const found = clusterHosts(spec).find((h) => h.host.name === host.name && h.host.privateIp === host.privateIp);
  if (!found) throw new RenderError("host", `${host.name} (${host.privateIp}) is not a host of this spec`);
  return found;
}

function need<K extends keyof HostValues>(values: HostValues, key: K, file: string): NonNullable<HostValues[K]> {
  const v = values[key];
  if (v === undefined) throw new RenderError(file, `needs ${key}`);
  return v as NonNullable<HostValues[K]>;
}

/** Every file the stack puts on `host`, in a stable order: the user data, what it writes, the service's config. */
export function hostFiles(spec: ClusterSpec, host: HostSpec): HostFile[] {
  const { role, container } = clusterHost(spec, host);
  // The files cloud-init writes: their paths and modes do not depend on the disk, so one render
  // with a stand-in ID lists them; each file renders its own content with the real one.
  const written = cloudInitFiles(spec, host, role, "d-0").map((f, i): HostFile => ({
    kind: i === 0 ? "host-setup" : "logrotate",
    path: f.path,
    mode: f.permissions,
    owner: f.owner,
    delivery: "cloud-init",
    secret: false,
    render: (v) => cloudInitFiles(spec, host, role, need(v, "dataDiskId", f.path))[i].content,
  }));
  const userData: HostFile = {
    kind: "user-data",
    path: USER_DATA_PATH,
    mode: "0600",
    owner: "root:root",
    delivery: "user-data",
    // It carries the host's private key.
    secret: true,
    render: (v) => renderCloudInit(spec, host, role, need(v, "dataDiskId", USER_DATA_PATH), v.hostKey),
  };
  const config: HostFile =
    role === "meta"
      ? {
          kind: "service-config",
          path: META_PATHS.configInContainer,
          container,
          mode: "0644",
          owner: "root:root",
          delivery: "container-upload",
          secret: false,
          render: () => renderCeresMetaToml(spec, memberOf(spec, host)),
        }
      : {
          kind: "service-config",
          path: SERVER_PATHS.configInContainer,
          container,
          mode: "0644",
          owner: "root:root",
          delivery: "container-upload",
          // The OSS key (and the OBKV passwords) are in it.
          secret: true,
          render: (v) => renderCeresDbToml(spec, nodeOf(spec, host), need(v, "secrets", SERVER_PATHS.configInContainer)),
        };
  return [userData, ...written, config];
}

/** The one file of `kind` on `host`. */
export function hostFile(spec: ClusterSpec, host: HostSpec, kind: HostFileKind): HostFile {
  const f = hostFiles(spec, host).find((x) => x.kind === kind);
  if (!f) throw new RenderError("host", `${host.name} has no ${kind} file`);
  return f;
}

function memberOf(spec: ClusterSpec, host: HostSpec) {
  return spec.meta.find((m) => m.host.name === host.name)!;
}

function nodeOf(spec: ClusterSpec, host: HostSpec) {
  return spec.nodes.find((n) => n.host.name === host.name)!;
}
