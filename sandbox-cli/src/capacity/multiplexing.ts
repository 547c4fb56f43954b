/**
 * The multiplexing term of the capacity model (pure). Learners do not all fetch a peak segment at the
 * same moment: at independent positions in the video, N learners' segment bitrates add up like N
 * independent draws, mean N x average and standard deviation sigma x sqrt(N) (central limit theorem).
 * The link keeps up while that sum stays under its budget with the probability the capacity probe
 * asks for (p95 of segment fetches in real time: one-sided z = 1.645), so one learner needs
 *
 *     need(N) = min(peak, average + z x sigma / sqrt(N))
 *
 * which is the peak for one learner and falls toward the average as N grows. sigma is not fitted: with
 * only the measured peak and average of a rendition's segments known, the Bhatia-Davis inequality
 * bounds the variance of anything between 0 and the peak with that mean by (peak - average) x average,
 * so that bound (the most spread the measured figures allow) is used: a conservative sigma.
 */

/** One-sided 95% normal quantile: the probe judges playback by the p95 segment fetch time. */
export const MULTIPLEXING_Z = 1.645;

/** The largest standard deviation segment bitrates in [0, peak] with this average can have, kbit/s. */
export const segmentSigmaKbps = (peakKbps: number, averageKbps: number) =>
  Math.sqrt(Math.max(0, (peakKbps - averageKbps) * averageKbps));

/** One learner's media need when `learners` watch at once, kbit/s (before overhead). */
export function multiplexedMediaKbps(peakKbps: number, averageKbps: number, learners: number): number {
  const average = Math.min(averageKbps, peakKbps);
  if (learners <= 1) return peakKbps;
  return Math.min(
    peakKbps,
    average + (MULTIPLEXING_Z * segmentSigmaKbps(peakKbps, average)) / Math.sqrt(learners),
  );
}

/**
 * The most learners whose multiplexed need fits `budgetKbps`: N x (need(N) x (1 + overhead) + lms)
 * <= budget. N x need(N) grows with N, so the first N that does not fit ends the search; the peak-based
 * N_max is where it starts, the average-based one bounds it.
 */
export function multiplexedNMax(
  budgetKbps: number,
  rendition: { readonly peakKbps: number; readonly averageKbps: number },
  overhead: number,
  lmsDownKbps: number,
): number {
  const need = (n: number) =>
    n * (multiplexedMediaKbps(rendition.peakKbps, rendition.averageKbps, n) * (1 + overhead) + lmsDownKbps);
  const averageNeed = Math.min(rendition.averageKbps, rendition.peakKbps) * (1 + overhead) + lmsDownKbps;
  if (!(averageNeed > 0)) return Number.MAX_SAFE_INTEGER;
  const ceiling = Math.floor(budgetKbps / averageNeed) + 1;
  let n = 0;
  while (n < ceiling && need(n + 1) <= budgetKbps + 1e-9) n += 1;
  return n;
}
