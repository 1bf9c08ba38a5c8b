/**
 * The SSH public key setting: only types ECS ImportKeyPair takes (rsa, dsa, ecdsa; no ed25519:
 * ECS API 2014-05-26 ImportKeyPair) and Ubuntu 22.04's sshd accepts (no DSA), refused by name
 * otherwise; the key pair is named after the key (alicloud_ecs_key_pair: key_pair_name ForceNew,
 * public_key not). Keys are generated at test time by the real ssh-keygen, which also checks our
 * fingerprint.
 */
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { buildSpec } from "../../components/model/buildSpec";
import { keyPairNameFor, parsePublicKey } from "../../components/model/sshKey";
import { settingsInput } from "../helpers/settingsInput";

const dir = fs.mkdtempSync(path.join(os.tmpdir(), "sshkey-"));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

/** A fresh public key of `type` (the private half stays in the temp dir and is deleted). */
function keygen(type: string, bits?: number): { pub: string; fingerprint: string } {
  const file = path.join(dir, `${type}-${bits ?? 0}-${Math.random().toString(36).slice(2)}`);
  const args = ["-q", "-t", type, "-N", "", "-C", "test@example", "-f", file, ...(bits ? ["-b", String(bits)] : [])];
  const r = spawnSync("ssh-keygen", args, { encoding: "utf8" });
  if (r.status !== 0) throw new Error(`ssh-keygen ${args.join(" ")}: ${r.stderr}`);
  const pub = fs.readFileSync(`${file}.pub`, "utf8").trim();
  const fp = spawnSync("ssh-keygen", ["-l", "-E", "sha256", "-f", `${file}.pub`], { encoding: "utf8" }).stdout.split(" ")[1];
  return { pub, fingerprint: fp };
}

function problemsFor(values: Record<string, string | undefined>) {
  const r = buildSpec(settingsInput(values));
  return r.ok ? [] : r.problems;
}

describe("ceresdb:sshPublicKey", () => {
  test.each([
    ["ecdsa", 256],
    ["ecdsa", 384],
    ["ecdsa", 521],
    ["rsa", 2048],
    ["rsa", 4096],
  ])("accepts %s %i, with OpenSSH's own fingerprint", (type, bits) => {
    const k = keygen(type, bits);
    const parsed = parsePublicKey(k.pub);
    if (!parsed.ok) throw new Error(parsed.reason);
    expect(parsed.key.fingerprint).toBe(k.fingerprint);
    expect(problemsFor({ sshPublicKey: k.pub })).toEqual([]);
  });

  test("refuses ssh-ed25519 by name: ECS ImportKeyPair does not take it", () => {
    const problems = problemsFor({ sshPublicKey: keygen("ed25519").pub });
    expect(problems).toHaveLength(1);
    expect(problems[0].setting).toBe("ceresdb:sshPublicKey");
    expect(problems[0].allowed).toMatch(/ssh-ed25519 keys are refused: ECS ImportKeyPair does not take ed25519/);
    expect(problems[0].allowed).toMatch(/ssh-rsa .*ecdsa-sha2-nistp256/);
  });

  test("refuses RSA below 2048 bits", () => {
    const problems = problemsFor({ sshPublicKey: keygen("rsa", 1024).pub });
    expect(problems.map((p) => p.setting)).toEqual(["ceresdb:sshPublicKey"]);
    expect(problems[0].allowed).toContain("the RSA key has 1024 bits");
  });

  test("refuses a key whose data is another type than its label, and DSA", () => {
    const ecdsa = keygen("ecdsa", 256).pub.split(" ");
    expect(parsePublicKey(`ssh-rsa ${ecdsa[1]}`)).toMatchObject({ ok: false, reason: "the key data does not hold a ssh-rsa key" });
    expect(parsePublicKey("ssh-dss AAAAB3NzaC1kc3MAAACBAP")).toMatchObject({ ok: false });
    expect(parsePublicKey("ecdsa-sha2-nistp256 AAAA")).toMatchObject({ ok: false });
  });

  test("every checked-in key and the test helper's key pass (dev, staging and prod are refused otherwise)", () => {
    for (const stack of ["dev", "staging", "prod"]) {
      const text = fs.readFileSync(path.join(__dirname, "..", "..", `Pulumi.${stack}.yaml`), "utf8");
      const line = /ceresdb:sshPublicKey: (.*)/.exec(text)![1];
      const parsed = parsePublicKey(line.split("#")[0]);
      expect(parsed.ok ? "" : `${stack}: ${parsed.reason}`).toBe("");
    }
  });
});

describe("the key pair follows the key", () => {
  test("a new key is a new key pair name; the comment is not part of it", () => {
    const a = keygen("ecdsa", 256).pub;
    const b = keygen("ecdsa", 256).pub;
    const name = (pub: string) => {
      const r = buildSpec(settingsInput({ sshPublicKey: pub }));
      if (!r.ok) throw new Error("spec");
      return r.spec.access.keyPairName;
    };
    expect(name(a)).not.toBe(name(b));
    expect(name(a)).toBe(name(a.replace("test@example", "someone-else")));
    const parsed = parsePublicKey(a);
    if (!parsed.ok) throw new Error(parsed.reason);
    expect(name(a)).toBe(keyPairNameFor("ceresdb-prod", parsed.key));
    // ECS key pair names: 2-128 characters (alicloud_ecs_key_pair key_pair_name StringLenBetween(2, 128)).
    expect(name(a).length).toBeLessThanOrEqual(128);
  });

  test("a retiring key joins the authorized keys during a rotation, and must differ from the new one", () => {
    const a = keygen("ecdsa", 256).pub;
    const b = keygen("rsa", 2048).pub;
    const r = buildSpec(settingsInput({ sshPublicKey: a, sshRetiringPublicKey: b }));
    if (!r.ok) throw new Error(JSON.stringify(r.problems));
    expect(r.spec.access.authorizedKeys).toEqual([a.split(" ").slice(0, 2).join(" "), b.split(" ").slice(0, 2).join(" ")]);
    expect(problemsFor({ sshPublicKey: a, sshRetiringPublicKey: a }).map((p) => p.setting)).toEqual(["ceresdb:sshRetiringPublicKey"]);
    expect(problemsFor({ sshPublicKey: a, sshRetiringPublicKey: keygen("ed25519").pub }).map((p) => p.setting)).toEqual(["ceresdb:sshRetiringPublicKey"]);
  });
});
