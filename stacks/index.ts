/**
 * Program entry named in Pulumi.yaml, for a Pulumi user driving a sandbox with the plain CLI
 * (`pulumi config set specFile sandbox.yaml && pulumi up`). The sandbox CLI runs the same program inline
 * (sandbox-cli/src/engine), which also keeps ports and creation time stable between runs; here they
 * come from stack config: `hostPorts` (object) and `createdAt` (ISO). Passwords are Password resources.
 */
import * as pulumi from "@pulumi/pulumi";
import { ensureImage } from "../sandbox-cli/src/runtime/images.ts";
import { loadSpecFile } from "../sandbox-cli/src/sandbox-spec/index.ts";
import { silentLogger } from "../sandbox-cli/src/util/log.ts";
import { exposedPorts, planCandidates } from "./catalog/index.ts";
import { EDGE_IMAGE } from "./docker/plan.ts";
import { dockerSandboxProgram } from "./docker/program.ts";

const config = new pulumi.Config();
const loaded = await loadSpecFile(config.require("specFile"));
const candidates = planCandidates(loaded.spec.candidates);
const recipes = [
  EDGE_IMAGE,
  ...candidates.flatMap((c) =>
    c.instances.flatMap((i) => ("recipe" in i.image.docker ? [i.image.docker.recipe] : [])),
  ),
];
const imageHashes: Record<string, string> = {};
for (const recipe of recipes)
  imageHashes[recipe.folder] ??= (await ensureImage(recipe, silentLogger)).contextHash;
const configuredPorts = config.getObject<Record<string, number>>("hostPorts") ?? {};
const hostPorts = Object.fromEntries(
  exposedPorts(candidates).map((port, index) => [port.key, configuredPorts[port.key] ?? 28_000 + index]),
);
const createdAt = config.get("createdAt") ?? new Date().toISOString();
const expiresAt = new Date(Date.parse(createdAt) + loaded.spec.ttl * 1000).toISOString();

const outputs = await dockerSandboxProgram({
  name: loaded.spec.name,
  owner: loaded.spec.owner,
  expiresAt,
  candidates,
  hostPorts,
  imageHashes,
})();

export const sandbox = outputs.sandbox;
export const endpoints = outputs.endpoints;
export const containerIds = outputs.containerIds;
export const secrets = outputs.secrets;
