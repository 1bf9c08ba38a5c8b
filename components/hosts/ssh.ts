import * as pulumi from "@pulumi/pulumi";
import * as command from "@pulumi/command";
import { AccessSpec } from "../spec/types";

/**
 * How the program reaches a host over SSH: directly, or through the bastion. Shared by the
 * readiness and health gates (which use @pulumi/command and take the key as a secret input) and
 * by the Docker provider (which shells out to `ssh`, so it takes OpenSSH options and the key
 * from ssh-agent).
 */

/** Bounded connection retries: hosts take a minute or two to boot; never wait forever. */
const DIAL_ERROR_LIMIT = 30;
const PER_DIAL_TIMEOUT_SECONDS = 15;

export function sshConnection(
  access: AccessSpec,
  address: pulumi.Input<string>,
  privateKey: pulumi.Output<string>,
): command.types.input.remote.ConnectionArgs {
  const bastion = access.bastion;
  return {
    host: address,
    user: access.sshUser,
    privateKey,
    dialErrorLimit: DIAL_ERROR_LIMIT,
    perDialTimeout: PER_DIAL_TIMEOUT_SECONDS,
    proxy: bastion
      ? {
          host: bastion.host,
          port: bastion.port,
          user: bastion.user,
          privateKey,
          dialErrorLimit: DIAL_ERROR_LIMIT,
          perDialTimeout: PER_DIAL_TIMEOUT_SECONDS,
        }
      : undefined,
  };
}

/** `ssh://user@ip` plus options for the Docker provider. */
export function dockerHost(access: AccessSpec, address: pulumi.Input<string>): pulumi.Output<string> {
  return pulumi.interpolate`ssh://${access.sshUser}@${address}:22`;
}

export function dockerSshOpts(access: AccessSpec): string[] {
  const opts = [
    // New hosts have new host keys; accept a key on first use but refuse a changed one.
    "-o", "StrictHostKeyChecking=accept-new",
    "-o", "ServerAliveInterval=15",
    "-o", "ConnectTimeout=20",
  ];
  const b = access.bastion;
  if (b) opts.push("-o", `ProxyJump=${b.user}@${b.host}:${b.port}`);
  return opts;
}
