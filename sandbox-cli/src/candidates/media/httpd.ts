import { staticHlsServer } from "./static-hls.ts";

/** Apache httpd from Debian (images/media-httpd): HLS from /srv/media under /media/. */
export const adapter = staticHlsServer("httpd");
