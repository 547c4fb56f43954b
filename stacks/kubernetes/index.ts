/** The kubernetes target: manifest builders (pure) and the ComponentResources that create them. */
export * from "./candidate.ts";
export * from "./candidate-env.ts";
export * from "./candidate-manifests.ts";
export * from "./course-loader.ts";
export * from "./job-manifests.ts";
export * from "./load-runners.ts";
export * from "./metadata.ts";
export * from "./namespace.ts";
export * from "./namespace-manifests.ts";
export * from "./pod-security.ts";
export * from "./render.ts";
export * from "./sandbox.ts";
export * from "./service-account.ts";
export * from "./validate.ts";
