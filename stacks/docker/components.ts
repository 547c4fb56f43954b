import * as pulumi from "@pulumi/pulumi";
import { renderEnv } from "../catalog/index.ts";
import {
  type DockerObjectsPlan,
  type DockerSandboxInput,
  type Endpoint,
  type PlannedContainer,
  planDockerSandbox,
} from "./plan.ts";
import { dockerProviders, providerModuleProblem } from "./provider.ts";
import { DockerContainer, DockerImage, DockerNetwork, DockerVolume, Password } from "./resources.ts";

export interface DockerSandboxArgs {
  readonly input: DockerSandboxInput;
  /**
   * file: URL of the module that does the docker work (exports providerFor, see DockerProviderModule);
   * `sandbox up` passes its runtime/docker-provider. The stack itself only declares resources.
   */
  readonly providerModule: string;
}

/** One sandbox on the docker target: its networks, volumes, images, candidate containers and the edge. */
export class DockerSandbox extends pulumi.ComponentResource {
  readonly plan: DockerObjectsPlan;
  readonly endpoints: readonly Endpoint[];
  readonly containerIds: pulumi.Output<Record<string, string>>;
  /** generated secrets per candidate (`{{secret:NAME}}` values), a Pulumi secret. */
  readonly secrets: pulumi.Output<Record<string, Record<string, string>>>;

  constructor(name: string, args: DockerSandboxArgs, opts?: pulumi.ComponentResourceOptions) {
    const problem = providerModuleProblem(args.providerModule);
    if (problem) throw new Error(`DockerSandbox ${name}: ${problem}`);
    super("sandbox:docker:Sandbox", name, {}, opts);
    const providers = dockerProviders(args.providerModule);
    this.plan = planDockerSandbox(args.input);
    this.endpoints = this.plan.endpoints;
    const { plan } = this;
    const internal = new DockerNetwork(providers, plan.internalNetwork.name, plan.internalNetwork, {
      parent: this,
    });
    const edgeNetwork = new DockerNetwork(providers, plan.edgeNetwork.name, plan.edgeNetwork, {
      parent: this,
    });
    const volumes = plan.volumes.map(
      (volume) => new DockerVolume(providers, volume.name, volume, { parent: this }),
    );
    const images = Object.fromEntries(
      Object.entries(plan.images).map(([key, image]) => [
        key,
        new DockerImage(providers, `${name}-image-${key.replace(/[^a-z0-9-]/g, "-")}`, image, {
          parent: this,
        }),
      ]),
    );
    const passwords = args.input.candidates.flatMap((candidate) =>
      candidate.secrets.map((secret) => ({
        candidate: candidate.name,
        name: secret.name,
        resource: new Password(
          providers,
          `${name}-${candidate.name}-${secret.name}`,
          { length: secret.length },
          { parent: this },
        ),
      })),
    );
    const secrets = pulumi.secret(
      pulumi.all(passwords.map((password) => password.resource.value)).apply((values) => {
        const byCandidate: Record<string, Record<string, string>> = {};
        passwords.forEach((password, index) => {
          byCandidate[password.candidate] = {
            ...byCandidate[password.candidate],
            [password.name]: values[index] ?? "",
          };
        });
        return byCandidate;
      }),
    );
    this.secrets = secrets;
    const created = new Map<string, DockerContainer>();
    const makeContainer = (planned: PlannedContainer, networks: DockerNetwork[]) => {
      const image = images[planned.imageKey];
      if (!image) throw new Error(`no image planned for ${planned.imageKey}`);
      const env = secrets.apply((all) =>
        renderEnv(planned.envTemplate, { ...planned.templateContext, secrets: all[planned.candidate] ?? {} }),
      );
      const container = new DockerContainer(
        providers,
        planned.inputs.name,
        { ...planned.inputs, imageId: image.imageId, env },
        {
          parent: this,
          dependsOn: [
            ...networks,
            ...volumes,
            ...planned.dependsOn.map((dep) => created.get(dep)).filter((c) => c !== undefined),
          ],
        },
      );
      created.set(planned.inputs.name, container);
      return container;
    };
    const candidates = plan.containers.map((planned) => makeContainer(planned, [internal]));
    const edge = makeContainer(plan.edge, [internal, edgeNetwork]);
    this.containerIds = pulumi
      .all([...candidates, edge].map((container) => pulumi.all([container.name, container.containerId])))
      .apply((pairs) => Object.fromEntries(pairs));
    this.registerOutputs({
      endpoints: this.endpoints,
      containerIds: this.containerIds,
      secrets: this.secrets,
    });
  }
}
