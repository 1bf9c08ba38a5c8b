/** A BlastRadius with nothing in it but `over`: for tests of what reads one (change, timeline). */
import { BlastRadius } from "../../tools/plan/diff";

export const radius = (over: Partial<BlastRadius>): BlastRadius => ({
  files: { added: [], removed: [], changed: [] },
  resourcesAdded: [],
  resourcesRemoved: [],
  inputsCompared: true,
  changes: [],
  containers: { created: [], replaced: [], updated: [], destroyed: [] },
  hosts: { created: [], replaced: [], restarted: [], updated: [], destroyed: [] },
  ...over,
});
