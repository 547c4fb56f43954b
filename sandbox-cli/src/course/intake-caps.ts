/** Default intake caps; in their own file so `sandbox course --help` can show them without loading zod. */
export const DEFAULT_INTAKE_CAPS = {
  maxEntries: 20_000,
  maxUncompressedBytes: 4 * 1024 ** 3,
  maxCompressionRatio: 200,
} as const;
