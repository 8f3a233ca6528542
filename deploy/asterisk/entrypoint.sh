#!/bin/sh
# The smartnumbers Asterisk image's entrypoint: write the AMI user's secret from the pod's
# Secret (AMI_SECRET), then run Asterisk in the foreground as this (non-root) user.
set -eu
if [ -z "${AMI_SECRET:-}" ]; then
  echo "AMI_SECRET is not set: the gateway could not log in to AMI" >&2
  exit 1
fi
umask 077
printf '[gateway](smartnumbers-gateway)\nsecret = %s\n' "$AMI_SECRET" > /etc/asterisk/manager_secret.conf
exec /usr/sbin/asterisk -f -vvv "$@"
