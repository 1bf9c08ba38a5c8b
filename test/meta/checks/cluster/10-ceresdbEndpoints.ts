/** 4. What CeresDB points at: the addresses renderCeresDbToml writes are served by this cluster. */
import { renderCeresDbToml } from "../../../../components/render";
import { fakeSecrets } from "../../../fixtures/specs";
import { clientEndpoint, ClusterChecks, RUN_ID } from "../../harness";
import { etcdClient, get, getNodes, parse, storedClusters, withTimeout } from "../../protocol";

export const checks: ClusterChecks = {
  title: "CeresDB TOML endpoints",
  async run({ proof, spec, members, meta, cluster }) {
    proof.section("CeresDB TOML endpoints (etcd_client.server_addrs, root_path, meta_client.meta_addr)");
    const db = parse(renderCeresDbToml(spec, spec.nodes[0], fakeSecrets, { allowLoopback: true }));
    const addrs = get(db, "cluster_deployment.etcd_client.server_addrs") as string[];
    const rootPath = get(db, "cluster_deployment.etcd_client.root_path") as string;
    const clusterName = get(db, "cluster_deployment.meta_client.cluster_name") as string;
    const metaAddr = get(db, "cluster_deployment.meta_client.meta_addr") as string;
    proof.expect(rootPath === meta["storage-root-path"], "root_path == CeresMeta storage-root-path", rootPath);
    proof.expect(clusterName === meta["default-cluster-name"] && clusterName === cluster.name, "cluster_name == default-cluster-name == the cluster the leader created", clusterName);
    const advertised = members.map(clientEndpoint);
    proof.expect(JSON.stringify(addrs) === JSON.stringify(advertised), "server_addrs == every member's advertised client endpoint", addrs.join(","));

    for (const a of addrs) {
      const seen = await storedClusters(a, rootPath);
      proof.expect(seen.length === 1 && seen[0].key === cluster.key, `via ${a}: CeresMeta's keys under root_path are served (${cluster.key})`, "", JSON.stringify(seen.map((c) => c.key)));
    }
    // What CeresDB does with these: shard locks under {root_path}/{cluster_name}/shards.
    const key = `${rootPath}/${clusterName}/shards/meta-proof-${RUN_ID}`;
    const writer = etcdClient(addrs[0]);
    const lease = writer.lease(30, { autoKeepAlive: false });
    await withTimeout(lease.put(key).value("node-0").exec(), `put ${key}`);
    for (const a of addrs) {
      const r = etcdClient(a);
      const v = await withTimeout(r.get(key).string(), `get via ${a}`);
      r.close();
      proof.expect(v === "node-0", `lease-bound shard-lock key written via ${addrs[0]} is read via ${a}`, key, `got ${v}`);
    }
    await withTimeout(lease.revoke(), "revoke");
    const gone = await withTimeout(etcdClient(addrs[1]).get(key).string(), "get after revoke");
    proof.expect(gone === null, "revoking the lease removes the key (lock semantics work)", key, `still ${gone}`);
    writer.close();

    // meta_addr names the meta load balancer, not a member (issue 10); calls through it are
    // proven in 30-metaLoadBalancer, where HAProxy stands at that address.
    const u = new URL(metaAddr);
    const lb = spec.loadBalancers.meta;
    proof.expect(
      u.protocol === "http:" && u.pathname === "/" && u.host === `${lb.address}:${lb.listeners[0].port}` && !addrs.includes(u.host),
      "meta_addr is http://<the meta load balancer>, no single member",
      metaAddr,
    );
    for (const a of addrs) {
      const r = await getNodes(a, clusterName);
      proof.expect(r.code === 0n, `GetNodes via ${a} (forwarded to the leader if a follower): code 0`, "", `code ${r.code}: ${r.error}`);
    }
    const control = await getNodes(addrs[0], "no-such-cluster");
    proof.expect(control.code !== 0n, "control: GetNodes for an unknown cluster name is refused", `code ${control.code}: ${control.error}`, "answered code 0");
  },
};
