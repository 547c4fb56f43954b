import type { TopLevelSpec } from "vega-lite";
import type { SiteRow } from "./schema.ts";

interface ChartLike {
  id: string;
  title: string;
  caption: string;
  spec: TopLevelSpec;
}

/**
 * One chart per site whose link was measured with the bystander: learners at once against the
 * bystander's p95 (0 learners = its baseline alone), with the harm line from the spec's policy.
 * `base` is the report's shared chart frame (size, fonts), so every chart renders at one scale.
 */
export function bystanderCharts(sites: readonly SiteRow[], base: Record<string, unknown>): ChartLike[] {
  return sites.flatMap((site) => {
    const bystander = site.bystander;
    if (!bystander || bystander.steps.length === 0) return [];
    const points = [
      { learners: 0, p95: bystander.baselineP95Ms },
      ...bystander.steps.map((s) => ({ learners: s.learners, p95: s.p95Ms })),
    ];
    const spec = {
      ...base,
      layer: [
        {
          data: { values: points },
          mark: { type: "line", point: { filled: true, size: 50 }, color: "#2563eb" },
          encoding: {
            x: { field: "learners", type: "quantitative", title: "learners at once on the link" },
            y: { field: "p95", type: "quantitative", title: "other application's p95 (ms)" },
          },
        },
        {
          data: { values: [{ limit: bystander.harmLineMs }] },
          mark: { type: "rule", color: "#dc2626", strokeDash: [6, 4], strokeWidth: 1.5 },
          encoding: { y: { field: "limit", type: "quantitative" } },
        },
      ],
    } as unknown as TopLevelSpec;
    return [
      {
        id: `bystander-${site.site}`,
        title: `Other applications at site ${site.site}`,
        caption: `A business application sharing ${site.site}'s link: its p95 response time alone (0 learners) and with each number of learners measured; above the red line (${bystander.harmLineMs} ms) it counts as harmed.`,
        spec,
      },
    ];
  });
}
