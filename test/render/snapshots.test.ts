/**
 * Golden files: one per distinct rendered shape, not one per host. Every file rendered for every
 * fixture (ceresmeta.toml per member, ceresdb.toml per node, cloud-init per host) is reduced to its
 * shape: the text with what differs from member to member and stack to stack masked (the values of
 * the VARYING keys, and the stack's, member's and host's names and IPs where comments and scripts
 * name them). Files with the same shape share one golden file, the first of them in fixture order;
 * every other file is its golden but for those masked values, and every masked value is asserted
 * directly against the spec below. So every byte of every rendered file is still pinned down.
 *
 * A diff here is a change to what lands on hosts; review the .snap diff like a config change
 * (`npx jest test/render/snapshots -u` to accept). A new shape fails "the shapes" until it is added
 * to SHAPES, on purpose.
 */
import * as TOML from "@iarna/toml";
import { renderCeresDbToml, renderCeresMetaToml, renderCloudInit } from "../../components/render";
import { diskByIdPath, hostRevision } from "../../components/render/cloudInit";
import { ClusterSpec, HostSpec } from "../../components/model/types";
import { ALL_FIXTURES, fakeDiskId, fakeSecrets } from "../fixtures/specs";

type Kind = "ceresmeta.toml" | "ceresdb.toml" | "cloud-init";

interface Rendered {
  kind: Kind;
  /** fixture/member or fixture/host */
  label: string;
  text: string;
  /** Dotted TOML keys whose values differ between files of one shape, with the value the spec calls for. */
  varying: Record<string, unknown>;
  /** Strings that name this stack, member or host in comments and scripts, longest first. */
  names: string[];
}

const stackName = (spec: ClusterSpec) => `${spec.project}/${spec.stack} (${spec.namePrefix})`;

function metaFile(fixture: string, spec: ClusterSpec, i: number): Rendered {
  const m = spec.meta[i];
  const ip = m.host.privateIp;
  return {
    kind: "ceresmeta.toml",
    label: `${fixture}/${m.memberName}`,
    text: renderCeresMetaToml(spec, m),
    varying: {
      "node-name": m.memberName,
      "advertise-client-urls": `http://${ip}:${spec.ports.metaClient}`,
      "advertise-peer-urls": `http://${ip}:${spec.ports.metaPeer}`,
      "initial-cluster": spec.meta.map((x) => `${x.memberName}=http://${x.host.privateIp}:${spec.ports.metaPeer}`).join(","),
      "initial-cluster-token": spec.bootstrap.initialClusterToken,
      "default-cluster-node-count": spec.bootstrap.nodeCount,
      "default-cluster-shard-total": spec.bootstrap.shardTotal,
      "topology-type": spec.bootstrap.topology,
    },
    names: [stackName(spec), `Member ${m.memberName} (index ${m.index}) on host ${m.host.name} (${ip})`, ip],
  };
}

function serverFile(fixture: string, spec: ClusterSpec, i: number): Rendered {
  const n = spec.nodes[i];
  const ip = n.host.privateIp;
  return {
    kind: "ceresdb.toml",
    label: `${fixture}/${n.host.name}`,
    text: renderCeresDbToml(spec, n, fakeSecrets),
    varying: {
      "node.addr": ip,
      "cluster_deployment.meta_client.meta_addr": `http://${spec.loadBalancers.meta.address}:${spec.ports.metaClient}`,
      "cluster_deployment.etcd_client.server_addrs": spec.meta.map((m) => `${m.host.privateIp}:${spec.ports.metaClient}`),
      "analytic.storage.object_store.bucket": spec.storage.bucket,
      "analytic.storage.object_store.prefix": spec.storage.prefix,
    },
    names: [stackName(spec), `Node ${n.index} on host ${n.host.name} (${ip})`, `bucket ${spec.storage.bucket} under prefix ${spec.storage.prefix}`, ip],
  };
}

function cloudInitFile(fixture: string, spec: ClusterSpec, host: HostSpec, role: "meta" | "server"): Rendered {
  const disk = fakeDiskId(host.name);
  return {
    kind: "cloud-init",
    label: `${fixture}/${host.name}`,
    text: renderCloudInit(spec, host, role, disk),
    varying: {},
    // The script's header, its disk, the marker's host name and the revision it records; on a meta
    // host also the member's etcd endpoint and name in its backup script.
    names: [
      `${stackName(spec)}: host ${host.name}`,
      hostRevision(spec, host),
      diskByIdPath(disk),
      `'${host.name}'`,
      ...spec.meta
        .filter((m) => m.host.name === host.name)
        .flatMap((m) => [
          `ENDPOINT='http://${m.host.privateIp}:${spec.ports.metaClient}'`,
          `MEMBER='${m.memberName}'`,
          `CLUSTER='${spec.namePrefix}'`,
          spec.observability.metaBackup.prefix,
          spec.storage.bucket,
        ]),
    ],
  };
}

const FILES: Rendered[] = Object.entries(ALL_FIXTURES).flatMap(([fixture, spec]) => [
  ...spec.meta.map((_m, i) => metaFile(fixture, spec, i)),
  ...spec.nodes.map((_n, i) => serverFile(fixture, spec, i)),
  ...spec.meta.map((m) => cloudInitFile(fixture, spec, m.host, "meta")),
  ...spec.nodes.map((n) => cloudInitFile(fixture, spec, n.host, "server")),
]);

/** The TOML line of dotted key `key` (tables tracked by their headers), if any. */
function tomlKeyOf(line: string, table: string): string | undefined {
  const m = /^\s*([A-Za-z0-9_-]+) = /.exec(line);
  return m ? (table ? `${table}.${m[1]}` : m[1]) : undefined;
}

/** The file with its VARYING values and its names masked: equal for two files of one shape. */
function shape(f: Rendered): string {
  let table = "";
  const lines = f.text.split("\n").map((line) => {
    const header = /^\s*\[([^\]]+)\]\s*$/.exec(line);
    if (header) table = header[1];
    const key = tomlKeyOf(line, table);
    return key !== undefined && key in f.varying ? line.replace(/ = .*$/, " = <varying>") : line;
  });
  return f.names.reduce((text, name, i) => text.split(name).join(`<name ${i}>`), lines.join("\n"));
}

function get(doc: unknown, dotted: string): unknown {
  return dotted.split(".").reduce<unknown>((o, k) => (o as Record<string, unknown> | undefined)?.[k], doc);
}

/** Files grouped by shape, in fixture order; the first of each group is its golden file. */
const SHAPE_GROUPS = new Map<string, Rendered[]>();
for (const f of FILES) {
  const key = `${f.kind}\n${shape(f)}`;
  SHAPE_GROUPS.set(key, [...(SHAPE_GROUPS.get(key) ?? []), f]);
}
const GOLDEN = [...SHAPE_GROUPS.values()].map((g) => g[0]);

/**
 * What really varies, one golden each: CeresMeta by the version's HTTP port key (v1.2.2/v1.2.4
 * `default-http-port`, v1.2.7 `http-port`; the version is in the header too), CeresDB by version
 * traits and WAL kind, and by five members (the TOML writer wraps the longer server_addrs array
 * over lines), cloud-init by role only (not by WAL, version, topology or counts).
 */
const SHAPES = [
  "ceresmeta.toml rocksdbStatic/meta0",
  "ceresmeta.toml kafkaV122/meta0",
  "ceresmeta.toml kafkaV124/meta0",
  "ceresdb.toml rocksdbStatic/node-0",
  "ceresdb.toml obkvDynamic/node-0",
  "ceresdb.toml kafkaDynamic/node-0",
  "ceresdb.toml large/node-0",
  "ceresdb.toml kafkaV122/node-0",
  "ceresdb.toml kafkaV124/node-0",
  "ceresdb.toml rocksdbV122/node-0",
  "cloud-init rocksdbStatic/meta-0",
  "cloud-init rocksdbStatic/node-0",
];

test("the shapes: one golden file per distinct rendered shape, each named", () => {
  expect(GOLDEN.map((g) => `${g.kind} ${g.label}`).sort()).toEqual([...SHAPES].sort());
  expect(FILES).toHaveLength(126);
});

test.each(GOLDEN.map((g) => [`${g.kind} ${g.label}`, g] as const))("golden file: %s", (_name, g) => {
  expect(g.text).toMatchSnapshot();
});

describe.each(FILES.map((f) => [`${f.kind} ${f.label}`, f] as const))("%s", (_name, f) => {
  test("every varying value is the spec's", () => {
    const doc = f.kind === "cloud-init" ? {} : TOML.parse(f.text);
    for (const [key, want] of Object.entries(f.varying)) expect([key, get(doc, key)]).toEqual([key, want]);
  });
  test("names its stack, member and host where its golden file names its own", () => {
    for (const name of f.names) expect(f.text).toContain(name);
  });
});

test("per-member files differ from their golden only in the member's own values", () => {
  // The masks are no wider than they must be: two members of one fixture differ in their
  // member-specific values, and in nothing that is not masked.
  const [m0, m1] = [metaFile("rocksdbStatic", ALL_FIXTURES.rocksdbStatic, 0), metaFile("rocksdbStatic", ALL_FIXTURES.rocksdbStatic, 1)];
  const changed = m0.text.split("\n").filter((l, i) => l !== m1.text.split("\n")[i]);
  expect(changed.map((l) => l.replace(/ = .*/, "").replace(/^# (\S+).*/, "# $1"))).toEqual(["# Member", "# -", "node-name", "advertise-client-urls", "advertise-peer-urls"]);
  const [n0, n1] = [serverFile("rocksdbStatic", ALL_FIXTURES.rocksdbStatic, 0), serverFile("rocksdbStatic", ALL_FIXTURES.rocksdbStatic, 1)];
  expect(n0.text.split("\n").filter((l, i) => l !== n1.text.split("\n")[i]).map((l) => l.trim().replace(/ = .*/, "").replace(/^# (\S+).*/, "# $1"))).toEqual(["# Node", "# -", "addr"]);
});
