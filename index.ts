/**
 * ceresdb-cluster: a production CeresDB cluster on Alibaba Cloud.
 *
 * stack settings -> readStackSettings (the only reader of pulumi.Config)
 *                -> buildSpec (validation + defaults; every problem at once, before any resource)
 *                -> CeresDBCluster (components that only create resources, from pure renderers)
 */
import * as pulumi from "@pulumi/pulumi";
import { CeresDBCluster } from "./components/cluster/cluster";
import { readStackSettings } from "./components/config/stackConfig";
import { buildSpec } from "./components/model/buildSpec";
import { InvalidSettingsError } from "./components/model/problems";
import { secretInputs, SettingName } from "./components/model/settings";

const settings = readStackSettings();
const built = buildSpec({
  project: settings.project,
  stack: settings.stack,
  region: settings.region,
  values: settings.values,
  secretsSet: new Set(Object.keys(settings.secrets) as SettingName[]),
  plaintextSecrets: settings.plaintextSecrets,
  undeclaredSettings: settings.undeclaredSettings,
  now: new Date(),
});
if (!built.ok) {
  // RunError: Pulumi prints the message alone, without a stack trace.
  throw new pulumi.RunError(new InvalidSettingsError(built.problems).message);
}
for (const warning of built.warnings) pulumi.log.warn(warning);

const { spec } = built;
const cluster = new CeresDBCluster(spec.namePrefix, { spec, secrets: secretInputs(settings.secrets) });

const outputs = cluster.outputs;
export const environment = outputs.environment;
export const version = outputs.version;
export const metaEndpoint = outputs.metaEndpoint;
export const clientEndpoints = outputs.clientEndpoints;
export const clientEndpointPublic = outputs.clientEndpointPublic;
export const metaEndpoints = outputs.metaEndpoints;
export const metaHttpEndpoints = outputs.metaHttpEndpoints;
export const metaFaultTolerance = outputs.metaFaultTolerance;
export const grpcEndpoints = outputs.grpcEndpoints;
export const mysqlEndpoints = outputs.mysqlEndpoints;
export const postgresqlEndpoints = outputs.postgresqlEndpoints;
export const adminHttpEndpoints = outputs.adminHttpEndpoints;
export const bucket = outputs.bucket;
export const bucketPrefix = outputs.bucketPrefix;
export const ossEndpoint = outputs.ossEndpoint;
export const hostIps = outputs.hostIps;
export const clusterBootstrap = outputs.clusterBootstrap;
export const monitoring = outputs.monitoring;
