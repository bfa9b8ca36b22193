#!/bin/sh
# Try it: `sh tools/deploy.sh` (a misspelled command).
pyhton -m http.server 8000
