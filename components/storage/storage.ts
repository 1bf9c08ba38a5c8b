import * as pulumi from "@pulumi/pulumi";
import * as alicloud from "@pulumi/alicloud";
import { ClusterSpec } from "../model/types";
import { ramUserComments } from "../contracts/names";
import { ossPolicyDocument } from "./ossPolicy";

export interface StorageArgs {
  /** The validated cluster spec. Uses `storage`, `protection`, `tags` and `name`. */
  spec: ClusterSpec;
  /**
   * `ceresdb:ossAccessKeySecret`, when the user supplies an access key pair. Default: none, and a
   * RAM user scoped to the bucket prefix is created with its own access key.
   */
  suppliedKeySecret?: pulumi.Output<string>;
}

/**
 * Lifecycle of a bucket the stack creates (one it is given keeps its owner's rules):
 * - bucket-wide: abort multipart uploads CeresDB never completed (a node that died mid-flush),
 *   and, when versioned, expire non-current versions; without that every SST CeresDB compacts
 *   away stays as a hidden version and the bucket grows without bound.
 * - the CeresMeta snapshots under `<prefix>/meta-backup/`: deleted after the retention.
 * The two rules set different actions, so OSS takes their overlapping prefixes (PutBucketLifecycle).
 */
export function bucketLifecycleRules(spec: ClusterSpec): alicloud.types.input.oss.BucketLifecycleRule[] {
  const obs = spec.observability;
  return [
    {
      id: "ceresdb-cluster-hygiene",
      prefix: "",
      enabled: true,
      abortMultipartUploads: [{ days: obs.ossLifecycle.abortMultipartDays }],
      ...(spec.protection.ossVersioning ? { noncurrentVersionExpirations: [{ days: obs.ossLifecycle.noncurrentVersionDays }] } : {}),
    },
    {
      id: "ceresdb-cluster-meta-backup",
      prefix: `${obs.metaBackup.prefix}/`,
      enabled: true,
      expirations: [{ days: obs.metaBackup.retentionDays }],
    },
  ];
}

export interface OssCredentials {
  keyId: string;
  keySecret: string;
}

/**
 * The OSS bucket (private, server-side encrypted; versioned and protected in prod and staging) or
 * an existing one, and the credentials the CeresDB nodes use on it.
 */
export class Storage extends pulumi.ComponentResource {
  readonly bucket: pulumi.Output<string>;
  readonly prefix: string;
  /** Access key for the nodes; always a secret Output. */
  readonly credentials: pulumi.Output<OssCredentials>;

  constructor(name: string, args: StorageArgs, opts?: pulumi.ComponentResourceOptions) {
    super("ceresdb:storage:Storage", name, {}, opts);
    const { spec } = args;
    const st = spec.storage;

    if (st.createBucket) {
      const bucket = new alicloud.oss.Bucket(
        `${name}-bucket`,
        {
          bucket: st.bucket,
          serverSideEncryptionRule: { sseAlgorithm: "AES256" },
          versioning: spec.protection.ossVersioning ? { status: "Enabled" } : undefined,
          forceDestroy: spec.protection.forceDestroyBucket,
          lifecycleRules: bucketLifecycleRules(spec),
          tags: spec.tags,
        },
        { parent: this, protect: spec.protection.protectData },
      );
      new alicloud.oss.BucketAcl(`${name}-bucket-acl`, { bucket: bucket.bucket.apply((b) => b ?? st.bucket), acl: "private" }, { parent: this });
      this.bucket = bucket.bucket.apply((b) => b ?? st.bucket);
    } else {
      this.bucket = pulumi.output(st.bucket);
    }

    if (st.useSuppliedKey) {
      if (!args.suppliedKeySecret) throw new Error("Storage: useSuppliedKey needs suppliedKeySecret");
      this.credentials = pulumi.secret(
        args.suppliedKeySecret.apply((keySecret) => ({ keyId: st.suppliedKeyId!, keySecret })),
      );
    } else {
      const user = new alicloud.ram.User(
        `${name}-oss-user`,
        { name: `${spec.namePrefix}-oss`, comments: ramUserComments(spec.project, spec.stack, st.bucket, st.prefix), tags: spec.tags },
        { parent: this },
      );
      const policy = new alicloud.ram.Policy(
        `${name}-oss-policy`,
        {
          policyName: `${spec.namePrefix}-oss`,
          policyDocument: JSON.stringify(ossPolicyDocument(st.bucket, st.prefix)),
          description: `Object access to oss://${st.bucket}/${st.prefix}/ for ${spec.namePrefix}`,
          // A policy keeps at most 5 versions and every document change makes one; without this
          // the sixth change fails (terraform-provider-alicloud v1.294.x,
          // alicloud/resource_alicloud_ram_policy.go: `rotate_strategy` is sent as RotateStrategy
          // with CreatePolicyVersion; allowed None or DeleteOldestNonDefaultVersionWhenLimitExceeded).
          rotateStrategy: "DeleteOldestNonDefaultVersionWhenLimitExceeded",
          tags: spec.tags,
        },
        { parent: this },
      );
      new alicloud.ram.UserPolicyAttachment(
        `${name}-oss-policy`,
        { userName: user.name, policyName: policy.policyName, policyType: "Custom" },
        { parent: this },
      );
      const key = new alicloud.ram.AccessKey(
        `${name}-oss-key`,
        { userName: user.name },
        // The provider SDK itself declares `secret` an additional secret output.
        { parent: this },
      );
      this.credentials = pulumi.secret(pulumi.all([key.id, key.secret]).apply(([keyId, keySecret]) => ({ keyId, keySecret })));
    }

    this.prefix = st.prefix;
    this.registerOutputs({ bucket: this.bucket, prefix: this.prefix });
  }
}
