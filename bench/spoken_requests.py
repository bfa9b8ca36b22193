"""The tutor's spoken requests, offline (part of bench_tutor): espeak-ng voices say "give me a hint", "another
hint" and "show me the fix"; how many the offline recogniser hears in tutor mode, and how many other sentences
(tests/media/voice/sentences.py) it takes for a request. Baseline, the same run: the same recogniser outside tutor
mode, the command grammar alone (where "give me a hint" is not heard at all).
"""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Iterable

import numpy as np

from bench.stats import report
from livepair.backends.offline.listen import CommandRecognizer, action_for
from livepair.backends.offline.tutor_listen import PHRASES
from tests.media.voice.pulse import speech
from tests.media.voice.sentences import HELD_OUT, TUNING

VOICES = ("en-us", "en-gb", "en-gb-scotland", "en-029", "en-us-nyc", "en-gb-x-rp")
SPEEDS = (130, 160, 190)  # words a minute; the other sentences at the two ends
SNR_DB = 20.0
PAD = bytes(3200)  # 0.1 s of silence each side, as the mic's speech detector leaves it


def noisy(pcm: bytes, snr_db: float, seed: int) -> bytes:
    """White noise `snr_db` below the speech's power (over its audible samples), over the whole clip."""
    samples = np.frombuffer(pcm, "<i2").astype(np.float64)
    voiced = samples[np.abs(samples) > 100]
    power = float(np.mean(voiced**2)) if voiced.size else 1.0
    noise = np.random.default_rng(seed).normal(0.0, np.sqrt(power / 10 ** (snr_db / 10)), samples.size)
    return np.clip(samples + noise, -32768, 32767).astype("<i2").tobytes()


def requests() -> list[tuple[str, str, bytes]]:
    """(phrase, voice, audio): every request by every voice at every speed, clean and with noise."""
    out: list[tuple[str, str, bytes]] = []
    for n, (phrase, voice, wpm) in enumerate((p, v, s) for p in PHRASES for v in VOICES for s in SPEEDS):
        clip = speech(phrase, 16_000, voice, wpm)
        out += [(phrase, voice, PAD + clip + PAD), (phrase, voice, PAD + noisy(clip, SNR_DB, n) + PAD)]
    return out


def others(sentences: Iterable[str]) -> list[tuple[str, bytes]]:
    return [
        (s, PAD + speech(s, 16_000, v, w) + PAD) for s in sentences for v in VOICES for w in (SPEEDS[0], SPEEDS[-1])
    ]


def measure(recogniser: CommandRecognizer, said: list[tuple[str, str, bytes]]) -> tuple[int, Counter[str]]:
    """Requests heard as what was asked, and the misses per voice."""
    heard, missed = 0, Counter[str]()
    for phrase, voice, pcm in said:
        got = recogniser.recognise(pcm)
        if got is not None and action_for(got) == action_for(phrase):
            heard += 1
        else:
            missed[voice] += 1
    return heard, missed


def false_triggers(recogniser: CommandRecognizer, said: list[tuple[str, bytes]]) -> list[str]:
    """The other sentences taken for a tutor request (a hint or the fix)."""
    return [
        f"{s} -> {got}" for s, pcm in said if (got := recogniser.recognise(pcm)) and action_for(got) in ("hint", "fix")
    ]


def spoken_requests() -> None:
    tutor, plain = CommandRecognizer(), CommandRecognizer()
    if not tutor.available:
        report("spoken requests", tutor.reason, "pocketsphinx installed", False)
        return
    tutor.tutor = True
    said, tuning, held = requests(), others(TUNING), others(HELD_OUT)
    ms: list[float] = []
    for label, recogniser in (("baseline, command grammar only", plain), ("tutor mode", tutor)):
        start = time.perf_counter()
        heard, missed = measure(recogniser, said)
        ms.append((time.perf_counter() - start) * 1000 / len(said))
        tuned, fresh = false_triggers(recogniser, tuning), false_triggers(recogniser, held)
        print(f"{label}: requests heard {heard}/{len(said)}; missed by voice {dict(missed)}")
        print(f"  false triggers: tuning {len(tuned)}/{len(tuning)} {sorted(set(tuned))}")
        print(f"  false triggers: held out {len(fresh)}/{len(held)} {sorted(set(fresh))}")
    print(f"  decoding, per request: {ms[1]:.1f} ms in tutor mode; baseline {ms[0]:.1f} ms")
    share = heard / len(said)
    report("spoken requests heard offline (tutor mode)", f"{share:.1%} ({heard}/{len(said)})", ">= 80 %", share >= 0.8)
    for which, found, total in (("held out", fresh, held), ("tuning", tuned, tuning)):
        rate = len(found) / len(total)
        value = f"{rate:.1%} ({len(found)}/{len(total)})"
        report(f"other sentences taken for a request ({which})", value, "<= 2 %", rate <= 0.02)


def run() -> None:  # alone: python -m bench.part spoken_requests
    spoken_requests()
