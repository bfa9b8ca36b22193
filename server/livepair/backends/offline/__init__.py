"""The offline advisor: explains common errors from a catalogue and the workspace, with no network."""
