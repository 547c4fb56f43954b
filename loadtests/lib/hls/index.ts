export * from "./bitrates.ts";
export * from "./player.ts";
export * from "./playlist.ts";
