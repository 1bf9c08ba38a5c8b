/**
 * The pinned host keys are real OpenSSH ed25519 keys: OpenSSH's own ssh-keygen reads the private
 * key and derives the same public key (sshd loading it is checked in test/ssh/run.ts).
 */
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { generateHostKey } from "../../components/hosts/hostKey";

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
