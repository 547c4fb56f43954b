import type { CatalogEntry } from "../../../stacks/catalog/index.ts";
import type { CandidateTarget } from "../sandbox/view.ts";
import type { Logger } from "../util/log.ts";

/** A course installed into one LMS candidate. */
export interface InstalledLms {
  readonly candidate: string;
  readonly courseId: string;
  readonly launchUrl: string;
}

/** What the load test needs from an LMS: learner accounts, its catalogue, and what it stored for a run. */
export interface LmsAdmin {
  provisionLearners(prefix: string, count: number, password: string): Promise<void>;
  courses(): Promise<{ id: string; title: string; format: string; launches: { id: string }[] }[]>;
  runCounts(runId: string): Promise<{ commits: number; statements: number }>;
}

/** What a candidate exposes beside its containers' CPU and memory (which every target samples). */
export interface CandidateMetrics {
  /** a Prometheus text endpoint on the app's port, when it has one. */
  readonly prometheusPath?: string;
}

interface AdapterBase {
  /** the adapter's file name under candidates/<kind>/ (the catalog entry's `adapter`). */
  readonly name: string;
  /** answers when the candidate serves requests (its catalog health check, from the CLI's side). */
  healthy(target: CandidateTarget, entry: CatalogEntry): Promise<boolean>;
  readonly metrics: CandidateMetrics;
}

export interface LmsAdapter extends AdapterBase {
  readonly kind: "lms";
  /** the load engine's scenario a learner of this LMS runs (loadtests/scenarios/<journey>). */
  readonly journey: "learner-journey";
  install(args: {
    target: CandidateTarget;
    entry: CatalogEntry;
    zip: string;
    courseId: string;
    log: Logger;
  }): Promise<InstalledLms>;
  /** the admin API the load test provisions learners and counts stored commits through. */
  admin(target: CandidateTarget, account?: { username: string; password: string }): Promise<LmsAdmin>;
}

export interface MediaAdapter extends AdapterBase {
  readonly kind: "media";
  /** where published HLS folders go inside the server and the URL prefix they are served under. */
  location(entry: CatalogEntry): { readonly contentPath: string; readonly urlPrefix: string };
  /** copies an HLS folder (master.m3u8 + renditions) onto the server; returns its master playlist URL. */
  publish(args: {
    target: CandidateTarget;
    entry: CatalogEntry;
    folder: string;
    slug: string;
  }): Promise<string>;
  /** the master playlists it serves, as URL paths. */
  masters(target: CandidateTarget, entry: CatalogEntry): Promise<string[]>;
  /** copies everything it serves into `dir` (the capacity model measures it there); returns the folder. */
  download(target: CandidateTarget, entry: CatalogEntry, dir: string): Promise<string>;
}

export type CandidateAdapter = LmsAdapter | MediaAdapter;
