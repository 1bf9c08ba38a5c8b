import { SettingsInput } from "../../components/model/buildSpec";
import { SettingName } from "../../components/model/settings";

/** A complete, valid set of raw settings for a prod-class stack; tests change one thing at a time. */
export const BASE_VALUES: Partial<Record<SettingName, string>> = {
  environment: "prod",
  zones: JSON.stringify(["cn-hangzhou-h", "cn-hangzhou-i", "cn-hangzhou-j"]),
  sshPublicKey: "ecdsa-sha2-nistp256 AAAAE2VjZHNhLXNoYTItbmlzdHAyNTYAAAAIbmlzdHAyNTYAAABBBKxSo8zO1O/rdRtygFCjPtLT79VI2REpKOBNosouZEFIbsYJD5bAHz5xBFPr4sr6jdBuwsO4JI86TLCCXGiG7bc= ops@example",
  bucketName: "acme-ceresdb-prod",
  adminCidrs: JSON.stringify(["192.0.2.0/24"]),
};

/** The bootstrap settings buildSpec gives BASE_VALUES (written out: a test compares against it). */
export const BASE_BOOTSTRAP = {
  clusterName: "defaultCluster",
  nodeCount: 3,
  shardTotal: 8,
  topology: "static",
  initialClusterToken: "ceresdb-prod",
  storageRootPath: "/ceresdb",
} as const;

export function settingsInput(
  values: Partial<Record<SettingName, string | undefined>> = {},
  secrets: SettingName[] = ["sshPrivateKey"],
  extra: Partial<SettingsInput> = {},
): SettingsInput {
  const merged: Partial<Record<SettingName, string>> = { ...BASE_VALUES };
  for (const [k, v] of Object.entries(values) as [SettingName, string | undefined][]) {
    if (v === undefined) delete merged[k];
    else merged[k] = v;
  }
  return { project: "ceresdb", stack: "prod", region: "cn-hangzhou", values: merged, secretsSet: new Set(secrets), ...extra };
}
