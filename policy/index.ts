/**
 * ceresdb-cluster policy pack: `pulumi preview --policy-pack policy` (see policy/README.md).
 * The rules live in rules.ts (pure, unit tested) and are adapted in policies.ts.
 */
import { PolicyPack } from "@pulumi/policy";
import { policies } from "./policies";

new PolicyPack("ceresdb-cluster", {
  description: "CeresDB cluster guard rails: network exposure, data protection, encryption, least-privilege OSS credentials, secret outputs, tags.",
  enforcementLevel: "mandatory",
  policies,
});
