/**
 * The SDK floor (tools/bench/sdkFloor.ts) registers each recorded resource through its provider's
 * real class: a type it did not map would fall back to a plain CustomResource with no output
 * properties, a cheaper registration, and the floor would be too low. Every type the stack
 * creates (the provider-contract table) maps to the class whose `__pulumiType` is that type.
 */
import { CONTRACTS } from "../../components/contracts/providers";
import { classOfType, loadProviderPackage as load } from "../../tools/bench/sdkFloor";

describe("classOfType", () => {
  const types = Object.keys(CONTRACTS);
  const dynamic = types.filter((t) => t.startsWith("pulumi-nodejs:dynamic/"));
  const providers = types.filter((t) => t.startsWith("pulumi:providers:"));
  const classed = types.filter((t) => !dynamic.includes(t) && !providers.includes(t));

  it.each(classed)("%s is the provider class of that type", (type) => {
    const cls = classOfType(type, load) as unknown as { __pulumiType?: string } | undefined;
    expect(cls?.__pulumiType).toBe(type);
  });

  it.each(providers)("%s is the package's Provider class", (type) => {
    const cls = classOfType(type, load) as unknown as { __pulumiType?: string } | undefined;
    expect(cls?.__pulumiType).toBe(type.split(":")[2]);
  });

  it("dynamic resources have no class (they register as a CustomResource of their type)", () => {
    expect(dynamic.length).toBeGreaterThan(0);
    for (const t of dynamic) expect(classOfType(t, load)).toBeUndefined();
  });
});
