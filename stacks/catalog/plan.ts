import { catalog } from "./registry.ts";
import type {
  CandidateKind,
  CatalogEntry,
  CatalogHealth,
  CatalogInstall,
  CatalogPort,
  CatalogResources,
} from "./schema.ts";

/** A candidate as a spec names it (the spec's `candidates[]` items). */
export interface CandidateRequest {
  readonly name?: string | undefined;
  readonly catalog: string;
  readonly env?: Readonly<Record<string, string>> | undefined;
}

/** One process to run: a candidate's app, one of its dependencies, or one of its workers. */
export interface PlannedInstance {
  /** unique in the sandbox; the internal hostname on the sandbox network. */
  readonly name: string;
  readonly candidate: string;
  /** "app" for the candidate itself, else the dependency or worker role. */
  readonly role: string;
  readonly catalogId: string;
  readonly kind: CandidateKind;
  readonly image: CatalogEntry["image"];
  readonly command?: readonly string[] | undefined;
  readonly ports: readonly CatalogPort[];
  /** env templates (see template.ts), resolved by the target. */
  readonly env: Readonly<Record<string, string>>;
  readonly health?: CatalogHealth | undefined;
  readonly resources: CatalogResources;
  /** volume names are qualified per instance owner: `<instance>-<volume>`. */
  readonly volumes: readonly {
    readonly name: string;
    readonly mountPath: string;
    readonly purpose: string;
  }[];
  /** instance names that must be ready first. */
  readonly dependsOn: readonly string[];
  /** dependency role -> instance name, for `{{dep:ROLE...}}` placeholders. */
  readonly depInstances: Readonly<Record<string, string>>;
}

export interface PlannedCandidate {
  readonly name: string;
  readonly catalogId: string;
  readonly kind: CandidateKind;
  readonly title: string;
  readonly secrets: readonly { readonly name: string; readonly length: number }[];
  readonly install: CatalogInstall;
  readonly instances: readonly PlannedInstance[];
}

export class CatalogLookupError extends Error {
  constructor(
    readonly candidate: string,
    readonly catalogId: string,
    readonly known: readonly string[],
  ) {
    super(`candidate "${candidate}" names unknown catalog id "${catalogId}"; known ids: ${known.join(", ")}`);
    this.name = "CatalogLookupError";
  }
}

const qualifyVolumes = (owner: string, entry: CatalogEntry) =>
  entry.volumes.map((volume) => ({ ...volume, name: `${owner}-${volume.name}` }));

/**
 * Expands spec candidates into the instances a target must run (pure: same input, same plan).
 * `entries` is the catalog (tests pass their own fixtures beside it).
 */
export function planCandidates(
  requests: readonly CandidateRequest[],
  entries: readonly CatalogEntry[] = catalog(),
): PlannedCandidate[] {
  const findCatalogEntry = (id: string) => entries.find((entry) => entry.id === id);
  const known = entries.filter((entry) => !entry.dependencyOnly).map((entry) => entry.id);
  return requests.map((request) => {
    const name = request.name ?? request.catalog;
    const entry = findCatalogEntry(request.catalog);
    if (!entry || entry.dependencyOnly) throw new CatalogLookupError(name, request.catalog, known);
    const depInstances: Record<string, string> = {};
    const deps: PlannedInstance[] = entry.dependencies.map((dependency) => {
      const depEntry = findCatalogEntry(dependency.catalog);
      if (!depEntry) throw new CatalogLookupError(name, dependency.catalog, known);
      const instanceName = `${name}-${dependency.role}`;
      depInstances[dependency.role] = instanceName;
      return {
        name: instanceName,
        candidate: name,
        role: dependency.role,
        catalogId: depEntry.id,
        kind: depEntry.kind,
        image: depEntry.image,
        command: depEntry.command,
        ports: depEntry.ports,
        env: { ...depEntry.env, ...dependency.env },
        health: depEntry.health,
        resources: depEntry.resources,
        volumes: qualifyVolumes(instanceName, depEntry),
        dependsOn: [],
        depInstances: {},
      };
    });
    const app: PlannedInstance = {
      name,
      candidate: name,
      role: "app",
      catalogId: entry.id,
      kind: entry.kind,
      image: entry.image,
      command: entry.command,
      ports: entry.ports,
      env: { ...entry.env, ...request.env },
      health: entry.health,
      resources: entry.resources,
      volumes: qualifyVolumes(name, entry),
      dependsOn: deps.map((dep) => dep.name),
      depInstances,
    };
    const workers: PlannedInstance[] = entry.workers.map((worker) => ({
      ...app,
      name: `${name}-${worker.role}`,
      role: worker.role,
      command: worker.command,
      ports: [],
      health: undefined,
      resources: worker.resources,
      dependsOn: [name],
    }));
    return {
      name,
      catalogId: entry.id,
      kind: entry.kind,
      title: entry.title,
      secrets: entry.secrets,
      install: entry.install,
      instances: [...deps, app, ...workers],
    };
  });
}

/** The ports a user reaches from the host: `<candidate>/<port name>` keys, app instances only. */
export function exposedPorts(candidates: readonly PlannedCandidate[]) {
  return candidates.flatMap((candidate) =>
    candidate.instances
      .filter((instance) => instance.role === "app")
      .flatMap((instance) =>
        instance.ports
          .filter((port) => port.expose)
          .map((port) => ({
            key: `${candidate.name}/${port.name}`,
            candidate: candidate.name,
            instance: instance.name,
            port,
          })),
      ),
  );
}
