/** Access: the SSH user and keys every host trusts, and the bastion every connection goes through. Pure. */
import { qualified } from "../settings";
import { AccessSpec, EnvironmentClass } from "../types";
import { ACCEPTED_KEYS_TEXT, ParsedPublicKey, parsePublicKey } from "../sshKey";
import { AreaFindings, Findings, SettingsInput } from "./reader";

export interface AccessSlice {
  sshUser: string;
  sshKey?: ParsedPublicKey;
  retiringKey?: ParsedPublicKey;
  bastion: AccessSpec["bastion"];
}

const RE = {
  sshUser: /^[a-z_][a-z0-9_-]{0,31}$/,
  hostPort: /^([A-Za-z0-9.-]+)(?::(\d{1,5}))?$/,
  // The types pulumi-command v1.2.1 can verify against OpenSSH 8.8+: it offers only the pinned
  // key's own type (connection.go), and for ssh-rsa that is SHA-1 `ssh-rsa`, which sshd no longer accepts.
  bastionHostKey: /^(ssh-ed25519|ecdsa-sha2-nistp(256|384|521)) ([A-Za-z0-9+/]+={0,3})( .*)?$/,
};

export function validateAccess(
  input: SettingsInput,
  ctx: { environment?: EnvironmentClass; assignPublicIp: boolean },
): { access: AccessSlice } & AreaFindings {
  const f = new Findings(input.values);
  const { r } = f;
  const problem = f.problem.bind(f);

  const sshUser = r.string("sshUser");
  if (!RE.sshUser.test(sshUser)) problem("sshUser", sshUser, "a Linux user name");
  const sshPublicKey = r.optionalString("sshPublicKey");
  let sshKey: ParsedPublicKey | undefined;
  if (sshPublicKey === undefined) problem("sshPublicKey", undefined, ACCEPTED_KEYS_TEXT);
  else {
    const parsed = parsePublicKey(sshPublicKey);
    if (parsed.ok) sshKey = parsed.key;
    else problem("sshPublicKey", sshPublicKey.slice(0, 40), `${ACCEPTED_KEYS_TEXT} (${parsed.reason})`);
  }
  const retiringText = r.optionalString("sshRetiringPublicKey");
  let retiringKey: ParsedPublicKey | undefined;
  if (retiringText !== undefined) {
    const parsed = parsePublicKey(retiringText);
    if (!parsed.ok) problem("sshRetiringPublicKey", retiringText.slice(0, 40), `${ACCEPTED_KEYS_TEXT} (${parsed.reason})`);
    else if (sshKey && parsed.key.normalized === sshKey.normalized) {
      problem("sshRetiringPublicKey", retiringText.slice(0, 40), "the previous key, not sshPublicKey itself (unset it once the rotation is done)");
    } else retiringKey = parsed.key;
  }
  if (!input.secretsSet.has("sshPrivateKey")) {
    problem("sshPrivateKey", undefined, "set it with `pulumi config set --secret ceresdb:sshPrivateKey < key`");
  }
  const bastionUser = r.optionalString("bastionUser");
  if (bastionUser !== undefined && !RE.sshUser.test(bastionUser)) {
    problem("bastionUser", bastionUser, "a Linux user name (no @: the bastion's host goes in bastionHost)");
  }
  const bastionText = r.optionalString("bastionHost");
  let bastion: AccessSpec["bastion"];
  if (bastionText !== undefined) {
    const m = RE.hostPort.exec(bastionText);
    const port = m?.[2] ? Number(m[2]) : 22;
    const hostKeyText = r.optionalString("bastionHostKey")?.trim();
    const key = hostKeyText === undefined ? undefined : RE.bastionHostKey.exec(hostKeyText);
    if (!key) {
      problem(
        "bastionHostKey",
        hostKeyText?.slice(0, 40),
        "the bastion's public host key, e.g. the output of `ssh-keyscan -t ed25519 <bastion>` without the host name (ssh-ed25519 or ecdsa-sha2-nistp256/384/521; ssh-rsa cannot be verified by @pulumi/command)",
      );
    }
    if (!m || port < 1 || port > 65535) problem("bastionHost", bastionText, "host or host:port");
    else if (key) bastion = { host: m[1], port, user: bastionUser ?? sshUser, hostKey: `${key[1]} ${key[3]}` };
  } else if (r.optionalString("bastionHostKey") !== undefined) {
    problem("bastionHostKey", r.optionalString("bastionHostKey")?.slice(0, 40), "set only with ceresdb:bastionHost");
  }
  if (bastion === undefined && !ctx.assignPublicIp && ctx.environment === "test") {
    f.warn(
      `${qualified("bastionHost")} is not set and ${qualified("assignPublicIp")} is false: the machine running Pulumi must reach the hosts' private IPs (VPN or a runner in the VPC).`,
    );
  }
  return { access: { sshUser, sshKey, retiringKey, bastion }, ...f.findings };
}
