#!/usr/bin/env bash
# Idempotent: what screen sharing's tests and benchmark need on Debian — a virtual X display (Xvfb), xdotool
# (the daemon uses it, when present, to find the monitor that holds the VS Code window) and Tk with a monospace
# font for the scripted test screen (tests/media/painter.py), and tesseract with its English data for the optional
# OCR masking of secrets on screen (livepair/media/ocr_mask.py). Without a display the daemon shares no screen and
# says so.
set -euo pipefail
exec bash "$(dirname "$0")/apt-ensure.sh" setup-screen xvfb xdotool python3-tk fonts-dejavu-core \
  tesseract-ocr tesseract-ocr-eng
