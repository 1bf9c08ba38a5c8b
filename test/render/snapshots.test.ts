/**
 * Golden files: every file rendered for every fixture. A diff here is a change to what lands on
 * hosts; review the .snap diff like a config change (`npx jest test/render -u` to accept).
 */
import { renderCeresDbToml, renderCeresMetaToml, renderCloudInit } from "../../components/render";
import { ALL_FIXTURES, fakeDiskId, fakeSecrets } from "../fixtures/specs";

describe.each(Object.entries(ALL_FIXTURES))("golden files: %s", (_name, spec) => {
  test.each(spec.meta.map((m) => [m.memberName, m] as const))("ceresmeta.toml %s", (_n, member) => {
    expect(renderCeresMetaToml(spec, member)).toMatchSnapshot();
  });
  test.each(spec.nodes.map((n) => [n.host.name, n] as const))("ceresdb.toml %s", (_n, node) => {
    expect(renderCeresDbToml(spec, node, fakeSecrets)).toMatchSnapshot();
  });
  test.each(spec.meta.map((m) => [m.host.name, m.host] as const))("cloud-init %s", (_n, host) => {
    expect(renderCloudInit(spec, host, "meta", fakeDiskId(host.name))).toMatchSnapshot();
  });
  test.each(spec.nodes.map((n) => [n.host.name, n.host] as const))("cloud-init %s", (_n, host) => {
    expect(renderCloudInit(spec, host, "server", fakeDiskId(host.name))).toMatchSnapshot();
  });
});
