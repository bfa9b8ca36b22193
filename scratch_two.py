from tests.live.test_chaos import Schedule, run, EDITS
import asyncio, sys, tempfile, time, json
from pathlib import Path
from livepair import scenario
from tests.media.voice.pulse import PulseAudio
import tests.live.test_chaos as tc

S = Schedule(questions=5, faults={}, over=[False, True, False, False, False], tools=[True, False, False, True, False], hover=None, replay_fault='go-away', runs=[False, True, False, True, True], spoken=[False, True, False, True, False])
captured = {}
orig = tc.check
def check(schedule, editor, fake, root):
    captured['fake'] = fake
    return orig(schedule, editor, fake, root)
tc.check = check
from tests.fakes import live_server
orig_aexit = live_server.FakeLiveServer.__aexit__
async def aexit(self, *a):
    for s in self.sessions:
        print("SESSION", s.index, s.close_code)
        for m in s.messages:
            t = "".join(m.texts())
            print("  C", m.kind, json.dumps(m.body)[:160] if m.kind != "realtimeInput" else ("audio" if m.blobs("audio/") else json.dumps(m.body)[:100]))
        for m in s.sent:
            print("  S", json.dumps(m)[:200])
    return await orig_aexit(self, *a)
live_server.FakeLiveServer.__aexit__ = aexit
pa = PulseAudio().start()
try:
    root = Path(tempfile.mkdtemp()) / "ws"
    scenario.write_workspace(root)
    (root / EDITS).write_text("X = 1\n")
    try:
        asyncio.run(run(S.copy(), root, pa))
        print("OK")
    except BaseException as e:
        print("FAIL", repr(e)[:300])
finally:
    pa.stop()
