"""Screen sharing's pure parts: the change grid, crops and downscales, the send policy on a virtual clock,
the privacy gate's rules, the sent log, monitor choice and the settings."""

from __future__ import annotations

import io
import itertools
import json
from pathlib import Path, PurePosixPath

import numpy as np
import pytest
from PIL import Image

from livepair.config import parse_settings
from livepair.context.gate import ignored
from livepair.context.pacing import Pacer
from livepair.context.redact import Redactor
from livepair.context.store import ContextStore
from livepair.lsp.inbound import PayloadError, parse_editor_state
from livepair.media import sent_log
from livepair.media.capture import choose_area, parse_region
from livepair.media.frames import CELL, Box, cells_box, changed, encode, fit, grow, signature
from livepair.media.privacy import SECRET_IN_TERMINAL, SENSITIVE_FILE, PrivacyGate
from livepair.media.sampler import POLL_S, FrameSampler, Policy
from livepair.media.typing import TypingTracker
from livepair.model import EditorState, TerminalRun

W, H = 1280, 800
GITHUB_TOKEN = "ghp_" + "A1b2C3d4" * 4 + "XyZw"  # built from pieces so scanners leave this file alone


def screen() -> np.ndarray:
    img = np.zeros((H, W, 4), np.uint8)
    img[..., :3] = 30
    return img


def with_rect(img: np.ndarray, x: int, y: int, w: int, h: int, value: int = 220) -> np.ndarray:
    out = img.copy()
    out[y : y + h, x : x + w, :3] = value
    return out


def size_of(jpeg: bytes) -> tuple[int, int]:
    return Image.open(io.BytesIO(jpeg)).size


# -- change grid, boxes, encoding -------------------------------------------------------------------
def test_signature_profiles_each_cell_and_sees_a_single_character() -> None:
    rng = np.random.default_rng(1)
    img = rng.integers(0, 256, (H, W, 4), dtype=np.uint8)
    sig = signature(img)
    cells = img.astype(np.int64).reshape(H // CELL, CELL, W // CELL, CELL, 4)
    assert sig.shape == (H // CELL, W // CELL, 2 * CELL)
    assert np.array_equal(sig[..., :CELL], cells.sum(axis=(1, 4)))  # column profiles
    assert np.array_equal(sig[..., CELL:], cells.sum(axis=(3, 4)).transpose(0, 2, 1))  # row profiles

    base = screen()
    char = with_rect(base, 403, 197, 5, 9)  # about one glyph of 14 px editor text
    mask = changed(signature(char), signature(base))
    assert mask.sum() == 1 and mask[197 // CELL, 403 // CELL]
    noise = base.copy()
    noise[100, 100, :3] += 2  # one pixel a shade lighter is not a change
    assert not changed(signature(noise), signature(base)).any()


def test_a_glyph_replaced_by_its_mirror_image_is_a_change() -> None:
    b = with_rect(with_rect(screen(), 402, 194, 2, 12), 404, 200, 5, 6)  # a stem with a bowl on the right: `b`
    d = with_rect(with_rect(screen(), 409, 194, 2, 12), 404, 200, 5, 6)  # the same ink, mirrored: `d`
    assert b[..., :3].sum() == d[..., :3].sum()
    assert changed(signature(b), signature(d)).sum() == 1


def test_boxes_pad_grow_and_fit() -> None:
    mask = np.zeros((H // CELL, W // CELL), bool)
    mask[10, 20] = mask[12, 25] = True
    assert cells_box(mask) == Box(19 * CELL, 9 * CELL, 8 * CELL, 5 * CELL)
    assert grow(Box(0, 0, 32, 32), 320, 160, W, H) == Box(0, 0, 320, 160)  # kept inside the screen
    assert grow(Box(1270, 790, 10, 10), 320, 160, W, H) == Box(W - 320, H - 160, 320, 160)
    assert fit(1280, 800, 768) == (768, 480) and fit(300, 200, 768) == (300, 200)


def test_encode_downscales_the_long_side_and_keeps_small_images_native() -> None:
    img = with_rect(screen(), 100, 100, 300, 200)
    full = encode(img, 768, 80)
    assert (full.width, full.height) == (768, 480) and size_of(full.jpeg) == (768, 480)
    decoded = np.asarray(Image.open(io.BytesIO(full.jpeg)).convert("RGB")).astype(int)
    assert abs(decoded[int(200 * 0.6), int(250 * 0.6)] - 220).max() < 12  # the rectangle, where it was
    crop = encode(img[90:310, 90:410], 768, 80, text=True)  # a strided view, no copy needed
    assert (crop.width, crop.height) == (320, 220)


# -- the send policy, on a virtual clock ------------------------------------------------------------
class Clock:
    def __init__(self, sampler: FrameSampler) -> None:
        self.sampler, self.now, self.sent = sampler, 0.0, []

    def run(self, img: np.ndarray, seconds: float) -> list:
        """Offer `img` at every capture for `seconds`; returns what was sent meanwhile."""
        out = []
        for _ in range(round(seconds / POLL_S)):
            self.now += POLL_S
            frame = self.sampler.offer(img, self.now)
            if frame is not None:
                out.append((self.now, frame))
        self.sent += out
        return out


def test_a_static_screen_sends_one_frame_then_only_keepalives() -> None:
    clock = Clock(FrameSampler(Policy(keepalive_s=10)))
    img = screen()
    sent = clock.run(img, 35)
    assert [f.reason for _, f in sent] == ["first", "keepalive", "keepalive", "keepalive"]
    assert [round(t - sent[0][0]) for t, _ in sent] == [0, 10, 20, 30]


def test_blinking_cursor_and_spinner_are_ignored_but_a_big_change_goes_once_still() -> None:
    clock = Clock(FrameSampler(Policy(keepalive_s=0)))
    base = screen()
    clock.run(base, 1)
    cursor = with_rect(base, 600, 300, 2, 16)
    for i in range(40):  # a cursor blinking every 0.5 s for 10 s
        assert clock.run(cursor if i % 2 else base, 0.5) == []
    for i in range(40):  # a spinner: a different glyph at every capture
        assert clock.run(with_rect(base, 20, 780, 8, 8, 60 + 40 * (i % 4)), POLL_S) == []
    error = with_rect(base, 40, 560, 600, 150)  # a terminal error: big, then still
    assert clock.run(error, POLL_S) == []  # maybe half painted: wait one capture
    sent = clock.run(error, POLL_S)
    assert len(sent) == 1 and sent[0][1].reason == "change"


def test_small_changes_arrive_within_the_bound_and_never_faster_than_the_rate() -> None:
    clock = Clock(FrameSampler(Policy(keepalive_s=0)))
    img = screen()
    clock.run(img, 1)
    typed_at: list[float] = []
    for n in range(40):  # typing 4 characters a second for 10 s, one glyph each
        x = 100 + (n % 80) * 8
        img = with_rect(img, x, 200 + 16 * (n // 80), 6, 10)
        typed_at.append(clock.now)
        clock.run(img, POLL_S)
    clock.run(img, 2)
    times = [t for t, _ in clock.sent[1:]]
    assert all(b - a >= 1.0 - 0.02 for a, b in itertools.pairwise(times)), "at most 1 frame a second"
    for t in typed_at:  # every keystroke is in a frame sent at most 1.25 s later (+ hold and encode < 0.25 s)
        assert min(s - t for s in times if s > t) <= 1.25 + 1e-9
    assert len(times) <= 10 / 1.25 + 1, "a burst of typing is gathered, not sent at the full rate"


def type_line(clock: Clock, img: np.ndarray, chars: int, y: int = 200, edits: bool = True) -> tuple[np.ndarray, list]:
    """Type `chars` glyphs at 5 a second along a line (reported to the sampler as edits when `edits`); returns
    the final picture and (time, picture) of every keystroke."""
    typed = []
    for n in range(chars):
        img = with_rect(img, 100 + n * 8, y, 6, 10)
        clock.now += 0.2
        if edits:
            clock.sampler.typing.typed(clock.now)
        typed.append((clock.now, img))
        if n % 5 != 4:  # 4 captures a second against 5 keystrokes: one keystroke in five lands between captures
            frame = clock.sampler.offer(img, clock.now)
            if frame is not None:
                clock.sent.append((clock.now, frame))
    return img, typed


def test_while_typing_frames_wait_for_a_pause_since_the_text_reaches_the_model() -> None:
    clock = Clock(FrameSampler(Policy(keepalive_s=0, typing_defer_s=8)))
    clock.run(screen(), 1)
    img, _ = type_line(clock, screen(), 25)  # 5 s of typing, reported as edits
    assert clock.sent[1:] == [], "no frame while the user types"
    pause = clock.now
    sent = clock.run(img, 2)
    assert len(sent) == 1 and sent[0][0] - pause <= 0.75 + POLL_S + 1e-9, "one frame once the typing pauses"
    clock.sent.clear()
    type_line(clock, img, 60, y=240)  # 12 s without a pause: the picture still follows every typing_defer_s
    assert [round(t - clock.sent[0][0]) for t, _ in clock.sent] == [0] and clock.sent[0][0] - pause <= 2 + 8.5


def test_typing_without_edits_is_a_change_like_any_other() -> None:
    """Typing in a terminal (no document changes) or with no text path (`typing_defer_s` 0): frames follow."""
    for policy, edits in ((Policy(keepalive_s=0, typing_defer_s=8), False), (Policy(keepalive_s=0), True)):
        clock = Clock(FrameSampler(policy))
        clock.run(screen(), 1)
        _, typed = type_line(clock, screen(), 25, edits=edits)
        times = [t for t, _ in clock.sent[1:]]
        assert len(times) >= 3
        for t, _ in typed[:-2]:
            assert min(s - t for s in times if s >= t) <= 1.25 + 1e-9


@pytest.mark.parametrize(
    "other",
    [
        (1100, 700, 14, 10),  # "ok" in a terminal far away: small, but not where the keystrokes are
        (40, 560, 600, 150),  # a traceback: big
        (100, 216, 300, 12),  # a completion popup right under the cursor: too many cells for a keystroke
    ],
)
def test_a_change_elsewhere_while_typing_still_arrives_within_the_bound(other: tuple[int, int, int, int]) -> None:
    clock = Clock(FrameSampler(Policy(keepalive_s=0, typing_defer_s=8)))
    clock.run(screen(), 1)
    img, _ = type_line(clock, screen(), 10)
    assert clock.sent[1:] == []
    img = with_rect(img, *other, value=120)
    appeared = clock.now
    type_line(clock, img, 15)  # the user keeps typing
    assert clock.sent[1:], "the other change was held back with the typing"
    assert clock.sent[1][0] - appeared <= 1.25 + POLL_S + 1e-9


def test_the_typing_tracker_follows_the_keystrokes_and_their_companions() -> None:
    tracker = TypingTracker(quiet_s=0.75, max_cells=12)
    grid = np.zeros((50, 80), bool)

    def cells(*rc: tuple[int, int]) -> np.ndarray:
        mask = grid.copy()
        for r, c in rc:
            mask[r, c] = True
        return mask

    assert tracker.explains(cells((30, 7)), 0.0), "maybe a keystroke whose edit report is on its way"
    assert not tracker.explains(cells((30, 8)), 0.1), "still no edit: one doubt at a time"
    assert tracker.unexplained(0.2) is None
    assert tracker.unexplained(0.3) == 0.0, "no edit came: not typing, since it was seen"
    assert tracker.unexplained(0.4) is None
    tracker.typed(1.0)
    assert tracker.explains(cells((12, 7), (12, 8), (48, 65)), 1.1)  # a glyph, the cursor and the status bar's Col
    tracker.typed(1.3)
    assert tracker.explains(cells((12, 9), (48, 66)), 1.4)
    assert tracker.explains(cells((14, 3)), 1.5), "a new line below, back at its indentation"
    assert not tracker.explains(cells((30, 8)), 1.6), "far from the keystrokes: a terminal"
    assert not tracker.explains(cells(*[(12, c) for c in range(10, 23)]), 1.6), "too big for a keystroke"
    tracker.typed(3.0)
    assert tracker.explains(cells((30, 40)), 3.1), "a new burst starts anywhere"
    assert tracker.explains(cells((45, 10)), 4.0), "after a pause: the doubt again (an edit may be on its way)"
    tracker.typed(4.05)
    assert tracker.unexplained(4.25) is None, "the edit came: it was typing"
    assert tracker.explains(cells((45, 11)), 4.25) and not tracker.explains(cells((10, 10)), 4.3)


def test_the_pacer_sends_after_a_pause_or_a_bounded_wait() -> None:
    pacer = Pacer(quiet_s=0.3, max_wait_s=1.0)
    assert pacer.due_at() is None
    pacer.poke(10.0)
    assert pacer.due_at() == pytest.approx(10.3)
    for k in range(1, 8):  # keystrokes every 0.2 s: never quiet for 0.3 s
        pacer.poke(10.0 + 0.2 * k)
    assert pacer.due_at() == pytest.approx(11.0), "a long burst still goes after max_wait_s"
    pacer.sent()
    assert pacer.due_at() is None
    pacer.poke(12.0)
    assert pacer.due_at() == pytest.approx(12.3)


def test_read_text_crops_small_changes_at_native_resolution() -> None:
    base = screen()
    error = with_rect(base, 40, 560, 500, 120)
    auto = FrameSampler(Policy())
    auto.offer(base, 0)
    auto.offer(error, 2)
    crop = auto.offer(error, 2.25)
    assert crop is not None and crop.crop is not None
    assert (crop.width, crop.height) == (crop.crop.w, crop.crop.h) and max(crop.width, crop.height) <= 768
    assert crop.crop.x <= 40 and crop.crop.y <= 560 and crop.crop.x + crop.crop.w >= 540

    off = FrameSampler(Policy(read_text="off"))
    off.offer(base, 0)
    off.offer(error, 2)
    full = off.offer(error, 2.25)
    assert full is not None and full.crop is None and (full.width, full.height) == (768, 480)

    big = FrameSampler(Policy())  # half the screen changed: the whole (downscaled) screen says more
    big.offer(base, 0)
    big.offer(with_rect(base, 0, 0, 1280, 400), 2)
    half = big.offer(with_rect(base, 0, 0, 1280, 400), 2.25)
    assert half is not None and half.crop is None

    small_screen = FrameSampler(Policy())  # nothing to gain when the full frame is native already
    small_screen.offer(base[:480, :640], 0)
    small_screen.offer(with_rect(base[:480, :640], 10, 10, 100, 50), 2)
    native = small_screen.offer(with_rect(base[:480, :640], 10, 10, 100, 50), 2.25)
    assert native is not None and native.crop is None and (native.width, native.height) == (640, 480)


def test_refresh_sends_a_full_frame_even_when_nothing_changed() -> None:
    sampler = FrameSampler(Policy(keepalive_s=0))
    img = screen()
    assert sampler.offer(img, 0) is not None and sampler.offer(img, 5) is None
    sampler.refresh()
    again = sampler.offer(img, 10)
    assert again is not None and again.reason == "refresh" and again.crop is None


# -- privacy gate -------------------------------------------------------------------------------------
@pytest.fixture
def ctx(tmp_path: Path) -> ContextStore:
    store = ContextStore(lambda _uri: None)  # documents are read from disk
    store.root = tmp_path
    (tmp_path / "app.py").write_text("print('hello')\n")
    (tmp_path / "config.py").write_text(f'GITHUB_TOKEN = "{GITHUB_TOKEN}"\n')
    return store


def show(ctx: ContextStore, *names: str) -> None:
    uris = [(ctx.root / n).as_uri() for n in names]  # type: ignore[operator]
    ctx.set_editor_state(EditorState(uri=uris[0], visible_uris=uris))


@pytest.mark.parametrize(
    "name",
    [".env", ".env.local", "certs/server.pem", "deploy/id_rsa", "my_secret.txt", "secrets/prod.yaml", "tls.key"],
)
def test_exclusion_globs_withhold(ctx: ContextStore, name: str) -> None:
    show(ctx, "app.py", name)
    verdict = PrivacyGate(ctx, Redactor()).check()
    assert verdict is not None and verdict.reason == SENSITIVE_FILE and name in verdict.detail


def test_ordinary_files_pass_and_secrets_in_text_or_terminal_withhold(ctx: ContextStore) -> None:
    gate = PrivacyGate(ctx, Redactor(), extra_globs=["*.log"])
    show(ctx, "app.py")
    assert gate.check() is None
    show(ctx, "app.py", "build.log")
    assert gate.check() is not None
    show(ctx, "app.py", "config.py")  # visible in a split editor, not even focused
    verdict = gate.check()
    assert verdict is not None and "config.py" in verdict.detail and "secret" in verdict.detail
    show(ctx, "app.py")
    ctx.add_terminal_run(TerminalRun("env", f"GITHUB_TOKEN={GITHUB_TOKEN}\n", 0))
    verdict = gate.check()
    assert verdict is not None and verdict.reason == SECRET_IN_TERMINAL
    ctx.add_terminal_run(TerminalRun("clear", "", 0))
    assert gate.check() is None


def test_livepairignore_uses_gitignore_rules(ctx: ContextStore) -> None:
    assert ctx.root is not None
    (ctx.root / ".livepairignore").write_text("# private\ninternal/\n/notes.md\n*.csv\n!public.csv\n")
    gate = PrivacyGate(ctx, Redactor())
    for name, hidden in [
        ("internal/plan.py", True),
        ("src/internal/x.py", True),
        ("notes.md", True),
        ("docs/notes.md", False),
        ("data/users.csv", True),
        ("public.csv", False),
        ("app.py", False),
    ]:
        show(ctx, name)
        assert (gate.check() is not None) == hidden, name
    assert ignored(PurePosixPath("a/b/c.txt"), ["b/"]) and not ignored(PurePosixPath("a/b"), ["b/"])


def test_editor_state_accepts_visible_uris_and_rejects_garbage() -> None:
    state = parse_editor_state({"uri": "file:///a.py", "visibleUris": ["file:///a.py", "file:///b.py"]})
    assert state.visible_uris == ["file:///a.py", "file:///b.py"]
    assert parse_editor_state({"uri": "file:///a.py"}).visible_uris == []
    with pytest.raises(PayloadError):
        parse_editor_state({"uri": "file:///a.py", "visibleUris": "file:///b.py"})


# -- sent log, monitor choice, settings ---------------------------------------------------------------
def test_sent_log_appends_json_lines_and_rotates(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("LIVEPAIR_STATE_DIR", str(tmp_path / "state"))
    assert sent_log.ensure() == tmp_path / "state" / "sent-log.jsonl"
    log = sent_log.SentLog()
    log.write("sent", bytes=1234, reason="first")
    log.write("withheld", reason=SENSITIVE_FILE, detail=".env (exclusion glob)")
    records = [json.loads(line) for line in log.path.read_text().splitlines()]
    assert [r["event"] for r in records] == ["sent", "withheld"] and records[0]["bytes"] == 1234
    assert records[0]["ts"].endswith("+00:00")
    log.close()
    monkeypatch.setattr(sent_log, "MAX_BYTES", 100)
    log = sent_log.SentLog()
    for _ in range(3):
        log.write("sent", bytes=1)
    log.close()
    assert log.path.with_name("sent-log.jsonl.1").exists()


MONITORS = [
    {"left": 0, "top": 0, "width": 3200, "height": 1080},
    {"left": 0, "top": 0, "width": 1920, "height": 1080},
    {"left": 1920, "top": 0, "width": 1280, "height": 1024, "is_primary": True},
]


def test_choose_area() -> None:
    assert choose_area(MONITORS, 0, "", None) == {"left": 1920, "top": 0, "width": 1280, "height": 1024}
    window = {"left": 100, "top": 50, "width": 1200, "height": 900}
    assert choose_area(MONITORS, 0, "", window)["left"] == 0  # the monitor that holds the editor
    assert choose_area(MONITORS, 1, "", window)["width"] == 1920
    assert choose_area(MONITORS, -1, "", None)["width"] == 3200
    assert choose_area(MONITORS, 9, "", None)["left"] == 1920  # no such monitor: the primary
    assert choose_area(MONITORS, 0, "10, 20, 640, 480", window) == {"left": 10, "top": 20, "width": 640, "height": 480}
    assert parse_region("") is None


def test_screen_settings_parse_with_fallbacks() -> None:
    settings, warnings = parse_settings(
        {"screenExclude": ["*.log", "private/"], "screenReadText": "always", "screenRegion": "0,0,800,600"}
    )
    assert settings.screen_exclude == ("*.log", "private/") and settings.screen_read_text == "always"
    assert warnings == []
    settings, warnings = parse_settings({"screenIntervalMs": 200, "screenRegion": "1,2", "screenExclude": "x"})
    assert settings.screen_interval_ms == 1000 and settings.screen_region == "" and settings.screen_exclude == ()
    assert len(warnings) == 3


async def test_a_slow_link_keeps_only_the_newest_frame() -> None:
    from livepair.backends.gemini import GeminiBackend
    from livepair.config import Settings

    backend = GeminiBackend(Settings(), "key", [], "system")
    for i in range(3):  # three frames while the socket is busy
        backend.send_video(bytes([i]))
    assert (await backend._video.get())[1] == b"\x02" and backend._video.dropped == 2


def test_the_incremental_signature_equals_a_full_one() -> None:
    rng = np.random.default_rng(7)
    sampler = FrameSampler(Policy())
    img = rng.integers(0, 256, (H, W, 4), dtype=np.uint8)
    for step in range(6):
        img = img.copy()
        if step % 2:
            img[rng.integers(0, H), rng.integers(0, W), :3] ^= 0xFF  # one pixel, one band
        elif step:
            img[: H // 2 + CELL] = rng.integers(0, 256, (H // 2 + CELL, W, 4), dtype=np.uint8)  # most bands
        assert np.array_equal(sampler._signature(img), signature(img))
        sampler._prev = signature(img)
