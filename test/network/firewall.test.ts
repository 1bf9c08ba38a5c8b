/**
 * The CeresDB HTTP port serves `GET /debug/config`: the whole parsed config, OSS `key_secret` and
 * OBKV passwords included (apache/horaedb server/src/http.rs `server_config`, fed by
 * `toml::to_string(&config)` in src/setup.rs at v1.2.2..v1.2.6 and src/ceresdb/src/setup.rs at
 * v1.2.7). So no client CIDR may reach it; clients get gRPC, MySQL and PostgreSQL.
 */
import { httpSources, ingressRules, IngressRule } from "../../components/network/firewall";
import { ALL_FIXTURES, rocksdbStatic, rocksdbV122 } from "../fixtures/specs";
import { ClusterSpec } from "../../components/model/types";
import { clusterOutputs } from "../../components/cluster/cluster";

const cidrsOf = (rules: IngressRule[], service: string) =>
  rules.filter((r) => r.role === "server" && r.service === service).flatMap((r) => ("cidr" in r.source ? [r.source.cidr] : []));
const groupsOf = (rules: IngressRule[], service: string) =>
  rules.filter((r) => r.role === "server" && r.service === service).flatMap((r) => ("group" in r.source ? [r.source.group] : []));

describe("CeresDB HTTP port (5440) is not a client port", () => {
  test.each(Object.entries(ALL_FIXTURES))("%s: no client CIDR reaches HTTP; admins do; only the server group", (_name, spec) => {
    const rules = ingressRules(spec);
    const http = cidrsOf(rules, "http");
    for (const c of spec.network.clientCidrs) {
      if (!spec.network.adminCidrs.includes(c)) expect(http).not.toContain(c);
    }
    expect(http.sort()).toEqual([...spec.network.adminCidrs].sort());
    expect(groupsOf(rules, "http")).toEqual(["server"]);
  });

  test("clients keep gRPC, MySQL and (v1.2.6+) PostgreSQL", () => {
    const rules = ingressRules(rocksdbStatic);
    for (const service of ["grpc", "mysql", "postgresql"]) {
      expect(cidrsOf(rules, service)).toEqual(expect.arrayContaining(rocksdbStatic.network.clientCidrs));
    }
    expect(cidrsOf(ingressRules(rocksdbV122), "postgresql")).toEqual([]);
  });

  test("a public cluster (clientCidrs 0.0.0.0/0) still keeps HTTP private", () => {
    const spec: ClusterSpec = { ...rocksdbStatic, network: { ...rocksdbStatic.network, clientCidrs: ["0.0.0.0/0"] } };
    expect(cidrsOf(ingressRules(spec), "http")).toEqual(spec.network.adminCidrs);
    expect(cidrsOf(ingressRules(spec), "grpc")).toContain("0.0.0.0/0");
  });

  test("a monitoring source, once given, reaches HTTP and nothing else", () => {
    const spec: ClusterSpec = { ...rocksdbStatic, network: { ...rocksdbStatic.network, monitoringCidrs: ["10.50.0.0/24"] } };
    expect(httpSources(spec)).toEqual([...spec.network.adminCidrs, "10.50.0.0/24"]);
    const rules = ingressRules(spec);
    expect(cidrsOf(rules, "http")).toContain("10.50.0.0/24");
    const elsewhere = rules.filter((r) => r.service !== "http" && "cidr" in r.source && r.source.cidr === "10.50.0.0/24");
    expect(elsewhere).toEqual([]);
  });
});

describe("stack outputs", () => {
  test("the HTTP endpoint is an admin endpoint, not a client one; clients get PostgreSQL from v1.2.6", () => {
    const out = clusterOutputs(rocksdbStatic, "bucket", "10.20.1.9") as Record<string, unknown>;
    expect(out.httpEndpoints).toBeUndefined();
    expect(out.adminHttpEndpoints).toEqual(rocksdbStatic.nodes.map((n) => `http://${n.host.privateIp}:${rocksdbStatic.ports.http}`));
    expect(out.postgresqlEndpoints).toEqual(rocksdbStatic.nodes.map((n) => `${n.host.privateIp}:${rocksdbStatic.ports.postgresql}`));
    expect((clusterOutputs(rocksdbV122, "bucket", "10.20.1.9") as Record<string, unknown>).postgresqlEndpoints).toEqual([]);
  });

  test("metaEndpoint is the meta load balancer, never a member", () => {
    const out = clusterOutputs(rocksdbStatic, "bucket", "10.20.1.9");
    expect(out.metaEndpoint).toBe("http://10.20.1.8:2379");
    expect(out.metaEndpoints).not.toContain(out.metaEndpoint);
  });
});
