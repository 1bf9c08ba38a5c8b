/** Pure renderers: validated spec in, file contents out. No Pulumi imports below this folder. */
export { RenderError } from "./common";
export type { RenderOptions } from "./common";
export { renderCeresMetaToml, initialClusterOf, META_ETCD_START_TIMEOUT_MS } from "./ceresmetaToml";
export {
  renderCeresDbToml,
  CERESDB_TOP_LEVEL_SECTIONS,
  META_CLIENT_LEASE,
  META_CLIENT_TIMEOUT,
} from "./ceresdbToml";
export {
  renderCloudInit,
  renderHostSetupScript,
  diskByIdPath,
  HOST_READY_MARKER,
  HOST_SETUP_SCRIPT,
  DISK_WAIT_SECONDS,
} from "./cloudInit";
export { renderMetaBootstrapGuard } from "./metaGuard";
export { clusterHost, clusterHosts, hostFile, hostFiles, USER_DATA_PATH } from "./hostFiles";
export type { ClusterHost, HostFile, HostFileKind, HostValues } from "./hostFiles";
export { renderLogrotate, rotatedLogFiles, LOGROTATE_CONFIG_PATH } from "./logrotate";
export type { GuardOptions } from "./metaGuard";
export {
  renderHostReadyCheck,
  renderGateRunning,
  renderGateHealthy,
  withTriggerLine,
  HOST_READY_WAIT_SECONDS,
  GATE_RUNNING_WAIT_SECONDS,
} from "./remoteCommands";
export { renderPrometheusConfig, scrapeJobs, renderScrapeJob } from "./prometheusConfig";
export { renderAlertRules, allAlertRules, stackAlertRules } from "./alertRules";
export { renderMetaBackupScript, renderMetaBackupUnits, renderObservabilitySetupSteps, renderBackupCredentialsCommand } from "./metaBackup";
export { renderShardHandoff, needsShardHandoff, HANDOFF_WAIT_SECONDS } from "./shardHandoff";
