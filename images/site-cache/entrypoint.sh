#!/bin/sh
# site-cache KIND UPSTREAM_HOST UPSTREAM_PORT LISTEN_PORT SIZE_MB
# KIND is nginx or varnish; the upstream is the site gateway's route to the media server.
set -eu
kind=$1 host=$2 port=$3 listen=$4 size=$5
case "$kind" in
nginx)
  mkdir -p /var/cache/site-cache
  cat > /etc/nginx/nginx.conf <<CONF
worker_processes 1;
error_log /dev/stderr warn;
pid /run/nginx.pid;
events { worker_connections 1024; }
http {
  include /etc/nginx/mime.types;
  access_log off;
  proxy_cache_path /var/cache/site-cache levels=1:2 keys_zone=site:10m max_size=${size}m inactive=7d use_temp_path=off;
  upstream wan { server ${host}:${port}; keepalive 16; }
  server {
    listen ${listen};
    location / {
      proxy_pass http://wan;
      proxy_http_version 1.1;
      proxy_set_header Connection "";
      proxy_set_header Host \$host;
      proxy_cache site;
      proxy_cache_valid 200 7d;
      # concurrent misses for one segment wait for the first fetch: one copy crosses the WAN
      proxy_cache_lock on;
      proxy_cache_lock_timeout 60s;
      add_header X-Cache-Status \$upstream_cache_status;
    }
  }
}
CONF
  echo "site-cache ready (nginx)"
  exec nginx -g "daemon off;"
  ;;
varnish)
  cat > /etc/varnish/site.vcl <<CONF
vcl 4.1;
backend wan { .host = "${host}"; .port = "${port}"; }
sub vcl_backend_response { set beresp.ttl = 7d; }
sub vcl_deliver {
  if (obj.hits > 0) { set resp.http.X-Cache-Status = "HIT"; } else { set resp.http.X-Cache-Status = "MISS"; }
}
CONF
  echo "site-cache ready (varnish)"
  # varnish coalesces concurrent misses for one object by itself
  exec varnishd -F -a ":${listen}" -f /etc/varnish/site.vcl -s "malloc,${size}M"
  ;;
*)
  echo "site-cache: KIND must be nginx or varnish, got $kind" >&2
  exit 2
  ;;
esac
