#!/bin/sh
# Runs nginx in the foreground. NGINX_CONF, when set, replaces /etc/nginx/nginx.conf (the edge proxy uses it).
set -eu
if [ -n "${NGINX_CONF:-}" ]; then
  printf '%s\n' "$NGINX_CONF" > /etc/nginx/nginx.conf
fi
nginx -t -q
exec nginx -g 'daemon off;'
