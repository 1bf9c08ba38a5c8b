/**
 * The RAM policy of the CeresDB nodes' OSS user: object actions on `bucket/prefix/*` and listing
 * of that prefix only. Nothing on other prefixes, no bucket administration. Pure, so the policy
 * pack and tests can check it.
 */

/** Object actions CeresDB's object store performs: get/head, put (incl. multipart), delete. */
export const OSS_OBJECT_ACTIONS = [
  "oss:GetObject",
  "oss:PutObject",
  "oss:DeleteObject",
  "oss:AbortMultipartUpload",
  "oss:ListParts",
] as const;

export interface PolicyDocument {
  Version: "1";
  Statement: Array<{
    Effect: "Allow";
    Action: string[];
    Resource: string[];
    Condition?: Record<string, Record<string, string[]>>;
  }>;
}

export function ossPolicyDocument(bucket: string, prefix: string): PolicyDocument {
  return {
    Version: "1",
    Statement: [
      { Effect: "Allow", Action: [...OSS_OBJECT_ACTIONS], Resource: [`acs:oss:*:*:${bucket}/${prefix}/*`] },
      {
        Effect: "Allow",
        Action: ["oss:ListObjects", "oss:ListMultipartUploads"],
        Resource: [`acs:oss:*:*:${bucket}`],
        Condition: { StringLike: { "oss:Prefix": [`${prefix}/*`] } },
      },
    ],
  };
}
