import { ClusterSpec } from "../model/types";
import { traitsOf } from "../model/versions";
import { NODE_EXPORTER_PORT } from "../model/vocabulary";
import type { HostRole } from "../model/vocabulary";

/**
 * The firewall as data: every ingress rule of both roles, one rule per port and source. Pure, so
 * the rule set can be tested and shown in the plan without creating anything.
 *
 * - etcd peer and client ports and the CeresMeta HTTP API: only from the cluster's own groups
 *   (plus the admin CIDRs for the HTTP API, used by the member replacement procedure).
 * - CeresDB client ports (gRPC, MySQL, PostgreSQL): from the client CIDRs (and between nodes,
 *   which forward requests).
 * - CeresDB HTTP port: never from the client CIDRs. `GET /debug/config` on it returns the whole
 *   parsed config, OSS `key_secret` and OBKV passwords included (apache/horaedb
 *   server/src/http.rs `server_config` and src/setup.rs `toml::to_string(&config)`, at v1.2.2,
 *   v1.2.4, v1.2.5, v1.2.6; src/ceresdb/src/setup.rs at v1.2.7; no field is `skip_serializing`).
 *   Only the nodes themselves, the admin CIDRs and the monitoring CIDRs (`httpSources`) reach it.
 * - SSH: only from the admin CIDRs and the bastion.
 * - Metrics (node exporter on every host, etcd `/metrics` on the client port, CeresDB `/metrics`
 *   on the HTTP port): only from the monitoring source, `monitoringSources`: the ARMS agent's own
 *   security group (`ceresdb:monitoring arms`) or the CIDRs of an external Prometheus (never the
 *   etcd client port: see below). With monitoring off nothing reaches node exporter.
 */

/** The security groups of the two roles, named by the roles' cloud word. */
export type Role = HostRole;
/** `monitor`: the security group the ARMS Prometheus agent runs in (created only with `ceresdb:monitoring arms`). */
export type SourceGroup = Role | "monitor";
export type RuleSource = { group: SourceGroup } | { cidr: string };

export interface IngressRule {
  /** The group the rule belongs to. */
  role: Role;
  /** Port name (for rule names and descriptions). */
  service: string;
  port: number;
  source: RuleSource;
  description: string;
}

const IPV4_LITERAL = /^\d{1,3}(\.\d{1,3}){3}$/;

/** Where SSH may come from: the admin CIDRs, and the bastion when it is given as an IP. */
export function sshSources(spec: ClusterSpec): string[] {
  const b = spec.access.bastion;
  const bastion = b && IPV4_LITERAL.test(b.host) ? [`${b.host}/32`] : [];
  return [...new Set([...spec.network.adminCidrs, ...bastion])];
}

/**
 * CIDRs that may reach the CeresDB HTTP port: the admin CIDRs and any monitoring source (a
 * Prometheus scraping `/metrics`; `network.monitoringCidrs`, which no setting fills yet). Never
 * the client CIDRs: the port serves the config with its secrets to anyone who asks.
 */
export function httpSources(spec: ClusterSpec): string[] {
  return [...new Set([...spec.network.adminCidrs, ...(spec.network.monitoringCidrs ?? [])])];
}

/** Where metrics scrapes come from: the ARMS agent's group, or an external Prometheus's CIDRs. */
export function monitoringSources(spec: ClusterSpec): RuleSource[] {
  const obs = spec.observability;
  if (obs.monitoring === "arms") return [{ group: "monitor" }];
  if (obs.monitoring === "external") return obs.monitoringCidrs.map((cidr) => ({ cidr }));
  return [];
}

export function ingressRules(spec: ClusterSpec): IngressRule[] {
  const p = spec.ports;
  const rules: IngressRule[] = [];
  const add = (role: Role, service: string, port: number, sources: RuleSource[], why: string) => {
    for (const source of sources) rules.push({ role, service, port, source, description: why });
  };
  const cidrs = (list: string[]) => list.map((cidr) => ({ cidr }));
  const meta = { group: "meta" as const };
  const server = { group: "server" as const };

  add("meta", "etcd-peer", p.metaPeer, [meta], "etcd peer traffic between CeresMeta members");
  add("meta", "etcd-client", p.metaClient, [meta, server], "etcd client and CeresMeta gRPC, from members and CeresDB nodes");
  add("meta", "meta-http", p.metaHttp, [meta, ...cidrs(spec.network.adminCidrs)], "CeresMeta HTTP API: leader forwarding and admin procedures");
  // Nodes reach the HTTP API only for a dynamic cluster's shard hand-off before a scale-in (render/shardHandoff.ts).
  if (spec.bootstrap.topology === "dynamic") add("meta", "meta-http", p.metaHttp, [server], "CeresMeta HTTP API: shard hand-off of a node being removed");
  add("meta", "ssh", 22, cidrs(sshSources(spec)), "SSH for Docker and health gates, from admins and the bastion");

  add("server", "grpc", p.grpc, [server, meta, ...cidrs(spec.network.clientCidrs)], "CeresDB gRPC: clients, forwarding between nodes, CeresMeta events");
  // CeresMeta reaches nodes over gRPC only (apache/incubator-horaedb-meta
  // server/coordinator/eventdispatch/dispatch_impl.go@v1.2.2..v1.2.7, a MetaEventService client; no HTTP
  // client to nodes), so the meta group is not a source of the HTTP port.
  add("server", "http", p.http, [server, ...cidrs(httpSources(spec))], "CeresDB HTTP API (serves its config, secrets included): nodes, admins, monitoring");
  add("server", "mysql", p.mysql, cidrs(spec.network.clientCidrs), "CeresDB MySQL protocol");
  if (traitsOf(spec.version).postgresql) {
    add("server", "postgresql", p.postgresql, cidrs(spec.network.clientCidrs), "CeresDB PostgreSQL protocol");
  }
  add("server", "ssh", 22, cidrs(sshSources(spec)), "SSH for Docker and health gates, from admins and the bastion");

  const monitoring = monitoringSources(spec);
  add("meta", "node-exporter", NODE_EXPORTER_PORT, monitoring, "node exporter metrics, from the monitoring source");
  add("server", "node-exporter", NODE_EXPORTER_PORT, monitoring, "node exporter metrics, from the monitoring source");
  // etcd serves /metrics only on its client port (CeresMeta has no setting for a separate metrics
  // listener), and that port gives full, unauthenticated etcd access: only the ARMS agent's own
  // group may reach it, never a CIDR (policy meta-ports-restricted). An external Prometheus
  // therefore gets no etcd job (renderPrometheusConfig, monitoring external).
  add("meta", "etcd-client", p.metaClient, monitoring.filter((m) => "group" in m), "etcd /metrics on the client port, from the ARMS agent");
  add("server", "http", p.http, monitoring.filter((m) => "group" in m), "CeresDB /metrics on the HTTP port, from the ARMS agent");
  return rules;
}

/** A stable, readable resource-name suffix for a rule, e.g. `meta-etcd-client-from-server`. */
export function ruleName(rule: IngressRule): string {
  const from = "group" in rule.source ? rule.source.group : rule.source.cidr.replace(/[./]/g, "-");
  return `${rule.role}-${rule.service}-from-${from}`;
}
