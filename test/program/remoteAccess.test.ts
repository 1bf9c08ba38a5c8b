/**
 * How the program reaches its hosts, as registered under mocks: no remote command sends SSH
 * `env` requests (issue 9, defect 1), and both providers pin every host key on both hops
 * (defect 2). test/ssh/run.ts runs the same commands and options against a real sshd.
 */
import { isSecretWrapper, OfflineRun, RecordedResource, runOffline, unwrapSecrets } from "../../tools/plan/offline";

const only = (run: OfflineRun, type: string) => run.resources.filter((r) => r.type === type);
const HOST_KEY = "pulumi-nodejs:dynamic/ceresdb:HostKey";

function hostKeyOf(run: OfflineRun, hostComponent: string): RecordedResource {
  const k = run.resources.find((r) => r.type === HOST_KEY && r.parent === hostComponent);
  if (!k) throw new Error(`no host key under ${hostComponent}`);
  return k;
}

describe.each(["dev", "staging"])("%s stack", (stack) => {
  let run: OfflineRun;
  beforeAll(async () => {
    run = await runOffline({ stack });
  });

  test("no remote command sets `environment` or asks for its previous output in the environment", () => {
    const commands = only(run, "command:remote:Command");
    expect(commands.length).toBeGreaterThan(0);
    for (const c of commands) {
      expect(c.inputs.environment).toBeUndefined();
      expect(c.inputs.addPreviousOutputInEnv).toBe(false);
    }
  });

  test("the readiness gate re-runs when the instance or its disk attachment changes", () => {
    for (const host of only(run, "ceresdb:hosts:Host")) {
      const ready = run.resources.find((r) => r.name === `${host.name}-ready`)!;
      const instance = only(run, "alicloud:ecs/instance:Instance").find((i) => i.parent === host.name)!;
      expect(String(ready.inputs.create)).toContain(`INSTANCE_ID='${instance.id}'`);
      expect(String(ready.inputs.create)).toMatch(/DISK_ATTACHMENT='[^']+'/);
    }
  });

  test("each host slot has a pinned host key, installed by cloud-init inside secret user data", () => {
    for (const host of only(run, "ceresdb:hosts:Host")) {
      const key = hostKeyOf(run, host.name);
      expect(key.options?.additionalSecretOutputs).toEqual(["privateKey"]);
      const instance = only(run, "alicloud:ecs/instance:Instance").find((i) => i.parent === host.name)!;
      expect(instance.options?.additionalSecretOutputs).toContain("userData");
      expect(isSecretWrapper(instance.inputs.userData)).toBe(true);
      const userData = String(unwrapSecrets(instance.inputs.userData));
      expect(userData).toContain(`ed25519_public: ${String(key.state.publicKey)}`);
      expect(userData).toContain(String(key.state.privateKey).split("\n")[1]);
      expect(userData).toContain("ssh_deletekeys: true");
    }
  });

  test("both providers pin the host's key; the bastion's key is pinned on its hop", () => {
    const bastion = stack === "staging";
    for (const host of only(run, "ceresdb:hosts:Host")) {
      const pub = String(hostKeyOf(run, host.name).state.publicKey);
      const provider = run.resources.find((r) => r.name === `${host.name}-docker`)!;
      // Provider inputs reach the engine JSON-encoded.
      const raw = provider.inputs.sshOpts;
      const opts = (typeof raw === "string" ? JSON.parse(raw) : raw) as string[];
      expect(opts).toEqual(expect.arrayContaining(["StrictHostKeyChecking=yes", "UserKnownHostsFile=/dev/null", `KnownHostsCommand=/bin/echo %H ${pub}`]));
      expect(opts.join(" ")).not.toMatch(/accept-new|ProxyJump|StrictHostKeyChecking=no/);
      const proxy = opts.find((o) => o.startsWith("ProxyCommand="));
      const gate = run.resources.find((r) => r.name === `${host.name}-ready`)!;
      const conn = unwrapSecrets(gate.inputs.connection) as { hostKey: string; proxy?: { hostKey: string; host: string } };
      expect(conn.hostKey).toBe(pub);
      if (bastion) {
        expect(proxy).toMatch(/^ProxyCommand=ssh .*-o 'KnownHostsCommand=\/bin\/echo %%H ssh-ed25519 AAAA[^']+' .*-W %h:%p -p 22 -l root -- bastion\.ceresdb-staging\.internal$/);
        expect(conn.proxy?.hostKey).toMatch(/^ssh-ed25519 AAAA/);
        expect(proxy).toContain(conn.proxy!.hostKey);
      } else {
        expect(proxy).toBeUndefined();
        expect(conn.proxy).toBeUndefined();
      }
    }
  });
});
