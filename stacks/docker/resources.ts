import * as pulumi from "@pulumi/pulumi";
import type { DockerProviders } from "./provider.ts";
import type { ContainerInputs, ImageInputs, NetworkInputs, PasswordInputs, VolumeInputs } from "./types.ts";

type Args<T> = { [K in keyof T]: pulumi.Input<T[K]> };

// Each resource takes the providers first: their effects come from the module the component was given.

/** A docker network (sandbox:docker dynamic resource). */
export class DockerNetwork extends pulumi.dynamic.Resource {
  declare readonly name: pulumi.Output<string>;
  declare readonly networkId: pulumi.Output<string>;
  constructor(
    providers: DockerProviders,
    name: string,
    args: Args<NetworkInputs>,
    opts?: pulumi.CustomResourceOptions,
  ) {
    super(providers.network, name, { ...args, networkId: undefined }, opts, "sandbox-docker", "Network");
  }
}

export class DockerVolume extends pulumi.dynamic.Resource {
  declare readonly name: pulumi.Output<string>;
  constructor(
    providers: DockerProviders,
    name: string,
    args: Args<VolumeInputs>,
    opts?: pulumi.CustomResourceOptions,
  ) {
    super(providers.volume, name, { ...args }, opts, "sandbox-docker", "Volume");
  }
}

/** An image built from images/<folder> (or a reference checked to be in the local Engine). */
export class DockerImage extends pulumi.dynamic.Resource {
  declare readonly tag: pulumi.Output<string>;
  declare readonly imageId: pulumi.Output<string>;
  constructor(
    providers: DockerProviders,
    name: string,
    args: ImageInputs,
    opts?: pulumi.CustomResourceOptions,
  ) {
    super(
      providers.image,
      name,
      { ...args, tag: undefined, imageId: undefined },
      opts,
      "sandbox-docker",
      "Image",
    );
  }
}

export class DockerContainer extends pulumi.dynamic.Resource {
  declare readonly name: pulumi.Output<string>;
  declare readonly containerId: pulumi.Output<string>;
  constructor(
    providers: DockerProviders,
    name: string,
    args: Args<ContainerInputs>,
    opts?: pulumi.CustomResourceOptions,
  ) {
    super(
      providers.container,
      name,
      { ...args, containerId: undefined },
      { ...opts, additionalSecretOutputs: ["env"] },
      "sandbox-docker",
      "Container",
    );
  }
}

/** A generated password; its value is a Pulumi secret in the state and stays the same on every `up`. */
export class Password extends pulumi.dynamic.Resource {
  declare readonly value: pulumi.Output<string>;
  constructor(
    providers: DockerProviders,
    name: string,
    args: PasswordInputs,
    opts?: pulumi.CustomResourceOptions,
  ) {
    super(
      providers.password,
      name,
      { ...args, value: undefined },
      { ...opts, additionalSecretOutputs: ["value"] },
      "sandbox-docker",
      "Password",
    );
  }
}
