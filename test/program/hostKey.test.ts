/**
 * The pinned host keys are real OpenSSH ed25519 keys: OpenSSH's own ssh-keygen reads the private
 * key and derives the same public key (sshd loading it is checked in test/ssh/run.ts).
 */
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import * as pulumi from "@pulumi/pulumi";
import { generateHostKey, hostKeyProvider } from "../../components/hosts/hostKey";

const hasKeygen = spawnSync("ssh-keygen", ["-?"]).error === undefined;
const maybe = hasKeygen || process.env.CI === "true" ? test : test.skip;

maybe("ssh-keygen reads the private key and derives the public key; every key is new", () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "hostkey-"));
  try {
    const keys = [generateHostKey("slot meta-0"), generateHostKey()];
    for (const [i, k] of keys.entries()) {
      expect(k.publicKey).toMatch(/^ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAI[A-Za-z0-9+/]{43}$/);
      expect(k.privateKey).toMatch(/^-----BEGIN OPENSSH PRIVATE KEY-----\n[\s\S]+\n-----END OPENSSH PRIVATE KEY-----\n$/);
      const file = path.join(dir, `k${i}`);
      fs.writeFileSync(file, k.privateKey, { mode: 0o600 });
      const r = spawnSync("ssh-keygen", ["-y", "-f", file], { encoding: "utf8" });
      expect(r.stderr).toBe("");
      expect(r.stdout.trim().split(" ").slice(0, 2).join(" ")).toBe(k.publicKey);
    }
    expect(spawnSync("ssh-keygen", ["-y", "-f", path.join(dir, "k0")], { encoding: "utf8" }).stdout.trim()).toBe(`${keys[0].publicKey} slot meta-0`);
    expect(keys[0].publicKey).not.toBe(keys[1].publicKey);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test("the dynamic provider survives Pulumi's closure serialization and creates a key for its slot", async () => {
  // What Pulumi does with a dynamic provider: serialize it, and run it from the serialized text.
  const serialized = await pulumi.runtime.serializeFunction(() => hostKeyProvider);
  const mod = { exports: {} as Record<string, () => pulumi.dynamic.ResourceProvider> };
  new Function("exports", "require", "module", serialized.text)(mod.exports, require, mod);
  const provider = mod.exports[serialized.exportName]();
  const created = await provider.create!({ slot: "meta-0" });
  expect(created.id).toBe("meta-0");
  expect(created.outs.publicKey).toMatch(/^ssh-ed25519 AAAA/);
  expect(created.outs.privateKey).toContain("-----BEGIN OPENSSH PRIVATE KEY-----");
  expect((await provider.diff!("meta-0", created.outs, { slot: "meta-0" })).changes).toBe(false);
});
