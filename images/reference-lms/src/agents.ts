/** Pure helpers over xAPI agents and LMS identities. */

export interface Agent {
  readonly objectType?: string;
  readonly name?: string;
  readonly mbox?: string;
  readonly mbox_sha1sum?: string;
  readonly openid?: string;
  readonly account?: { readonly homePage?: string; readonly name?: string };
}

/** The inverse functional identifier of an agent as one string, or undefined when it has none. */
export function agentKey(agent: Agent): string | undefined {
  if (typeof agent.mbox === "string") return `mbox:${agent.mbox.toLowerCase()}`;
  if (typeof agent.mbox_sha1sum === "string") return `sha1:${agent.mbox_sha1sum.toLowerCase()}`;
  if (typeof agent.openid === "string") return `openid:${agent.openid}`;
  if (agent.account && typeof agent.account.name === "string" && typeof agent.account.homePage === "string")
    return `account:${agent.account.homePage}::${agent.account.name}`;
  return undefined;
}

export function parseAgentParam(raw: unknown): Agent | undefined {
  if (typeof raw !== "string") return undefined;
  try {
    const parsed: unknown = JSON.parse(raw);
    return parsed && typeof parsed === "object" ? (parsed as Agent) : undefined;
  } catch {
    return undefined;
  }
}

/** cmi5 requires an account actor; Tin Can content of the 0.9x era expects an mbox. */
export const accountActor = (origin: string, username: string): Agent => ({
  objectType: "Agent",
  name: username,
  account: { homePage: origin, name: username },
});

export const mboxActor = (username: string): Agent => ({
  objectType: "Agent",
  name: username,
  mbox: `mailto:${username}@reference-lms.invalid`,
});
