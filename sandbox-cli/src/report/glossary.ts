/** The report's short glossary: each term explained once for Training and once for IT. */
export interface GlossaryEntry {
  term: string;
  training: string;
  it: string;
}

export const glossary: readonly GlossaryEntry[] = [
  {
    term: "Learners at once (capacity, N_max)",
    training:
      "How many people at a site can take the course at the same moment without it stalling or slowing other work.",
    it: "Simultaneous sessions a site's link carries: (downlink x training share) / per-learner Mbit/s, or the measured maximum on a shaped link.",
  },
  {
    term: "Training share",
    training:
      "The part of a site's network that training may use, so email and business applications keep working.",
    it: "Fraction of the site's downlink budgeted for training traffic (spec: sites[].trainingShare).",
  },
  {
    term: "Rendition",
    training:
      "One quality level of the course video (for example 720p or 360p); lower quality needs less network.",
    it: "One HLS variant stream with its resolution and peak bitrate (kbit/s); the player picks the highest that fits.",
  },
  {
    term: "p95 response time",
    training:
      "How long the slowest few pages took: 95 in 100 page loads and progress saves were at least this fast.",
    it: "95th percentile of HTTP request duration over the run, in ms.",
  },
  {
    term: "Error rate",
    training: "The share of clicks and saves that failed for a learner.",
    it: "Failed HTTP requests (status >= 400 or no answer) / all requests.",
  },
  {
    term: "Rebuffering",
    training: "The video pausing to load while a learner watches.",
    it: "Stall time / playback time across the simulated players.",
  },
  {
    term: "Commit / statement",
    training: "A progress save: where the learner is, their score, whether they completed the course.",
    it: "SCORM runtime commit (cmi data) or xAPI statement sent to the LMS/LRS; every one sent must be stored.",
  },
  {
    term: "Mbit/s",
    training:
      "Network speed. A 10 Mbit/s branch link shared by everyone in the office fits only a few video streams at once.",
    it: "Megabits per second (10^6 bit/s), as used for link capacity and media bitrates.",
  },
  {
    term: "Policy rule (mandatory / advisory)",
    training:
      "IT's house rules for anything on the production network: mandatory ones must hold, advisory ones are strong advice.",
    it: "A rule of the sandbox policy pack; a failed mandatory rule rejects, a failed advisory rule adds a condition.",
  },
  {
    term: "Verdict",
    training:
      "PROMOTE: go ahead. PROMOTE WITH CONDITIONS: go ahead once the listed conditions are met. REJECT: not yet.",
    it: "Derived from thresholds, data integrity, course validity, policy results and per-site capacity; `sandbox nightly` exits 0, 5 or 1.",
  },
];
