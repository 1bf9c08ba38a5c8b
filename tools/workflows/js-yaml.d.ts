// js-yaml 4 is installed as a dependency of @pulumi/pulumi; its types package is not. Only `load` is used.
declare module "js-yaml" {
  export function load(text: string): unknown;
}
