"""LivePair: a realtime AI pair programmer that speaks LSP to your editor."""

__version__ = "0.1.0"
