/**
 * `TeardownWorkspace` over the Pulumi Automation API (`@pulumi/pulumi/automation`).
 * Every call shells out to the `pulumi` CLI of the given `LocalWorkspace`.
 */
import { LocalWorkspace, Stack } from "@pulumi/pulumi/automation";
import { StackSettings } from "./decide";
import { TeardownWorkspace } from "./runner";

export class AutomationTeardownWorkspace implements TeardownWorkspace {
  constructor(
    private readonly ws: LocalWorkspace,
    private readonly onOutput?: (line: string) => void,
  ) {}

  async listStacks(): Promise<string[]> {
    const stacks = await this.ws.listStacks();
    return stacks.map((s) => s.name);
  }

  async getConfig(stack: string): Promise<StackSettings> {
    // Config lives in Pulumi.<stack>.yaml of the work dir (may be absent on a fresh checkout);
    // tags live in the backend. Secret values are dropped: teardown never needs them.
    const all = await this.ws.getAllConfig(stack);
    const config: Record<string, string> = {};
    for (const [key, v] of Object.entries(all)) {
      if (!v.secret) config[key] = v.value;
    }
    const tags = await this.ws.listTags(stack);
    return { config, tags: { ...tags } };
  }

  async destroy(stack: string): Promise<void> {
    const s = await Stack.select(stack, this.ws);
    // No excludeProtected, no continueOnError: a protected resource makes this throw, on purpose.
    await s.destroy({ onOutput: this.onOutput });
  }

  async remove(stack: string): Promise<void> {
    // Never --force: `stack rm` refuses a stack that still has resources.
    await this.ws.removeStack(stack);
  }
}
