import { staticHlsServer } from "./static-hls.ts";

/** Caddy v2 built from its Go module (images/media-caddy): HLS from /srv/media under /media/. */
export const adapter = staticHlsServer("caddy");
