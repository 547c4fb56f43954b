/** The candidate catalog: data (entries.ts), its schema, lookups, and the pure expansion into instances. */
export * from "./plan.ts";
export * from "./registry.ts";
export * from "./schema.ts";
export * from "./template.ts";
export * from "./unavailable.ts";
