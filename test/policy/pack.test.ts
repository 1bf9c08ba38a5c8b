/**
 * The policy pack in its real runtime: policy/ is started the way the Pulumi CLI starts a Node.js
 * policy pack (`@pulumi/pulumi/cmd/run-policy-pack` with the pack directory as working directory,
 * TypeScript compiled and type checked by the SDK's ts-node, dependencies resolved from the
 * repository's node_modules), and the engine's Analyzer gRPC calls are made against it: resource
 * analysis of good and bad resources, and a stack analysis with a security group ID unknown as in a
 * preview, joined through its property dependency.
 */
import { ChildProcess, spawn } from "child_process";
import * as path from "path";
import * as grpc from "@grpc/grpc-js";
import { policies, toPlain } from "../../policy/policies";
import { UNKNOWN } from "../../policy/rules";

/* eslint-disable @typescript-eslint/no-require-imports */
const analyzerPb = require("@pulumi/pulumi/proto/analyzer_pb.js");
const analyzerGrpc = require("@pulumi/pulumi/proto/analyzer_grpc_pb.js");
const emptyPb = require("google-protobuf/google/protobuf/empty_pb.js");
const structPb = require("google-protobuf/google/protobuf/struct_pb.js");
const { unknownCheckingProxy } = require("@pulumi/policy");
/* eslint-enable @typescript-eslint/no-require-imports */

const REPO = path.resolve(__dirname, "..", "..");
const PACK = path.join(REPO, "policy");
/** How the engine encodes a value unknown during preview. */
const UNKNOWN_WIRE = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";
const URN = (type: string, name: string) => `urn:pulumi:prod::ceresdb::${type}::${name}`;

describe("adapter", () => {
  test("toPlain turns preview unknowns behind @pulumi/policy's proxy into UNKNOWN", () => {
    const proxied = unknownCheckingProxy({ a: UNKNOWN_WIRE, b: { c: [1, UNKNOWN_WIRE] }, d: "x" });
    expect(() => proxied.a).toThrow(/can't be known during preview/);
    expect(toPlain(proxied)).toEqual({ a: UNKNOWN, b: { c: [1, UNKNOWN] }, d: "x" });
  });

  test("14 mandatory policies: 12 resource policies and 2 stack policies", () => {
    expect(policies).toHaveLength(14);
    expect(policies.every((p) => p.enforcementLevel === "mandatory")).toBe(true);
    expect(policies.filter((p) => "validateStack" in p).map((p) => p.name)).toEqual(["meta-ports-restricted", "server-http-restricted"]);
  });
});

describe("the pack served as the CLI runs it", () => {
  let child: ChildProcess;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  let client: any;
  let stderr = "";

  beforeAll(async () => {
    const runner = require.resolve("@pulumi/pulumi/cmd/run-policy-pack", { paths: [PACK] });
    // Arguments as the engine passes them: its own address (unused by the pack) and the program.
    child = spawn(process.execPath, [runner, "127.0.0.1:1", "."], { cwd: PACK, stdio: ["ignore", "pipe", "pipe"] });
    child.stderr!.on("data", (d) => (stderr += d));
    const port = await new Promise<string>((resolve, reject) => {
      let out = "";
      child.stdout!.on("data", (d) => {
        out += d;
        const m = /^(\d+)\s*$/m.exec(out);
        if (m) resolve(m[1]);
      });
      child.on("exit", (code) => reject(new Error(`policy pack exited (${code}): ${stderr}`)));
    });
    client = new analyzerGrpc.AnalyzerClient(`127.0.0.1:${port}`, grpc.credentials.createInsecure());
  }, 120000);

  afterAll(() => {
    client?.close();
    child?.kill();
  });

  const call = <T>(method: string, req: unknown): Promise<T> =>
    new Promise((resolve, reject) => client[method](req, (err: Error | null, res: T) => (err ? reject(err) : resolve(res))));

  function options(o: { protect?: boolean; deleteBeforeReplace?: boolean; additionalSecretOutputs?: string[] } = {}) {
    const opts = new analyzerPb.AnalyzerResourceOptions();
    opts.setProtect(o.protect ?? false);
    if (o.deleteBeforeReplace !== undefined) {
      opts.setDeletebeforereplacedefined(true);
      opts.setDeletebeforereplace(o.deleteBeforeReplace);
    }
    opts.setAdditionalsecretoutputsList(o.additionalSecretOutputs ?? []);
    return opts;
  }

  interface Diagnostic {
    getPolicyname(): string;
    getMessage(): string;
    getUrn(): string;
    getEnforcementlevel(): number;
  }

  async function analyze(type: string, name: string, props: Record<string, unknown>, opts = options()): Promise<Diagnostic[]> {
    const req = new analyzerPb.AnalyzeRequest();
    req.setType(type);
    req.setName(name);
    req.setUrn(URN(type, name));
    req.setProperties(structPb.Struct.fromJavaScript(props));
    req.setOptions(opts);
    const res = await call<{ getDiagnosticsList(): Diagnostic[] }>("analyze", req);
    return res.getDiagnosticsList();
  }

  test("the analyzer info lists the pack and its 14 policies", async () => {
    const info = await call<{ getName(): string; getPoliciesList(): { getName(): string }[] }>("getAnalyzerInfo", new emptyPb.Empty());
    expect(info.getName()).toBe("ceresdb-cluster");
    expect(info.getPoliciesList().map((p) => p.getName()).sort()).toEqual(policies.map((p) => p.name).sort());
  });

  const prodTags = { "managed-by": "ceresdb-cluster", stack: "prod", environment: "prod", owner: "sre" };

  test("a compliant prod bucket passes; an unprotected, unversioned, unencrypted one fails each rule", async () => {
    const good = { bucket: "b", tags: prodTags, versioning: { status: "Enabled" }, serverSideEncryptionRule: { sseAlgorithm: "AES256" } };
    expect(await analyze("alicloud:oss/bucket:Bucket", "bucket", good, options({ protect: true }))).toEqual([]);
    const diags = await analyze("alicloud:oss/bucket:Bucket", "bucket", { bucket: "b", tags: prodTags });
    expect(diags.map((d) => d.getPolicyname()).sort()).toEqual(["oss-encryption", "oss-versioning", "protect-data"]);
    // Mandatory is enforcement level 1 in the protocol.
    expect(diags.every((d) => d.getEnforcementlevel() === 1)).toBe(true);
  });

  test("SSH from 0.0.0.0/0 and a container without secret uploads are reported", async () => {
    const ssh = await analyze("alicloud:ecs/securityGroupRule:SecurityGroupRule", "ssh", {
      type: "ingress",
      ipProtocol: "tcp",
      portRange: "22/22",
      cidrIp: "0.0.0.0/0",
      securityGroupId: UNKNOWN_WIRE,
    });
    expect(ssh.map((d) => d.getPolicyname())).toEqual(["no-public-ssh"]);
    const container = await analyze("docker:index/container:Container", "c", { name: "ceresdb-server" });
    expect(container.map((d) => d.getPolicyname())).toEqual(["container-uploads-secret"]);
    const secretOk = await analyze("docker:index/container:Container", "c", { name: "ceresdb-server" }, options({ additionalSecretOutputs: ["uploads"] }));
    expect(secretOk).toEqual([]);
  });

  test("stack analysis joins a rule to the meta group by property dependency while IDs are unknown", async () => {
    const sgType = "alicloud:ecs/securityGroup:SecurityGroup";
    const ruleType = "alicloud:ecs/securityGroupRule:SecurityGroupRule";
    const resource = (type: string, name: string, props: Record<string, unknown>, deps: Record<string, string[]> = {}) => {
      const r = new analyzerPb.AnalyzerResource();
      r.setType(type);
      r.setName(name);
      r.setUrn(URN(type, name));
      r.setProperties(structPb.Struct.fromJavaScript(props));
      r.setOptions(options());
      for (const [k, urns] of Object.entries(deps)) {
        const d = new analyzerPb.AnalyzerPropertyDependencies();
        d.setUrnsList(urns);
        r.getPropertydependenciesMap().set(k, d);
      }
      return r;
    };
    const meta = resource(sgType, "meta", { tags: { ...prodTags, role: "meta" } });
    const ruleProps = (cidrIp: string) => ({ type: "ingress", ipProtocol: "tcp", portRange: "2379/2379", cidrIp, securityGroupId: UNKNOWN_WIRE });
    const bad = resource(ruleType, "client-world", ruleProps("0.0.0.0/0"), { securityGroupId: [URN(sgType, "meta")] });
    const req = new analyzerPb.AnalyzeStackRequest();
    req.setResourcesList([meta, bad]);
    const res = await call<{ getDiagnosticsList(): Diagnostic[] }>("analyzeStack", req);
    const diags = res.getDiagnosticsList();
    expect(diags.map((d) => [d.getPolicyname(), d.getUrn()])).toEqual([["meta-ports-restricted", URN(ruleType, "client-world")]]);
    expect(diags[0].getMessage()).toMatch(/0\.0\.0\.0\/0 in prod/);

    const fromGroup = { type: "ingress", ipProtocol: "tcp", portRange: "2379/2379", securityGroupId: UNKNOWN_WIRE, sourceSecurityGroupId: UNKNOWN_WIRE };
    const good = resource(ruleType, "client-from-server", fromGroup, {
      securityGroupId: [URN(sgType, "meta")],
    });
    const ok = new analyzerPb.AnalyzeStackRequest();
    ok.setResourcesList([meta, good]);
    expect((await call<{ getDiagnosticsList(): Diagnostic[] }>("analyzeStack", ok)).getDiagnosticsList()).toEqual([]);
  });
});
