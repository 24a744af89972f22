#!/bin/sh
# Renders the relay's config from the environment (the shared secret
# included) into a private folder, then runs coturn in the foreground.
set -eu
node /opt/realcall/turn/turn.mjs --render-only
exec turnserver -c "$TURN_RUNTIME_DIR/turnserver.conf"
