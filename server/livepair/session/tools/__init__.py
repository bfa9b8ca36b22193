"""The model's tools (registry.py, catalogue.py, editor_tools.py, toolbox.py). Imports nothing: no cycles."""
