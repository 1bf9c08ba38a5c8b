import * as pulumi from "@pulumi/pulumi";
import * as command from "@pulumi/command";
import { shQuote } from "../render/common";
import { withTriggerLine } from "../render/remoteCommands";
import { AccessSpec } from "../model/types";

/**
 * How the program reaches a host over SSH: directly, or through the bastion. Shared by the
 * readiness and health gates (which use @pulumi/command and take the key as a secret input) and
 * by the Docker provider (which shells out to `ssh`, so it takes OpenSSH options and the key
 * from ssh-agent).
 *
 * Host keys are pinned on both hops and for both providers: each host slot's key comes from the
 * stack (hostKey.ts, installed by cloud-init), the bastion's from `ceresdb:bastionHostKey`. No
 * known_hosts file is read or written, so a replaced host at a reused private IP (same slot, same
 * key) is accepted on every runner, and a host presenting any other key is refused.
 */

/** The slice of the access spec that says how a host is reached (not which keys it trusts). */
export type SshRoute = Pick<AccessSpec, "sshUser" | "bastion">;

/** Bounded connection retries: hosts take a minute or two to boot; never wait forever. */
const DIAL_ERROR_LIMIT = 30;
const PER_DIAL_TIMEOUT_SECONDS = 15;

/**
 * The command provider's connection. pulumi-command v1.2.1 verifies a host key only when
 * `hostKey` is set (ssh.FixedHostKey, and only that key's algorithm is offered; without it,
 * ssh.InsecureIgnoreHostKey): provider/pkg/provider/remote/connection.go, connectionBase.SSHConfig.
 */
export function sshConnection(
  access: SshRoute,
  address: pulumi.Input<string>,
  privateKey: pulumi.Output<string>,
  hostKey: pulumi.Input<string>,
): command.types.input.remote.ConnectionArgs {
  const bastion = access.bastion;
  return {
    host: address,
    user: access.sshUser,
    privateKey,
    hostKey,
    dialErrorLimit: DIAL_ERROR_LIMIT,
    perDialTimeout: PER_DIAL_TIMEOUT_SECONDS,
    proxy: bastion
      ? {
          host: bastion.host,
          port: bastion.port,
          user: bastion.user,
          privateKey,
          hostKey: bastion.hostKey,
          dialErrorLimit: DIAL_ERROR_LIMIT,
          perDialTimeout: PER_DIAL_TIMEOUT_SECONDS,
        }
      : undefined,
  };
}

/** `ssh://user@ip` plus options for the Docker provider. */
export function dockerHost(access: SshRoute, address: pulumi.Input<string>): pulumi.Output<string> {
  return pulumi.interpolate`ssh://${access.sshUser}@${address}:22`;
}

/** The OpenSSH host-key algorithms that verify a pinned key of this type. */
function hostKeyAlgorithms(publicKey: string): string {
  const type = publicKey.trim().split(/\s+/)[0];
  return type === "ssh-rsa" ? "rsa-sha2-512,rsa-sha2-256" : type;
}

/**
 * `ssh` options that accept exactly `publicKey` from the destination: no known_hosts file is read
 * or written (UserKnownHostsFile, GlobalKnownHostsFile), and KnownHostsCommand (OpenSSH 8.5+)
 * prints the one line to match; `%H` is the name ssh looks up (`[host]:port` off port 22).
 */
function pinnedHostKeyOpts(publicKey: string, percent = "%"): string[] {
  const key = publicKey.trim().split(/\s+/).slice(0, 2).join(" ");
  return [
    "-o", "StrictHostKeyChecking=yes",
    "-o", "UserKnownHostsFile=/dev/null",
    "-o", "GlobalKnownHostsFile=/dev/null",
    "-o", `KnownHostsCommand=/bin/echo ${percent}H ${key}`,
    "-o", `HostKeyAlgorithms=${hostKeyAlgorithms(key)}`,
  ];
}

/**
 * The Docker provider's `ssh` options. docker/cli's connhelper (v28.5.2, cli/connhelper) runs
 * `ssh -l user -p port <these> -T -- host docker system dial-stdio`, so every `-o` applies to the
 * destination only; the bastion is reached with a ProxyCommand that is itself an `ssh` pinned
 * to the bastion's key (a ProxyJump hop would take none of these options). The ProxyCommand
 * string runs under `sh -c` and has its own `%` tokens, hence the quoting and `%%H`.
 */
export function dockerSshOpts(access: SshRoute, hostPublicKey: pulumi.Input<string>): pulumi.Output<string[]> {
  return pulumi.output(hostPublicKey).apply((hostKey) => dockerSshOptions(access, hostKey));
}

/** dockerSshOpts for a known host key (pure; test/ssh/run.ts runs these with the real `ssh`). */
export function dockerSshOptions(access: SshRoute, hostPublicKey: string): string[] {
  const opts = [...pinnedHostKeyOpts(hostPublicKey), "-o", "ServerAliveInterval=15", "-o", "ConnectTimeout=20"];
  const b = access.bastion;
  if (b) {
    const jump = ["ssh", ...pinnedHostKeyOpts(b.hostKey, "%%"), "-o", "ConnectTimeout=20", "-W", "%h:%p", "-p", String(b.port), "-l", b.user, "--", b.host];
    opts.push("-o", `ProxyCommand=${jump.map((w) => shQuote(w, "if-needed")).join(" ")}`);
  }
  return opts;
}

/**
 * A remote command's text carrying `values`, so that a change of any of them re-runs the
 * command (its `update`, else its `create`). The one way the stack triggers remote commands:
 * see withTriggerLine for why neither `environment` nor `triggers` is used.
 */
export function triggeredScript(script: string, values: Record<string, pulumi.Input<string>>): pulumi.Output<string> {
  return pulumi.all(values).apply((v) => withTriggerLine(script, v));
}
