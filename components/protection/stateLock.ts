import * as pulumi from "@pulumi/pulumi";

/**
 * The dynamic provider of a state-only lock (BootstrapLock, HostLock): it creates nothing in the
 * cloud, records its inputs in the stack's state, and at preview (`check`) refuses the changes
 * `problems` names between the recorded inputs and the new ones. Pulumi serializes `problems` and
 * `idOf` with the provider, with everything they reference captured by value (hostLock's use of
 * the contract table included; test/program/stateLock.test.ts runs the serialized text), so they
 * must stay pure: no I/O, no resources, no state.
 */
export function stateLockProvider<T>(
  problems: (recorded: Partial<T>, news: T) => pulumi.dynamic.CheckFailure[],
  idOf: (inputs: T) => string,
): pulumi.dynamic.ResourceProvider {
  return {
    async check(olds, news) {
      return { inputs: news, failures: problems(olds as Partial<T>, news as T) };
    },
    async create(inputs) {
      return { id: idOf(inputs as T), outs: inputs };
    },
    async update(_id, _olds, news) {
      return { outs: news };
    },
  };
}

/**
 * The resource class of a state-only lock: a dynamic resource of type
 * `pulumi-nodejs:dynamic/ceresdb:<type>` (an identity in every stack's state: never rename it)
 * whose inputs are the values it records.
 */
export function stateLockResource<T extends object>(type: string, provider: pulumi.dynamic.ResourceProvider) {
  return class extends pulumi.dynamic.Resource {
    constructor(name: string, inputs: T, opts?: pulumi.CustomResourceOptions) {
      super(provider, name, { ...inputs }, opts, "ceresdb", type);
    }
  };
}
