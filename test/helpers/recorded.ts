/** Look-ups in what an offline run of the program registered (tools/plan/offline). */
import { OfflineRun, RecordedResource } from "../../tools/plan/offline";

export function byType(run: OfflineRun, type: string): RecordedResource[] {
  return run.resources.filter((r) => r.type === type);
}

export function named(run: OfflineRun, name: string): RecordedResource {
  const r = run.resources.find((x) => x.name === name);
  if (!r) throw new Error(`no resource named ${name}`);
  return r;
}
