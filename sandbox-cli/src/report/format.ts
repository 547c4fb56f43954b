/** Number formats shared by every rendering, so html, md and junit say the same figure the same way. */

export const fmtInt = (n: number) => Math.round(n).toLocaleString("en-US");

export const fmtMbps = (n: number) => `${n >= 100 ? Math.round(n) : Number(n.toPrecision(3))} Mbit/s`;

export const fmtMs = (n: number) => `${Math.round(n)} ms`;

export const fmtSeconds = (n: number) => `${Number(n.toFixed(1))} s`;

export const fmtPct = (share: number) => `${Number((share * 100).toFixed(share < 0.1 ? 2 : 1))}%`;

export function fmtBytes(n: number): string {
  const units = ["B", "KB", "MB", "GB", "TB"];
  let value = n;
  let unit = 0;
  while (value >= 1000 && unit < units.length - 1) {
    value /= 1000;
    unit++;
  }
  return `${unit === 0 ? value : Number(value.toPrecision(3))} ${units[unit]}`;
}

export const fmtLearners = (n: number) => `${fmtInt(n)} learner${Math.round(n) === 1 ? "" : "s"}`;

/** Rounds to a fixed number of significant decimals so report.json carries no float noise. */
export const round = (n: number, decimals = 3) => {
  const factor = 10 ** decimals;
  return Math.round(n * factor) / factor;
};
