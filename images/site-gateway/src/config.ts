import { z } from "zod";

/** One forwarded service: connections to `listenPort` on the site side go to `upstreamHost:upstreamPort`. */
export const routeSchema = z.object({
  listenPort: z.number().int().min(1).max(65_535),
  upstreamHost: z.string().min(1),
  upstreamPort: z.number().int().min(1).max(65_535),
});

/** What the CLI hands the gateway in SITE_GATEWAY_CONFIG (JSON). */
export const gatewayConfigSchema = z.object({
  /** the site network's subnet (CIDR); the interface inside it faces the learners. */
  siteSubnet: z.string().regex(/^\d+\.\d+\.\d+\.\d+\/\d+$/, "must be an IPv4 CIDR like 172.20.0.0/16"),
  /** learner-bound rate (sandbox -> site), kbit/s (1 kbit = 1000 bit). */
  downlinkKbit: z.number().positive(),
  /** sandbox-bound rate (site -> sandbox), kbit/s. */
  uplinkKbit: z.number().positive(),
  /** round-trip time the link adds, ms. */
  rttMs: z.number().min(0).max(5000),
  routes: z.array(routeSchema).min(1),
});

export type GatewayConfig = z.infer<typeof gatewayConfigSchema>;
export type GatewayRoute = z.infer<typeof routeSchema>;

export function parseGatewayConfig(text: string | undefined): GatewayConfig {
  if (!text) throw new Error("SITE_GATEWAY_CONFIG is not set: the CLI passes the link and routes as JSON");
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (error) {
    throw new Error(`SITE_GATEWAY_CONFIG is not JSON: ${(error as Error).message}`);
  }
  const parsed = gatewayConfigSchema.safeParse(data);
  if (!parsed.success) {
    const problems = parsed.error.issues.map(
      (issue) => `${issue.path.join(".") || "(root)"}: ${issue.message}`,
    );
    throw new Error(`SITE_GATEWAY_CONFIG is invalid: ${problems.join("; ")}`);
  }
  return parsed.data;
}
