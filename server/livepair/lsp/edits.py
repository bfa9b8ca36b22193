"""The daemon's `ProposedEdit` on the wire: a WorkspaceEdit whose change annotation needs confirmation, which an
editor that supports it (VS Code's refactor preview) shows before applying anything."""

from __future__ import annotations

from lsprotocol import types as lsp

from livepair.model import ProposedEdit, Range

EDIT_LABEL = "livepair-edit"  # the change annotation every edit of a proposal carries


def previews_edits(caps: lsp.ClientCapabilities) -> bool:
    """The client asks before applying an edit whose change annotation needs confirmation."""
    ws = caps.workspace
    edits = ws.workspace_edit if ws is not None else None
    return bool(
        ws is not None
        and ws.apply_edit
        and edits is not None
        and edits.document_changes
        and edits.change_annotation_support is not None
    )


def wire_range(r: Range) -> lsp.Range:
    return lsp.Range(lsp.Position(r.start.line, r.start.character), lsp.Position(r.end.line, r.end.character))


def workspace_edit(edit: ProposedEdit) -> lsp.WorkspaceEdit:
    changes = [
        lsp.TextDocumentEdit(
            text_document=lsp.OptionalVersionedTextDocumentIdentifier(uri=f.uri, version=None),
            edits=[
                lsp.AnnotatedTextEdit(range=wire_range(r.range), new_text=r.new_text, annotation_id=EDIT_LABEL)
                for r in f.replacements
            ],
        )
        for f in edit.files
    ]
    return lsp.WorkspaceEdit(
        document_changes=list(changes),
        change_annotations={
            EDIT_LABEL: lsp.ChangeAnnotation(label=edit.label, needs_confirmation=True, description=edit.description)
        },
    )
