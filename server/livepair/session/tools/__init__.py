"""The model's tools: the record of a tool and the one error class (`registry.py`), every tool's record
(`catalogue.py`: `REGISTRY`), the handlers of the context tools (`editor_tools.py`), and `Tools`, which runs a call
(`toolbox.py`). Nothing is imported here, so a handler's module may import `registry` without a cycle."""
