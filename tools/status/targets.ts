/**
 * What `npm run status` asks, from the stack outputs (index.ts, clusterOutputs in
 * components/cluster/cluster.ts). Accepts both shapes the outputs come in: the Automation API's
 * `{name: {value, secret}}` and `pulumi stack output --json`'s `{name: value}`.
 */
import { CeresVersion, traitsOf, VERSION_TRAITS, VersionTraits } from "../../components/model/versions";

export interface StatusTargets {
  version: string;
  traits: VersionTraits;
  clusterName: string;
  /** One per member: name, HTTP API base URL, etcd client URL (what the leader API names). */
  members: { name: string; http: string; client: string }[];
  /** One per node: name, admin HTTP base URL, CeresMeta node name (`ip:grpcPort`). */
  nodes: { name: string; http: string; nodeName: string }[];
  metaEndpoint?: string;
  clientEndpoints: Record<string, string>;
}

type Outputs = Record<string, unknown>;

/** Flattens Automation API outputs (`{value}` wrappers) to plain values. */
export function plainOutputs(raw: Outputs): Outputs {
  const out: Outputs = {};
  for (const [k, v] of Object.entries(raw)) {
    const wrapped = v !== null && typeof v === "object" && "value" in (v as object) && Object.keys(v as object).every((x) => x === "value" || x === "secret");
    out[k] = wrapped ? (v as { value: unknown }).value : v;
  }
  return out;
}

const strings = (v: unknown): string[] | undefined => (Array.isArray(v) && v.every((x) => typeof x === "string") ? (v as string[]) : undefined);
const hostOf = (url: string) => url.replace(/^https?:\/\//, "").replace(/:\d+\/?$/, "");

/** Every missing or ill-typed output at once, or the targets. */
export function targetsFrom(raw: Outputs): { targets?: StatusTargets; problems: string[] } {
  const o = plainOutputs(raw);
  const problems: string[] = [];
  const version = typeof o.version === "string" ? o.version : "";
  const traits: VersionTraits | undefined = Object.hasOwn(VERSION_TRAITS, version) ? traitsOf(version as CeresVersion) : undefined;
  if (!traits) problems.push(`output version: ${JSON.stringify(o.version)} is not a supported version`);
  const metaHttp = strings(o.metaHttpEndpoints);
  const metaClient = strings(o.metaEndpoints);
  const adminHttp = strings(o.adminHttpEndpoints);
  const grpc = strings(o.grpcEndpoints);
  if (!metaHttp?.length) problems.push("output metaHttpEndpoints: missing or not a list of URLs");
  if (!metaClient || metaClient.length !== metaHttp?.length) problems.push("output metaEndpoints: missing or not one per metaHttpEndpoints entry");
  if (!adminHttp) problems.push("output adminHttpEndpoints: missing or not a list of URLs");
  if (!grpc || grpc.length !== adminHttp?.length) problems.push("output grpcEndpoints: missing or not one per adminHttpEndpoints entry");
  const boot = o.clusterBootstrap as { clusterName?: unknown } | undefined;
  if (typeof boot?.clusterName !== "string") problems.push("output clusterBootstrap.clusterName: missing");
  if (problems.length) return { problems };
  const hostIps = (o.hostIps ?? {}) as { meta?: Record<string, string>; nodes?: Record<string, string> };
  const nameOf = (table: Record<string, string> | undefined, ip: string) => Object.entries(table ?? {}).find(([, v]) => v === ip)?.[0] ?? ip;
  return {
    problems,
    targets: {
      version,
      traits: traits!,
      clusterName: boot!.clusterName as string,
      members: metaHttp!.map((h, i) => ({ name: nameOf(hostIps.meta, hostOf(h)), http: h.replace(/\/$/, ""), client: metaClient![i] })),
      nodes: adminHttp!.map((h, i) => ({ name: nameOf(hostIps.nodes, hostOf(h)), http: h.replace(/\/$/, ""), nodeName: grpc![i] })),
      metaEndpoint: typeof o.metaEndpoint === "string" ? o.metaEndpoint : undefined,
      clientEndpoints: (o.clientEndpoints ?? {}) as Record<string, string>,
    },
  };
}
