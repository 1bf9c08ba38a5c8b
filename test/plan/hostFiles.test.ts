/**
 * The plan writes what the components deploy, from one function: for every checked-in stack, each
 * host's files from hostFiles (components/render/hostFiles.ts) equal what the program registered
 * (the instance's user data, the host apply command, the container's upload), and the plan's
 * files are exactly those, redacted. A plan writer that reconstructed a file any other way (other
 * values, another renderer, another layout) fails here.
 */
import { hostResourceNames } from "../../components/contracts/names";
import { hostRevision } from "../../components/render/cloudInit";
import { hostApplyCommand } from "../../components/render/hostApply";
import { clusterHosts, hostFile, hostFiles } from "../../components/render/hostFiles";
import { defaultProjectDir, listStacks, OfflineRun, runOffline, unwrapSecrets } from "../../tools/plan/offline";
import { makeRedactor } from "../../tools/plan/redact";
import { hostValuesOfRun, renderPlan, specOfRun } from "../../tools/plan/render";

const stacks = listStacks(defaultProjectDir());

function named(run: OfflineRun, type: string, pick: (inputs: Record<string, unknown>) => boolean) {
  const found = run.resources.filter((r) => r.type === type && pick(r.inputs));
  expect(found).toHaveLength(1);
  return found[0];
}

describe.each(stacks)("stack %s: the plan's host files are the deployed ones", (stack) => {
  let run: OfflineRun;
  beforeAll(async () => {
    run = await runOffline({ stack });
  }, 120_000);

  test("each host's files, rendered with the run's values, are what the components registered", () => {
    const spec = specOfRun(run);
    const hosts = clusterHosts(spec);
    expect(hosts.length).toBe(spec.meta.length + spec.nodes.length);
    for (const h of hosts) {
      const values = hostValuesOfRun(run, spec, h);
      const names = hostResourceNames(spec.namePrefix, h.host.name);
      const instance = named(run, "alicloud:ecs/instance:Instance", (i) => i.instanceName === names.instanceName);
      expect(String(unwrapSecrets(instance.inputs.userData))).toBe(hostFile(spec, h.host, "user-data").render(values));

      const setup = run.resources.find((r) => r.type === "command:remote:Command" && r.parent === instance.parent && r.name.endsWith("-setup"));
      expect(setup).toBeDefined();
      const apply = hostApplyCommand(h.host, hostRevision(spec, h.host), hostFile(spec, h.host, "host-setup").render(values));
      expect(String(unwrapSecrets(setup!.inputs.create))).toBe(apply);
      expect(String(unwrapSecrets(setup!.inputs.update))).toBe(apply);

      const config = hostFile(spec, h.host, "service-config");
      const container = named(run, "docker:index/container:Container", (i) => {
        const labels = (unwrapSecrets(i.labels) as { label: string; value: string }[]) ?? [];
        return labels.some((l) => l.label === "ceresdb.member" && l.value === h.member);
      });
      expect(unwrapSecrets(container.inputs.uploads)).toEqual([{ file: config.path, content: config.render(values) }]);
      expect(unwrapSecrets(container.inputs.name)).toBe(config.container);
    }
  });

  test("the plan's per-host files are exactly hostFiles' files as delivered, redacted", () => {
    const spec = specOfRun(run);
    const plan = renderPlan(run);
    const redact = makeRedactor(run);
    const deployed = new Map<string, string>();
    for (const r of run.resources) {
      if (r.type === "alicloud:ecs/instance:Instance") {
        const host = clusterHosts(spec).find((h) => hostResourceNames(spec.namePrefix, h.host.name).instanceName === r.inputs.instanceName)!;
        deployed.set(`hosts/${host.host.name}.cloud-init.yaml`, redact.text(String(unwrapSecrets(r.inputs.userData))));
      }
      if (r.type === "docker:index/container:Container") {
        const labels = unwrapSecrets(r.inputs.labels) as { label: string; value: string }[];
        const member = labels.find((l) => l.label === "ceresdb.member")!.value;
        const role = labels.find((l) => l.label === "ceresdb.role")!.value;
        const uploads = unwrapSecrets(r.inputs.uploads) as { content: string }[];
        deployed.set(`${role === "meta" ? "meta" : "nodes"}/${member}.toml`, redact.text(uploads[0].content));
      }
    }
    const perHost = plan.files.filter((f) => f.role === "cloud-init" || f.role === "meta-config" || f.role === "server-config");
    expect(Object.fromEntries(perHost.map((f) => [f.path, f.content]))).toEqual(Object.fromEntries(deployed));
    // One plan file per host file that reaches the host whole (what cloud-init writes is inside the user data).
    const delivered = clusterHosts(spec).flatMap((h) => hostFiles(spec, h.host).filter((f) => f.delivery !== "cloud-init"));
    expect(perHost).toHaveLength(delivered.length);
    for (const s of redact.secrets) for (const f of plan.files) expect(f.content).not.toContain(s);
  });
});
