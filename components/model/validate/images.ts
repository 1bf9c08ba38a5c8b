/** Images: where CeresMeta and CeresDB are pulled from, and the registry login. Pure. */
import { CeresVersion, ImageSpec } from "../types";
import { AreaFindings, Findings, SettingsInput } from "./reader";

const RE = {
  registry: /^[a-z0-9.-]+(:\d{1,5})?$/,
  imageNamespace: /^[a-z0-9]+([._/-][a-z0-9]+)*$/,
};

export function validateImages(input: SettingsInput, version: CeresVersion): { images: ImageSpec } & AreaFindings {
  const f = new Findings(input.values);
  const { r } = f;
  const registry = r.pattern("imageRegistry", RE.registry, "a registry host such as docker.io or registry.cn-hangzhou.aliyuncs.com");
  const namespace = r.pattern("imageNamespace", RE.imageNamespace, "a repository namespace such as ceresdb");
  const registryUsername = r.optionalString("registryUsername");
  if (registryUsername !== undefined && !input.secretsSet.has("registryPassword")) {
    f.problem("registryPassword", undefined, "set with registryUsername: `pulumi config set --secret ceresdb:registryPassword`");
  }
  if (registryUsername === undefined && input.secretsSet.has("registryPassword")) {
    f.problem("registryUsername", undefined, "set together with registryPassword");
  }
  const images: ImageSpec = {
    meta: `${registry}/${namespace}/ceresmeta-server:${version}`,
    node: `${registry}/${namespace}/ceresdb-server:${version}`,
    registry,
    registryUsername,
  };
  return { images, ...f.findings };
}
