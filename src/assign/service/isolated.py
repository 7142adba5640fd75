"""Heavy work kept off the event loop and out of the server's memory: reading an upload and
rendering documents run in a fresh child process with an address-space cap and a time limit,
a few at a time. A bomb that gets past the upload checks kills only its child."""

from __future__ import annotations

import multiprocessing
import os
import resource
import signal
import sys
import threading
import traceback
from collections.abc import Callable
from typing import Any

import anyio
from anyio import to_thread

from assign.service.errors import ApiError

MIB = 1024 * 1024
_SPAWN = multiprocessing.get_context("spawn")


def die_with_parent() -> None:
    """Linux: the kernel kills this process when the one that started it dies (kill -9
    included), so no child outlives the server holding its port or its jobs."""
    if sys.platform.startswith("linux"):
        import ctypes

        pr_set_pdeathsig = 1
        libc = ctypes.CDLL("libc.so.6", use_errno=True)
        libc.prctl(pr_set_pdeathsig, signal.SIGKILL)
    parent = os.getppid()

    def watch() -> None:  # elsewhere (and as a second line): poll the parent
        while True:
            if os.getppid() != parent:
                os._exit(1)
            threading.Event().wait(1.0)

    threading.Thread(target=watch, daemon=True, name="parent-watch").start()


def cap_memory(megabytes: int) -> None:
    limit = megabytes * MIB
    resource.setrlimit(resource.RLIMIT_AS, (limit, limit))


def _child(conn: Any, memory_mb: int, fn: Callable[..., Any], args: tuple[Any, ...]) -> None:
    die_with_parent()
    cap_memory(memory_mb)
    try:
        conn.send(("ok", fn(*args)))
    except ApiError as exc:
        conn.send(("api_error", (exc.status, exc.code, exc.message, exc.extra)))
    except MemoryError:
        conn.send(("memory", None))
    except BaseException:
        conn.send(("error", traceback.format_exc(limit=5)))
    finally:
        conn.close()


class Isolated:
    """Runs functions in capped child processes, at most `slots` at once."""

    def __init__(self, slots: int, memory_mb: int, seconds: float, wait_seconds: float) -> None:
        self.slots = anyio.Semaphore(slots)
        self.memory_mb, self.seconds, self.wait_seconds = memory_mb, seconds, wait_seconds

    async def run(self, fn: Callable[..., Any], *args: Any) -> Any:
        """fn(*args) in a child; its ApiError comes back as itself, anything else as a
        Russian 5xx ApiError. A call waits for a free slot on the event loop (not in one of
        the request threads, which 20 waiting downloads would take) and holds a thread only
        while its child runs."""
        with anyio.move_on_after(self.wait_seconds) as waited:
            await self.slots.acquire()
        if waited.cancelled_caught:
            raise ApiError(
                503, "busy", "Сервис занят обработкой других файлов, повторите запрос позже"
            )
        try:
            return await to_thread.run_sync(self._run, fn, args)
        finally:
            self.slots.release()

    def _run(self, fn: Callable[..., Any], args: tuple[Any, ...]) -> Any:
        receiver, sender = _SPAWN.Pipe(duplex=False)
        child = _SPAWN.Process(target=_child, args=(sender, self.memory_mb, fn, args))
        child.start()
        sender.close()
        try:
            if not receiver.poll(self.seconds):
                raise ApiError(
                    503, "too_slow", f"Обработка не уложилась в {self.seconds:g} с и прервана"
                )
            kind, payload = receiver.recv()
        except EOFError:
            kind, payload = "crashed", None
        finally:
            receiver.close()
            if child.is_alive():
                child.kill()
            child.join()
        if kind == "ok":
            return payload
        if kind == "api_error":
            status, code, message, extra = payload
            raise ApiError(status, code, message, **extra)
        if kind in ("memory", "crashed"):
            raise ApiError(
                422,
                "too_much_memory",
                f"Обработка прервана (предел памяти {self.memory_mb} МБ превышен или сбой "
                "процесса): файл слишком велик или повреждён",
            )
        raise ApiError(500, "internal_error", "Внутренняя ошибка при обработке файла")
