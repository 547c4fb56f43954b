import validationModule from "xapi-validation";

/**
 * Statement validation by xAPI 1.0.3's rules, delegated to Learning Locker's `xapi-validation`
 * (the rule set its LRS runs): types, IRIs, durations, language maps, IFIs, object types,
 * restricted keys, voiding, SubStatement nesting, context rules, attachments.
 * Here its warnings only become readable messages.
 */

interface Warning {
  readonly name: string;
  readonly path: readonly (string | number)[];
  readonly typeName?: string;
  readonly keys?: readonly string[];
  readonly [other: string]: unknown;
}

type Validate = (data: unknown) => Warning[];
// CommonJS with `exports.default`: bundled (esbuild) and native imports see it differently.
const validate = ((validationModule as unknown as { default?: Validate }).default ??
  validationModule) as unknown as Validate;

const DESCRIPTIONS: Record<string, string> = {
  RequiredWarning: "is required",
  ObjectTypeWarning: "has the wrong objectType",
  IfiCountWarning: "must have exactly one of mbox, mbox_sha1sum, openid, account",
  NoIfiWarning: "must have exactly one of mbox, mbox_sha1sum, openid, account",
  NoMembersWarning: "an anonymous Group needs members",
  MembersTypeWarning: "members must be Agents",
  MembersLengthWarning: "members must not be empty",
  SubStatementWarning: "a SubStatement must not contain a SubStatement",
  VoidWarning: "a voiding statement's object must be a StatementRef",
  ContextPropWarning: "context.revision and context.platform are only for Activity objects",
  RestrictedValueWarning: "has a value xAPI does not allow",
  MissingInteractionTypeWarning: "needs an interactionType",
  InvalidComponentsWarning: "has interaction components this interactionType does not allow",
  SignedContentTypeWarning: "a signature attachment must be application/octet-stream",
  RawLessThanMinWarning: "score.raw is below score.min",
  RawMoreThanMaxWarning: "score.raw is above score.max",
  MinMoreThanMaxWarning: "score.min is above score.max",
};

function describe(warning: Warning): string {
  const where = warning.path.join(".");
  if (warning.name === "RestrictedKeysWarning")
    return `${where} has properties xAPI does not define: ${(warning.keys ?? []).join(", ")}`;
  if (warning.name === "TypeWarning") return `${where} is not a valid ${warning.typeName ?? "value"}`;
  return `${where} ${DESCRIPTIONS[warning.name] ?? `is invalid (${warning.name})`}`;
}

/** Every problem of one statement by the spec's rules, as messages; empty when valid. */
export function statementProblems(statement: unknown): string[] {
  return validate(statement).map(describe);
}

const PROBE_VERB = { id: "http://adlnet.gov/expapi/verbs/experienced" };
const PROBE_OBJECT = { id: "http://example.com/activity" };

/** Problems of an Agent or Group given as a request parameter, checked by the same rules. */
export function agentProblems(agent: unknown): string[] {
  return validate({ actor: agent, verb: PROBE_VERB, object: PROBE_OBJECT })
    .filter((w) => w.path[1] === "actor" || w.path.length <= 1)
    .map((w) => describe({ ...w, path: ["agent", ...w.path.slice(2)] }));
}
