import type { Cmi5Details, CourseFormat, Descriptor, Finding, Launch, Scorm2004Edition } from "../profile.ts";
import type { FileRef } from "../references.ts";

/** What a descriptor parser returns: pure data, no I/O. References are checked by the caller. */
export interface DescriptorResult {
  format: CourseFormat;
  edition?: Scorm2004Edition;
  title?: string;
  launches: Launch[];
  findings: Finding[];
  references: FileRef[];
  descriptor: Descriptor;
  cmi5?: Cmi5Details;
}

/** Tracks identifiers that must be unique and reports each repeat once. */
export class IdentifierRegistry {
  private readonly seen = new Set<string>();
  readonly repeats: { id: string; line?: number | undefined }[] = [];
  add(id: string | undefined, line?: number): void {
    if (id === undefined || id === "") return;
    if (this.seen.has(id)) this.repeats.push({ id, line });
    else this.seen.add(id);
  }
}
