"""Redaction before excerpting: one line of a key body, cut out of its file by the context excerpt, `read_file`
with a start line or a `search_workspace` hit, is still masked, because the redactor saw the whole file first.

One 64-character base64 line alone is not recognisable as a key (it could be a digest); only the document says so.
"""

from pathlib import Path

from cryptography.hazmat.primitives import serialization as ser
from cryptography.hazmat.primitives.asymmetric import rsa

from livepair.advice.store import AdviceStore
from livepair.context.digest import DigestBuilder, DigestLimits
from livepair.context.redact import Redactor
from livepair.context.store import ContextStore
from livepair.model import EditorState, Position, Range, TerminalRun
from livepair.session.tools.toolbox import Tools

KEY = (
    rsa.generate_private_key(65537, 2048)
    .private_bytes(ser.Encoding.PEM, ser.PrivateFormat.TraditionalOpenSSL, ser.NoEncryption())
    .decode()
)
DOCUMENT = "import ssl\n\nPEM = '''\n" + KEY + "'''\n\nctx = ssl.create_default_context()\n"
LINES = DOCUMENT.splitlines()
MIDDLE = 3 + 12  # 0-based: the 12th body line, far below the BEGIN line
BODY = LINES[MIDDLE]


def _workspace(tmp_path: Path) -> tuple[ContextStore, str]:
    (tmp_path / "tls.py").write_text(DOCUMENT)
    store = ContextStore(lambda uri: None)
    store.root = tmp_path
    return store, (tmp_path / "tls.py").as_uri()


def test_the_line_alone_is_not_a_key_but_the_document_says_it_is() -> None:
    assert len(BODY) == 64 and BODY.isascii()
    assert Redactor().redact(BODY) == BODY  # precondition: the test below depends on the whole document
    assert BODY not in Redactor().redact_window(DOCUMENT, MIDDLE, MIDDLE + 1)


def test_the_excerpt_around_the_cursor_is_cut_from_the_redacted_document(tmp_path: Path) -> None:
    store, uri = _workspace(tmp_path)
    cursor = Position(MIDDLE, 0)
    store.set_editor_state(EditorState(uri=uri, selection=Range(cursor, cursor)))
    digest = DigestBuilder(store, Redactor(), DigestLimits(excerpt_lines=0)).update()
    assert digest is not None and f"{MIDDLE + 1:>5}| <secret:PRIVATE_KEY#1>" in digest
    assert BODY[:16] not in digest


async def test_read_file_from_a_line_inside_the_key_and_search_hits_show_no_body(tmp_path: Path) -> None:
    store, _ = _workspace(tmp_path)
    advice = AdviceStore(lambda u, n: (store.text(u) or "").splitlines()[n])

    async def never(_request: object) -> bool:
        raise AssertionError("no tool here needs approval")

    tools = Tools(store, advice, Redactor(), lambda _item: None, never)
    read = await tools.call("read_file", {"path": "tls.py", "start": MIDDLE + 1, "end": MIDDLE + 1})
    assert read["start"] == read["end"] == MIDDLE + 1
    assert BODY[:16] not in read["content"] and "<secret:PRIVATE_KEY#" in read["content"]
    found = await tools.call("search_workspace", {"query": BODY[10:30]})
    assert found["count"] == 1 and BODY[:16] not in found["matches"] and "<secret:PRIVATE_KEY#" in found["matches"]


async def test_the_terminal_tail_is_cut_after_redaction(tmp_path: Path) -> None:
    store, _ = _workspace(tmp_path)
    output = "\n".join(LINES[: MIDDLE + 1])  # `head` of the file: its last line is the body line
    store.add_terminal_run(TerminalRun(f"head -n {MIDDLE + 1} tls.py", output, 0, str(tmp_path)))
    digest = DigestBuilder(store, Redactor(), DigestLimits(terminal_tail_lines=1)).update()
    assert digest is not None and BODY not in digest and "<secret:PRIVATE_KEY#1>" in digest
