/** xAPI 1.0.3 part 4, 4.1.2: the scopes an LRS credential can hold (the CLI offers the same list). */
export const SCOPES = [
  "all",
  "all/read",
  "statements/write",
  "statements/read",
  "statements/read/mine",
  "state",
  "define",
  "profile",
] as const;
export type Scope = (typeof SCOPES)[number];
