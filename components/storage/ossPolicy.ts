/**
 * The RAM policy of the CeresDB nodes' OSS user: object actions on `bucket/prefix/*` and listing
 * of that prefix only. Nothing on other prefixes, no bucket administration. Pure, so the policy
 * pack and tests can check it.
 */

import { OSS_LIST_ACTIONS, OSS_OBJECT_ACTIONS } from "../model/vocabulary";

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
        Action: [...OSS_LIST_ACTIONS],
        Resource: [`acs:oss:*:*:${bucket}`],
        Condition: { StringLike: { "oss:Prefix": [`${prefix}/*`] } },
      },
    ],
  };
}
