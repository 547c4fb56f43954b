import type { VuContext } from "../lib/engine.ts";
import type { Tags } from "../lib/samples.ts";

/** Where a script's VU stands: its engine context (none in the init context), group, cookies and tags. */
export class VuBinding {
  ctx: VuContext | undefined;
  /** the current group path, "" at the root, "::checkout::pay" inside nested groups (k6's `group` tag). */
  group = "";
  /** cookies of this iteration by host, then name (k6 clears the jar before each iteration). */
  readonly jar = new Map<string, Map<string, string>>();
  /** k6/execution's vu.tags: added to every sample of this VU. */
  readonly userTags: Record<string, string> = {};
  iterationInScenario = 0;
  private readonly interned = new Map<string, Tags>();

  constructor(
    readonly idInTest: number,
    readonly scenario: { readonly name: string; readonly executor: string; readonly startTimeS: number },
  ) {}

  /** The context, or an error naming the init context (where k6 allows no requests, checks or metrics). */
  need(what: string): VuContext {
    if (!this.ctx)
      throw new Error(`${what} is only allowed in VU code (the default function, setup or teardown)`);
    return this.ctx;
  }

  /** The tags of a sample here (group, VU tags, then `extra`), interned: the same object for the same tags. */
  tags(extra?: Readonly<Record<string, unknown>>): Tags {
    const all: Record<string, string> = { ...this.ctx?.tags, group: this.group, ...this.userTags };
    if (extra) for (const [k, v] of Object.entries(extra)) all[k] = String(v);
    let key = "";
    for (const k of Object.keys(all).sort()) key += `${k}\u0001${all[k]}\u0002`;
    let tags = this.interned.get(key);
    if (!tags) {
      tags = Object.freeze(all);
      this.interned.set(key, tags);
    }
    return tags;
  }
}
