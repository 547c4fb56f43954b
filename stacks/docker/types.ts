/** Plain-data inputs of the docker target's dynamic resources (what the provider process receives). */

export interface NetworkInputs {
  readonly name: string;
  /** no route out: containers reach only each other (and the edge). */
  readonly internal: boolean;
  readonly labels: Readonly<Record<string, string>>;
}

export interface VolumeInputs {
  readonly name: string;
  readonly labels: Readonly<Record<string, string>>;
}

export type ImageInputs =
  | { readonly kind: "recipe"; readonly name: string; readonly folder: string; readonly contextHash: string }
  | { readonly kind: "reference"; readonly reference: string };

export interface ImageOutputs {
  readonly tag: string;
  readonly imageId: string;
}

export type ReadinessProbe =
  | { readonly kind: "http"; readonly path: string; readonly port: number; readonly expectStatus: number }
  | { readonly kind: "tcp"; readonly port: number };

export interface ContainerInputs {
  readonly name: string;
  readonly imageId: string;
  readonly command?: readonly string[] | undefined;
  readonly env: Readonly<Record<string, string>>;
  readonly labels: Readonly<Record<string, string>>;
  /** the first network is the one the container is created on (and probed through). */
  readonly networks: readonly { readonly name: string; readonly aliases: readonly string[] }[];
  /** published on 127.0.0.1 only. */
  readonly ports: readonly { readonly hostPort: number; readonly containerPort: number }[];
  readonly mounts: readonly { readonly volume: string; readonly target: string }[];
  readonly memoryMb: number;
  readonly cpu: number;
  readonly probe?: ReadinessProbe | undefined;
  readonly readyTimeoutS: number;
}

export interface ContainerOutputs extends ContainerInputs {
  readonly containerId: string;
}

/** A generated password, kept in the stack state as a Pulumi secret (like @pulumi/random's RandomPassword). */
export interface PasswordInputs {
  readonly length: number;
}

export type ResourceKind = "network" | "volume" | "image" | "container" | "password";

/** The label every object of a sandbox carries, and the ones `down` and `gc` select on. */
export const LABELS = {
  name: "sandbox.name",
  owner: "sandbox.owner",
  expiresAt: "sandbox.expires-at",
  managed: "sandbox.managed",
  candidate: "sandbox.candidate",
  instance: "sandbox.instance",
  role: "sandbox.role",
} as const;
