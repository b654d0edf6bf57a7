"""Group commit: callers that need the same kind of write at the same moment share one transaction.

Under load (a fan-out to thousands of channels) each transaction carries the writes that queued
up while the previous one ran; at low load every write still commits on its own at once. Each
caller waits for the commit that includes its write, so "committed before the API call" holds.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Sequence
from typing import Generic, TypeVar

T = TypeVar("T")
R = TypeVar("R")


class GroupCommit(Generic[T, R]):
    """``await submit(item)`` returns ``flush(batch)[i]`` for its item, once committed."""

    def __init__(self, flush: Callable[[Sequence[T]], Awaitable[Sequence[R]]],
                 limit: int = 200) -> None:
        self.flush = flush
        self.limit = limit
        self._queue: list[tuple[T, asyncio.Future[R]]] = []
        self._running: asyncio.Task[None] | None = None

    async def submit(self, item: T) -> R:
        future: asyncio.Future[R] = asyncio.get_running_loop().create_future()
        self._queue.append((item, future))
        if self._running is None or self._running.done():
            self._running = asyncio.create_task(self._drain())
        return await asyncio.shield(future)

    async def _drain(self) -> None:
        while self._queue:
            batch, self._queue = self._queue[: self.limit], self._queue[self.limit :]
            try:
                results = await self.flush([item for item, _ in batch])
            except BaseException as exc:
                for _, future in batch:
                    if not future.done():
                        future.set_exception(exc)
                if isinstance(exc, asyncio.CancelledError):
                    for _, future in self._queue:
                        future.cancel()
                    self._queue = []
                    raise
                continue
            for (_, future), result in zip(batch, results, strict=True):
                if not future.done():
                    future.set_result(result)
