/**
 * Test-only: a ClusterSpec from hand-written data, without buildSpec. For renderer tests and
 * fixtures (test/fixtures/specs.ts) that need shapes buildSpec would refuse or that must not
 * change when a default does. Product code may not import this file (eslint.config.mjs,
 * no-restricted-imports outside test/): it would bypass validation, which renderers rely on.
 */
import { brandSpec, ClusterSpec, ClusterSpecData } from "./types";

export function specForTests(data: ClusterSpecData): ClusterSpec {
  return brandSpec(data);
}
