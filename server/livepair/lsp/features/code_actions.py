"""Quick fixes proposed by the model, and "explain this" for problems it has not explained yet."""

from __future__ import annotations

from lsprotocol import types as lsp

from livepair.advice.store import SOURCE
from livepair.lsp import protocol
from livepair.lsp.features import tutor
from livepair.lsp.inbound import to_range
from livepair.lsp.server import LivePairServer


def register(server: LivePairServer) -> None:
    @server.feature(
        lsp.TEXT_DOCUMENT_CODE_ACTION,
        lsp.CodeActionOptions(code_action_kinds=[lsp.CodeActionKind.QuickFix]),
    )
    def code_actions(ls: LivePairServer, params: lsp.CodeActionParams) -> list[lsp.CodeAction]:
        uri = params.text_document.uri
        actions = tutor.code_actions(ls, uri, params.range.start.line, params.range.end.line)  # tutor mode
        for item in ls.advice.fixes(uri, to_range(params.range)):
            assert item.fix is not None
            actions.append(
                lsp.CodeAction(
                    title=item.fix.title,
                    kind=lsp.CodeActionKind.QuickFix,
                    diagnostics=[protocol.lsp_diagnostic(item.diagnostic())],
                    is_preferred=True,
                    edit=protocol.fix_edit(uri, item.fix),
                )
            )
        if ls.session is not None and ls.session.active:
            for d in params.context.diagnostics:
                if d.source == SOURCE or ls.advice.explanation(uri, d.range.start.line):
                    continue
                actions.append(
                    lsp.CodeAction(
                        title=f"LivePair: explain “{d.message[:60]}”",
                        kind=lsp.CodeActionKind.QuickFix,
                        diagnostics=[d],
                        command=lsp.Command(
                            title="Explain with LivePair",
                            command=protocol.CMD_EXPLAIN,
                            arguments=[uri, protocol.to_json(d)],
                        ),
                    )
                )
        return actions
