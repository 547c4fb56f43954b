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
      proxy_set_header Host ${host};
      proxy_cache site;
      proxy_cache_valid 200 7d;
      # concurrent misses for one segment wait for the first fetch: one copy crosses the WAN
      # (the default lock age, 5 s, would let a second copy through on a slow link)
      proxy_cache_lock on;
      proxy_cache_lock_timeout 120s;
      proxy_cache_lock_age 120s;
      add_header X-Cache-Status \$upstream_cache_status;
    }
  }
}
CONF
  nginx -g "daemon off;" &
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
  # varnish coalesces concurrent misses for one object by itself
  varnishd -F -a ":${listen}" -f /etc/varnish/site.vcl -s "malloc,${size}M" &
  ;;
*)
  echo "site-cache: KIND must be nginx or varnish, got $kind" >&2
  exit 2
  ;;
esac
server=$!
trap 'kill "$server"' TERM INT
# ready once the port listens (/proc/net/tcp lists it in hex, state 0A = LISTEN)
port_hex=$(printf '%04X' "$listen")
tries=0
until grep -q ":${port_hex} 00000000:0000 0A" /proc/net/tcp /proc/net/tcp6 2>/dev/null; do
  tries=$((tries + 1))
  if [ "$tries" -gt 300 ] || ! kill -0 "$server" 2>/dev/null; then
    echo "site-cache: $kind did not listen on port $listen" >&2
    exit 1
  fi
  sleep 0.1
done
echo "site-cache ready ($kind on port $listen)"
wait "$server"
