/** Pulumi.yaml's config block and the README's settings table are generated from the settings table. */
import * as fs from "fs";
import * as path from "path";
import YAML from "yaml";
import { renderPulumiYaml, renderReadmeTable } from "../../tools/docs/settingsReference";
import { SETTINGS, SETTING_NAMES } from "../../components/model/settings";

const ROOT = path.resolve(__dirname, "../..");

test("Pulumi.yaml is the generated one (run npm run docs:settings after editing settings.ts)", () => {
  expect(fs.readFileSync(path.join(ROOT, "Pulumi.yaml"), "utf8")).toBe(renderPulumiYaml());
});

test("the README carries the generated settings table", () => {
  expect(fs.readFileSync(path.join(ROOT, "README.md"), "utf8")).toContain(renderReadmeTable());
});

test("Pulumi.yaml declares every setting with a type and description, and a default unless required", () => {
  const config = YAML.parse(renderPulumiYaml()).config as Record<string, Record<string, unknown>>;
  expect(Object.keys(config).sort()).toEqual(SETTING_NAMES.map((n) => `ceresdb:${n}`).sort());
  for (const name of SETTING_NAMES) {
    const decl = config[`ceresdb:${name}`];
    const setting = SETTINGS[name] as { required?: boolean; secret?: boolean };
    expect(typeof decl.type).toBe("string");
    expect(String(decl.description).length).toBeGreaterThan(10);
    // The Pulumi CLI makes a declared setting without a default required.
    expect("default" in decl).toBe(!setting.required);
    if (decl.type === "array") expect(decl.items).toBeDefined();
  }
  expect(config["ceresdb:sshPrivateKey"].secret).toBe(true);
});

test("every checked-in stack file only sets declared settings", () => {
  const declared = new Set(SETTING_NAMES.map((n) => `ceresdb:${n}`));
  for (const file of fs.readdirSync(ROOT).filter((f) => /^Pulumi\.[^.]+\.yaml$/.test(f))) {
    const doc = YAML.parse(fs.readFileSync(path.join(ROOT, file), "utf8")) as { config?: Record<string, unknown> };
    const unknown = Object.keys(doc.config ?? {}).filter((k) => k.startsWith("ceresdb:") && !declared.has(k));
    expect({ file, unknown }).toEqual({ file, unknown: [] });
  }
});
