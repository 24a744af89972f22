#!/bin/sh
# Renders asterisk/conf into /etc/asterisk from the environment (secrets
# included), then runs Asterisk in the foreground as its own user.
set -eu
node /opt/realcall/asterisk/pbx.mjs --render-only
chown -R asterisk:asterisk /etc/asterisk /var/lib/asterisk /var/spool/asterisk /var/run/asterisk /var/log/asterisk
exec asterisk -f -U asterisk -G asterisk -C /etc/asterisk/asterisk.conf
