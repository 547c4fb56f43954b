/** Media: HLS packaging with ffmpeg, measurement of what was packaged, publishing into the media server. */
export { buildHlsArgs, type MediaInput, type MediaInputArg, MediaInputSchema } from "./ffmpeg-args.ts";
export {
  DEFAULT_LADDER,
  type HlsOptions,
  type HlsOptionsInput,
  parseHlsOptions,
  type Rendition,
  type RenditionInput,
} from "./ladder.ts";
export { type HlsMeasurement, measureHls, type RenditionMeasurement } from "./measure.ts";
export { measureHlsFolder, targetDurationOf } from "./measure-folder.ts";
export { type PackageHlsResult, packageHls, probeMediaFile, withMeasuredBandwidth } from "./package-hls.ts";
export { checkContainerPath, type PublishResult, publishToContainer, publishToVolume } from "./publish.ts";
