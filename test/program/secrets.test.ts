/**
 * Secrets stay secret end to end: the whole program runs with known secret strings, and every
 * registered input, every mock-returned state and every stack output is scanned for them.
 */
import { isSecretWrapper, OfflineRun, RecordedResource, runOffline, unwrapSecrets } from "../../tools/plan/offline";

const SSH_KEY = "-----BEGIN OPENSSH PRIVATE KEY-----\nKNOWN-SSH-KEY-MATERIAL-4c1d\n-----END OPENSSH PRIVATE KEY-----";
const SECRETS = {
  "ceresdb:sshPrivateKey": SSH_KEY,
  "ceresdb:registryPassword": "KNOWN-REGISTRY-PASSWORD-77aa",
  "ceresdb:obkvPassword": "KNOWN-OBKV-PASSWORD-1f2e",
  "ceresdb:obkvSysPassword": "KNOWN-OBKV-SYS-PASSWORD-3d4c",
};
const SUPPLIED_KEY = { "ceresdb:sshPrivateKey": SSH_KEY, "ceresdb:ossAccessKeySecret": "KNOWN-OSS-KEY-SECRET-5b6a" };

/** Paths of plain (not secret-wrapped) strings in `v` that contain any needle. */
function leaks(v: unknown, needles: string[], path = ""): string[] {
  if (isSecretWrapper(v)) return [];
  if (typeof v === "string") return needles.some((n) => v.includes(n)) ? [path] : [];
  if (Array.isArray(v)) return v.flatMap((x, i) => leaks(x, needles, `${path}[${i}]`));
  if (v && typeof v === "object") return Object.entries(v).flatMap(([k, x]) => leaks(x, needles, `${path}.${k}`));
  return [];
}

function scan(run: OfflineRun, needles: string[]): string[] {
  const found = run.resources.flatMap((r) => {
    // The engine marks these outputs secret itself (mocks return them plain).
    const secretOutputs = new Set((r.options?.additionalSecretOutputs as string[] | undefined) ?? []);
    const state = Object.fromEntries(Object.entries(r.state).filter(([k]) => !secretOutputs.has(k)));
    return [
      ...leaks(r.inputs, needles).map((p) => `${r.type} ${r.name} inputs${p}`),
      ...leaks(state, needles).map((p) => `${r.type} ${r.name} state${p}`),
    ];
  });
  return [...found, ...leaks(run.outputs, needles).map((p) => `output${p}`)];
}

function only(run: OfflineRun, type: string): RecordedResource[] {
  return run.resources.filter((r) => r.type === type);
}

describe("Obkv WAL, private registry, per-stack RAM user", () => {
  let run: OfflineRun;
  beforeAll(async () => {
    run = await runOffline({
      stack: "dev",
      secretValues: SECRETS,
      overrides: {
        "ceresdb:walType": "Obkv",
        "ceresdb:obkvParamUrl": "http://obconfig.example:8080/services?Action=ObRootServiceInfo",
        "ceresdb:obkvFullUserName": "ceresdb@tenant#cluster",
        "ceresdb:registryUsername": "puller",
      },
    });
  });

  test("no known secret, nor the generated access key secret, appears outside a secret", () => {
    const keySecrets = only(run, "alicloud:ram/accessKey:AccessKey").map((k) => String(k.state.secret));
    expect(keySecrets).toHaveLength(1);
    expect(scan(run, [...Object.values(SECRETS), ...keySecrets])).toEqual([]);
  });

  test("the hosts' private host keys appear only in secrets: their key resources' secret output and the user data", () => {
    const hostKeys = only(run, "pulumi-nodejs:dynamic/ceresdb:HostKey");
    expect(hostKeys).toHaveLength(only(run, "alicloud:ecs/instance:Instance").length);
    const privateKeys = hostKeys.map((k) => String(k.state.privateKey));
    for (const k of hostKeys) expect(k.options?.additionalSecretOutputs).toEqual(["privateKey"]);
    expect(scan(run, privateKeys)).toEqual([]);
    for (const i of only(run, "alicloud:ecs/instance:Instance")) {
      expect(isSecretWrapper(i.inputs.userData)).toBe(true);
      expect(i.options?.additionalSecretOutputs).toContain("userData");
      expect(privateKeys.some((k) => String(unwrapSecrets(i.inputs.userData)).includes(k.split("\n")[1]))).toBe(true);
    }
  });

  test("the carriers of secrets are secret as a whole", () => {
    const containers = only(run, "docker:index/container:Container");
    for (const c of containers) expect(c.options?.additionalSecretOutputs).toEqual(["uploads"]);
    // CeresDB configs carry the OSS key and OBKV passwords; CeresMeta configs carry no secret.
    const nodes = containers.filter((c) => c.name.includes("-node-"));
    expect(nodes).toHaveLength(2);
    for (const c of nodes) expect(isSecretWrapper(c.inputs.uploads)).toBe(true);
    for (const g of only(run, "command:remote:Command")) expect(isSecretWrapper(g.inputs.connection)).toBe(true);
    for (const p of only(run, "pulumi:providers:docker")) expect(isSecretWrapper(p.inputs.registryAuth)).toBe(true);
    const key = only(run, "alicloud:ram/accessKey:AccessKey")[0];
    expect(key.options?.additionalSecretOutputs).toContain("secret");
  });

  test("the secrets do reach where they are needed (the scan is not vacuous)", () => {
    const node = only(run, "docker:index/container:Container").find((c) => c.name.includes("-node-0-"))!;
    const toml = (unwrapSecrets(node.inputs.uploads) as { content: string }[])[0].content;
    expect(toml).toContain(SECRETS["ceresdb:obkvPassword"]);
    expect(toml).toContain(SECRETS["ceresdb:obkvSysPassword"]);
    const keySecret = String(only(run, "alicloud:ram/accessKey:AccessKey")[0].state.secret);
    expect(toml).toContain(keySecret);
    const gate = only(run, "command:remote:Command")[0];
    expect(JSON.stringify(unwrapSecrets(gate.inputs.connection))).toContain("KNOWN-SSH-KEY-MATERIAL-4c1d");
  });
});

describe("supplied OSS key pair", () => {
  test("no RAM user is created and the supplied secret stays secret", async () => {
    const run = await runOffline({
      stack: "dev",
      secretValues: SUPPLIED_KEY,
      overrides: { "ceresdb:ossAccessKeyId": "LTAI5tSuppliedKeyId" },
    });
    expect(only(run, "alicloud:ram/user:User")).toEqual([]);
    expect(only(run, "alicloud:ram/accessKey:AccessKey")).toEqual([]);
    expect(scan(run, Object.values(SUPPLIED_KEY))).toEqual([]);
    const node = only(run, "docker:index/container:Container").find((c) => c.name.includes("-node-0-"))!;
    const toml = (unwrapSecrets(node.inputs.uploads) as { content: string }[])[0].content;
    expect(toml).toContain('key_id = "LTAI5tSuppliedKeyId"');
    expect(toml).toContain(SUPPLIED_KEY["ceresdb:ossAccessKeySecret"]);
  });
});
