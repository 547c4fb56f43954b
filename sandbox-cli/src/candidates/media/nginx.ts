import { staticHlsServer } from "./static-hls.ts";

/** nginx from Debian (images/media-nginx): HLS from /srv/media under /media/. */
export const adapter = staticHlsServer("nginx");
