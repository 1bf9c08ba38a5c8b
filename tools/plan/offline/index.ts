/** Offline runner: run the Pulumi program under mocks, no CLI. See docs/plan.md. */
export { runOffline, defaultProjectDir, REPO_ROOT, skipEngineOnlyWork } from "./run";
export type { OfflineRun, RecordedResource, RunOfflineOptions } from "./run";
export { loadStackFileConfig, listStacks, secretPlaceholder, stackFile } from "./config";
export type { StackFileConfig, LoadSettingsOptions } from "./config";
export {
  RecordingMocks,
  computeOutputs,
  computeCall,
  accessKeySecretPlaceholder,
  MOCK_IMAGE_ID,
  SECRET_SIG,
  SECRET_SIG_VALUE,
} from "./mocks";
export type { MockCall, ComputeHook } from "./mocks";
export { unwrapSecrets, isSecretWrapper, collectSecretStrings } from "./secrets";
