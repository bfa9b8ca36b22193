import asyncio

import pytest

from livepair.aio import Channel, ChannelClosed, TaskOwner


async def test_channel_keeps_the_newest_and_counts_drops() -> None:
    ch: Channel[int] = Channel(maxsize=3)
    for i in range(5):
        ch.put_nowait(i)
    assert ch.dropped == 2
    assert [await ch.get() for _ in range(3)] == [2, 3, 4]


async def test_closed_channel_drains_then_raises() -> None:
    ch: Channel[str] = Channel(maxsize=2)
    ch.put_nowait("a")
    ch.close()
    ch.put_nowait("ignored")
    assert await ch.get() == "a"
    with pytest.raises(ChannelClosed):
        await ch.get()


async def test_task_owner_logs_failures_and_cancels_the_rest(caplog: pytest.LogCaptureFixture) -> None:
    owner = TaskOwner("t")

    async def boom() -> None:
        raise RuntimeError("kaput")

    failing = owner.spawn("boom", boom())
    forever = owner.spawn("forever", asyncio.Event().wait())
    await asyncio.wait({failing})
    await asyncio.sleep(0)  # let the done-callback run
    assert "t:boom failed" in caplog.text
    assert owner.running == ["t:forever"]
    await owner.cancel_all(timeout=1)
    assert forever.cancelled() and owner.running == []
