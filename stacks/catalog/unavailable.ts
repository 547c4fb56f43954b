/**
 * Candidates people ask for that this catalog cannot run, with what each would need. A spec naming one
 * is refused before anything is created (exit 3, a missing prerequisite), never half-started.
 */
export interface UnavailableCandidate {
  readonly id: string;
  readonly title: string;
  /** what is missing, in a sentence. */
  readonly needs: string;
  readonly hint: string;
}

export const unavailableCandidates: readonly UnavailableCandidate[] = [
  {
    id: "moodle",
    title: "Moodle",
    needs:
      "a Moodle image in a registry you name (nothing here provides one: images are built locally from Debian, and Moodle is not packaged there), an install through Moodle's web services and a learner journey that speaks Moodle's SCORM player",
    hint: "compare LMSs with reference-lms for now; Moodle needs a catalog entry with your registry's image, a candidates/lms/moodle.ts adapter and a test against a running Moodle",
  },
];

export const findUnavailableCandidate = (id: string) => unavailableCandidates.find((c) => c.id === id);
