/**
 * What happens to running hosts when their settings change, as the real program registers it
 * under mocks, checked against what the providers do with each input (provider-contract table,
 * components/contracts/providers.ts, written from terraform-provider-alicloud v1.294.x and
 * kreuzwerker/terraform-provider-docker v4.5.x; each rule cites its file).
 */
import { changeKind } from "../../components/contracts/providers";
import { hostReplacementProblems, HostLockInputs } from "../../components/hosts/hostLock";
import YAML from "yaml";
import { OfflineRun, runOffline, unwrapSecrets } from "../../tools/plan/offline";
import { byType, named } from "../helpers/recorded";

const INSTANCE = "alicloud:ecs/instance:Instance";
const DISK = "alicloud:ecs/ecsDisk:EcsDisk";
const LOCK = "pulumi-nodejs:dynamic/ceresdb:HostLock";
const ROLL = "command:local:Command";

function lockOf(run: OfflineRun, host: string): HostLockInputs {
  const r = byType(run, LOCK).find((l) => l.inputs.host === host);
  if (!r) throw new Error(`no lock for ${host}`);
  return r.inputs as unknown as HostLockInputs;
}

const NEW_KEY = "ecdsa-sha2-nistp256 AAAAE2VjZHNhLXNoYTItbmlzdHAyNTYAAAAIbmlzdHAyNTYAAABBBAAnr00XH1lC/vXA/qS2plTQ1IvHGJjVv07mbRVEFdIG87fGJ3fyjQsRJ3XoZu8DlJltog1NxfbVkr36sX7hB7g=";

describe("dev (test class, public IPs)", () => {
  let dev: OfflineRun;
  let rotated: OfflineRun;
  beforeAll(async () => {
    dev = await runOffline({ stack: "dev" });
    rotated = await runOffline({ stack: "dev", overrides: { "ceresdb:sshPublicKey": NEW_KEY } });
  });

  test("the instance ignores userData: a change would stop and start it and cloud-init would not run it", () => {
    // The table says why: userData is `restart` (modifyInstanceAttribute sets reboot).
    expect(changeKind(INSTANCE, "userData")).toBe("restart");
    for (const i of byType(dev, INSTANCE)) expect(i.options?.ignoreChanges).toEqual(expect.arrayContaining(["userData"]));
  });

  test("a setup command per host carries the current setup script and runs after the host is ready", () => {
    for (const i of byType(dev, INSTANCE)) {
      const host = i.parent!;
      const setup = named(dev, `${host}-setup`);
      const disk = byType(dev, DISK).find((d) => d.parent === host)!;
      expect(setup.dependsOn).toEqual([`${host}-ready`, `${host}-data`]);
      expect(String(setup.inputs.update)).toBe(String(setup.inputs.create));
      // The script inside is the one cloud-init got at first boot (same renderer, same disk).
      const cloudInit = YAML.parse(String(unwrapSecrets(i.inputs.userData)).replace(/^#cloud-config\n/, "")) as { write_files: { content: string }[] };
      expect(String(setup.inputs.create)).toContain(cloudInit.write_files[0].content);
      expect(cloudInit.write_files[0].content).toContain(`virtio-${String(disk.id).slice(2, 22)}`);
      // Docker is used only once the setup has run.
      expect(named(dev, `${host}-docker`).dependsOn).toEqual([`${host}-ready`, `${host}-setup`]);
    }
  });

  test("data disks resize online, and the setup grows the filesystem", () => {
    expect(changeKind(DISK, "size")).not.toBe("replace");
    for (const d of byType(dev, DISK)) expect(d.inputs.type).toBe("online");
    expect(String(named(dev, "ceresdb-dev-node-0-host-setup").inputs.create)).toMatch(/STEP=disk-grow\n(#.*\n)*resize2fs "\$DEVICE"/);
  });

  test("a health-check change alone replaces the container (the docker provider neither updates nor replaces it)", () => {
    for (const c of byType(dev, "docker:index/container:Container")) expect(c.options?.replaceOnChanges).toEqual(["healthcheck"]);
    for (const other of dev.resources.filter((r) => r.type !== "docker:index/container:Container")) {
      expect(other.options?.replaceOnChanges ?? []).not.toContain("healthcheck");
    }
  });

  test("a replaced instance gets its image pulled and its container created again (same IP, same Docker provider config)", () => {
    // The provider table says which inputs replace: pull_triggers and labels are ForceNew.
    expect(changeKind("docker:index/remoteImage:RemoteImage", "pullTriggers")).toBe("replace");
    expect(changeKind("docker:index/container:Container", "labels")).toBe("replace");
    const instances = byType(dev, INSTANCE);
    const containers = byType(dev, "docker:index/container:Container");
    expect(containers.length).toBe(instances.length);
    for (const i of instances) {
      const service = dev.resources.filter((r) => r.type === "ceresdb:runtime:DockerService" && r.parent === i.parent!.replace(/-host$/, ""));
      expect(service).toHaveLength(1);
      const image = byType(dev, "docker:index/remoteImage:RemoteImage").find((r) => r.parent === service[0].name)!;
      const container = containers.find((r) => r.parent === service[0].name)!;
      // The value is the instance's own ID: a new instance is a new value, so both are replaced.
      expect(image.inputs.pullTriggers).toEqual([i.id]);
      expect(container.inputs.labels).toEqual(expect.arrayContaining([{ label: "ceresdb.instance", value: i.id }]));
    }
  });

  test("the RAM policy drops its oldest version instead of failing at the sixth change", () => {
    const policy = byType(dev, "alicloud:ram/policy:Policy");
    expect(policy).toHaveLength(1);
    expect(policy[0].inputs.rotateStrategy).toBe("DeleteOldestNonDefaultVersionWhenLimitExceeded");
  });

  test("public IPs are billed by traffic, stated explicitly", () => {
    const instances = byType(dev, INSTANCE);
    expect(instances.length).toBeGreaterThan(0);
    for (const i of instances) {
      expect(i.inputs.internetMaxBandwidthOut).toBeGreaterThan(0);
      expect(i.inputs.internetChargeType).toBe("PayByTraffic");
    }
  });

  test("a new key is a new key pair, which every instance moves to, and what the hosts' authorized_keys get", () => {
    const pair = (run: OfflineRun) => byType(run, "alicloud:ecs/ecsKeyPair:EcsKeyPair")[0];
    expect(pair(rotated).inputs.keyPairName).not.toBe(pair(dev).inputs.keyPairName);
    expect(pair(rotated).inputs.publicKey).toBe(NEW_KEY);
    for (const i of byType(rotated, INSTANCE)) {
      expect(i.inputs.keyName).toBe(pair(rotated).inputs.keyPairName);
      // key_name is applied in place with a reboot, not ignored: a replaced instance must boot with the new key.
      expect(i.options?.ignoreChanges ?? []).not.toContain("keyName");
      const setup = named(rotated, `${i.parent}-setup`);
      expect(String(setup.inputs.create)).toContain(`CERESDB_AUTHORIZED_KEYS'\n${NEW_KEY}\nCERESDB_AUTHORIZED_KEYS`);
    }
    expect(changeKind(INSTANCE, "keyName")).toBe("restart");
  });

  test("the reboot of a key change is in the host revision, so each member's gate waits for health before the next member", () => {
    const gate = (run: OfflineRun) => String(unwrapSecrets(named(run, "ceresdb-dev-meta-0-ceresmeta-gate").inputs.update));
    expect(gate(rotated)).not.toBe(gate(dev));
    expect(gate(rotated)).toContain(String(byType(rotated, "alicloud:ecs/ecsKeyPair:EcsKeyPair")[0].inputs.keyPairName));
  });

  test("during a rotation the hosts keep the retiring key too", async () => {
    const retiring = String(byType(dev, "alicloud:ecs/ecsKeyPair:EcsKeyPair")[0].inputs.publicKey);
    const run = await runOffline({ stack: "dev", overrides: { "ceresdb:sshPublicKey": NEW_KEY, "ceresdb:sshRetiringPublicKey": retiring } });
    expect(String(named(run, "ceresdb-dev-meta-1-host-setup").inputs.create)).toContain(`CERESDB_AUTHORIZED_KEYS'\n${NEW_KEY}\n${retiring}\nCERESDB_AUTHORIZED_KEYS`);
  });
});

describe("staging (protected, bastion, private hosts)", () => {
  let staging: OfflineRun;
  beforeAll(async () => {
    staging = await runOffline({ stack: "staging" });
  });

  test("the lock records exactly the inputs whose change replaces the instance or its disk", () => {
    const instance = byType(staging, INSTANCE).find((i) => i.parent === "ceresdb-staging-node-1-host")!;
    const disk = byType(staging, DISK).find((d) => d.parent === "ceresdb-staging-node-1-host")!;
    const lock = lockOf(staging, "node-1");
    const expected = [
      ...Object.keys(instance.inputs).filter((k) => changeKind(INSTANCE, k) === "replace").map((k) => `instance.${k}`),
      ...Object.keys(disk.inputs).filter((k) => changeKind(DISK, k) === "replace").map((k) => `dataDisk.${k}`),
    ].sort();
    expect(Object.keys(lock.replacing).sort()).toEqual(expected);
    expect(expected).toEqual(expect.arrayContaining(["instance.availabilityZone", "dataDisk.zoneId"]));
    expect(lock.protected).toBe(true);
    for (const k of Object.keys(lock.replacing)) {
      const [res, input] = k.split(".");
      expect(lock.replacing[k]).toBe((res === "instance" ? instance : disk).inputs[input]);
    }
  });

  test("the instance and its disk wait for the host's lock, so a refusal touches nothing", () => {
    for (const i of byType(staging, INSTANCE)) expect(i.dependsOn).toContain(`${i.parent}-lock`);
    for (const d of byType(staging, DISK)) expect(d.dependsOn).toContain(`${d.parent}-lock`);
  });

  test("reordering the zones of a protected stack is refused, naming each moved host, the setting and the way out", async () => {
    const zones = ["cn-hangzhou-i", "cn-hangzhou-h", "cn-hangzhou-j"];
    const reordered = await runOffline({ stack: "staging", overrides: { "ceresdb:zones": JSON.stringify(zones) } });
    const refused = byType(staging, LOCK)
      .map((l) => l.inputs as unknown as HostLockInputs)
      .flatMap((was) => hostReplacementProblems(was, lockOf(reordered, was.host)));
    const moved = byType(staging, INSTANCE).filter((i) => {
      const after = byType(reordered, INSTANCE).find((x) => x.name === i.name)!;
      return after.inputs.availabilityZone !== i.inputs.availabilityZone;
    });
    expect(moved.length).toBeGreaterThan(0);
    expect(refused).toHaveLength(moved.length);
    for (const f of refused) {
      expect(f.reason).toMatch(/^host (meta|node)-\d+: /);
      expect(f.reason).toMatch(/instance\.availabilityZone from "cn-hangzhou-[hij]" to "cn-hangzhou-[hij]" \(ceresdb:zones\)/);
      expect(f.reason).toMatch(/dataDisk\.zoneId from "cn-hangzhou-[hij]" to "cn-hangzhou-[hij]" \(ceresdb:zones\)/);
      expect(f.reason).toContain("ECS deletion protection is on (environment staging)");
      expect(f.reason).toContain("ceresdb:replaceHosts");
      expect(f.reason).toContain("pulumi state unprotect");
    }
  });

  test("replaceHosts: one pulumi up turns protection off for the listed host only, and the next may replace it", async () => {
    const step1 = await runOffline({ stack: "staging", overrides: { "ceresdb:replaceHosts": JSON.stringify(["node-1"]) } });
    const protection = (run: OfflineRun) => Object.fromEntries(byType(run, INSTANCE).map((i) => [i.parent, i.inputs.deletionProtection]));
    expect(protection(step1)["ceresdb-staging-node-1-host"]).toBe(false);
    expect(Object.entries(protection(step1)).filter(([, v]) => v === false).map(([k]) => k)).toEqual(["ceresdb-staging-node-1-host"]);
    // Tagged, so the policy pack's deletion-protection rule lets this one host through.
    const tagged = byType(step1, INSTANCE).filter((i) => (i.inputs.tags as Record<string, string>)["ceresdb-replace-requested"] === "true");
    expect(tagged.map((i) => i.parent)).toEqual(["ceresdb-staging-node-1-host"]);
    // Turning protection off replaces nothing: the lock lets it through, and deletionProtection updates in place.
    expect(hostReplacementProblems(lockOf(staging, "node-1"), lockOf(step1, "node-1"))).toEqual([]);
    expect(changeKind(INSTANCE, "deletionProtection")).toBe("update");
    // Recorded unprotected, a replacing change of node-1 passes; the same change of a protected host does not.
    const moved = (l: HostLockInputs) => ({ ...l, replacing: { ...l.replacing, "instance.availabilityZone": "cn-hangzhou-k" } });
    expect(hostReplacementProblems(lockOf(step1, "node-1"), moved(lockOf(step1, "node-1")))).toEqual([]);
    expect(hostReplacementProblems(lockOf(step1, "node-0"), moved(lockOf(step1, "node-0")))).toHaveLength(1);
  });

  test("node hosts roll: each node's instance waits for the previous node's roll gate, which needs no host to be created", () => {
    const gates = byType(staging, ROLL).filter((g) => g.parentType === "ceresdb:server:ServerNode");
    const nodes = byType(staging, INSTANCE).filter((i) => i.parent!.includes("-node-"));
    expect(gates).toHaveLength(nodes.length);
    for (let i = 1; i < nodes.length; i++) {
      expect(nodes[i].dependsOn).toContain(`ceresdb-staging-node-${i - 1}-roll`);
      expect(named(staging, `ceresdb-staging-node-${i}-roll`).dependsOn).toEqual([`ceresdb-staging-node-${i - 1}-roll`]);
    }
    // The gate reaches the node at its fixed private IP through the bastion, by ssh like the Docker provider.
    const gate1 = String(unwrapSecrets(named(staging, "ceresdb-staging-node-1-roll").inputs.update));
    const node1 = nodes.find((n) => n.parent === "ceresdb-staging-node-1-host")!;
    expect(gate1).toContain(`Host node-1\n  HostName ${node1.inputs.privateIp}\n  User root`);
    expect(gate1).toMatch(/ProxyCommand=/);
    expect(gate1).toContain("StrictHostKeyChecking=yes");
  });

  test("a new node instance type changes every node's roll gate, and no member's", async () => {
    const bigger = await runOffline({ stack: "staging", overrides: { "ceresdb:nodeInstanceType": "ecs.g7.4xlarge" } });
    const text = (run: OfflineRun, name: string) => String(unwrapSecrets(named(run, name).inputs.update));
    for (const g of byType(staging, ROLL)) {
      if (g.parentType === "ceresdb:server:ServerNode") {
        expect(text(bigger, g.name)).not.toBe(text(staging, g.name));
        expect(text(bigger, g.name)).toContain("type=ecs.g7.4xlarge;");
      } else {
        expect(text(bigger, g.name)).toBe(text(staging, g.name));
      }
    }
    expect(changeKind(INSTANCE, "instanceType")).toBe("restart");
    const memberInstance = (run: OfflineRun) => byType(run, INSTANCE).find((i) => i.parent === "ceresdb-staging-meta-0-host")!.inputs.instanceType;
    expect(memberInstance(bigger)).toBe(memberInstance(staging));
  });
});
