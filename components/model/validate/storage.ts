/** Storage: the OSS bucket and prefix of the SSTs, and whose key the nodes use. Pure. */
import { StorageSpec } from "../types";
import { isBucketName } from "../vocabulary";
import { AreaFindings, Findings, SettingsInput } from "./reader";

const BUCKET_PREFIX = /^[A-Za-z0-9][A-Za-z0-9._/-]{0,127}$/;

export function validateStorage(input: SettingsInput, ctx: { namePrefix: string; region?: string }): { storage: StorageSpec } & AreaFindings {
  const f = new Findings(input.values);
  const { r } = f;
  const createBucket = r.boolean("createBucket");
  const bucketGiven = r.optionalString("bucketName");
  const bucket = bucketGiven ?? `${ctx.namePrefix}-${ctx.region ?? "region"}`;
  if (!isBucketName(bucket)) {
    f.problem("bucketName", bucket, "3 to 63 characters: lowercase letters, digits and single hyphens, starting and ending with a letter or digit" + (bucketGiven === undefined ? " (the default <resourcePrefix>-<region> does not fit; set it)" : ""));
  }
  if (!createBucket && bucketGiven === undefined) f.problem("bucketName", undefined, "the existing bucket's name when createBucket is false");
  const prefix = r.optionalString("bucketPrefix") ?? ctx.namePrefix;
  if (!BUCKET_PREFIX.test(prefix) || prefix.includes("..") || prefix.endsWith("/")) {
    f.problem("bucketPrefix", prefix, "a key prefix of letters, digits, . _ - and /, not starting or ending with / and without ..");
  }
  const suppliedKeyId = r.optionalString("ossAccessKeyId");
  const suppliedSecret = input.secretsSet.has("ossAccessKeySecret");
  if ((suppliedKeyId !== undefined) !== suppliedSecret) {
    f.problem(suppliedKeyId === undefined ? "ossAccessKeyId" : "ossAccessKeySecret", undefined, "ossAccessKeyId and the secret ossAccessKeySecret go together (or neither, to use a per-stack RAM user)");
  }
  const storage: StorageSpec = {
    bucket,
    createBucket,
    prefix,
    // The region's internal endpoint, always with its scheme: without one CeresDB talks plain HTTP (reference 2.8).
    endpoint: `https://oss-${ctx.region}-internal.aliyuncs.com`,
    useSuppliedKey: suppliedKeyId !== undefined,
    suppliedKeyId,
  };
  return { storage, ...f.findings };
}
