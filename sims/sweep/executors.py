"""Where points run: local worker processes or a Dask distributed cluster, one interface.

Both executors expose ``submit(fn, *args) -> future``, ``as_completed(futures)``
and ``close()``; futures have ``.result()``. :func:`weiming.sims.sweep.run`
drives either through that same code path: the local one is a
:class:`concurrent.futures.ProcessPoolExecutor` (``spawn`` start method: no
fork of a parent holding threads or KLayout state), the cluster one a
:class:`dask.distributed.Client` connected to ``scheduler`` (``tcp://HOST:PORT``).

The cluster's workers need the same weiming installed (and, for ``python``
targets, the module of the function); points and their files travel back to
this process, which alone writes the store, so workers need no shared disk.
"""

from __future__ import annotations

import os
from typing import Any, Callable, Iterable, Iterator


def default_workers() -> int:
    """Cores this process may use."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # pragma: no cover - not Linux
        return max(1, os.cpu_count() or 1)


def _die_with_parent(parent_pid: int) -> None:
    """Worker initializer: end this worker when the sweep process dies (even by SIGKILL).

    Without it an orphaned worker would finish its current point (maybe hours
    of FDTD) for nobody. Linux only (``prctl(PR_SET_PDEATHSIG)``); elsewhere a
    no-op, and the worker exits after its point when it finds its queue closed.
    """
    import signal

    try:
        import ctypes

        ctypes.CDLL("libc.so.6", use_errno=True).prctl(1, signal.SIGTERM)  # 1 = PR_SET_PDEATHSIG
    except (OSError, AttributeError):  # pragma: no cover - not glibc
        return
    if os.getppid() != parent_pid:  # the parent died before prctl took effect
        os._exit(1)


class LocalExecutor:
    """``workers`` local processes."""

    def __init__(self, workers: int):
        import multiprocessing as mp
        from concurrent.futures import ProcessPoolExecutor

        self.workers = workers
        self.description = f"{workers} local worker process{'es' if workers != 1 else ''}"
        self._pool = ProcessPoolExecutor(max_workers=workers, mp_context=mp.get_context("spawn"),
                                         initializer=_die_with_parent, initargs=(os.getpid(),))

    def submit(self, fn: Callable, *args: Any):
        return self._pool.submit(fn, *args)

    def as_completed(self, futures: Iterable) -> Iterator:
        from concurrent.futures import as_completed

        return as_completed(list(futures))

    def close(self) -> None:
        self._pool.shutdown(wait=True, cancel_futures=True)

    def abort(self, futures: Iterable = ()) -> None:
        """Stop now (Ctrl-C): drop queued points and end the running ones; their records are not written."""
        procs = list(getattr(self._pool, "_processes", {}).values())  # no public API before Python 3.14
        self._pool.shutdown(wait=False, cancel_futures=True)
        for p in procs:
            p.terminate()


def _run_alone(fn: Callable, args: tuple) -> Any:
    """Run ``fn(*args)`` in a fresh single-use worker process (raises BrokenProcessPool if it dies)."""
    import multiprocessing as mp
    from concurrent.futures import ProcessPoolExecutor

    with ProcessPoolExecutor(max_workers=1, mp_context=mp.get_context("spawn"), initializer=_die_with_parent,
                             initargs=(os.getpid(),)) as pool:
        return pool.submit(fn, *args).result()


class IsolatedExecutor(LocalExecutor):
    """``workers`` points at a time, each in its own process: a point that kills its worker
    (segfault, ``os._exit``) fails alone instead of breaking a shared pool."""

    def __init__(self, workers: int):
        from concurrent.futures import ThreadPoolExecutor

        self.workers = workers
        self.description = f"{workers} isolated local worker process{'es' if workers != 1 else ''}"
        self._pool = ThreadPoolExecutor(max_workers=workers)  # threads only wait on the processes

    def submit(self, fn: Callable, *args: Any):
        return self._pool.submit(_run_alone, fn, args)

    def abort(self, futures: Iterable = ()) -> None:
        # each process dies with its waiting thread's process only, so cancel what waits and let
        # the running points end with their parent (PDEATHSIG) when the interpreter exits
        self._pool.shutdown(wait=False, cancel_futures=True)


class DaskExecutor:
    """A client of the Dask distributed scheduler at ``address``."""

    def __init__(self, address: str):
        from dask.distributed import Client

        # connect timeout: Dask's own setting distributed.comm.timeouts.connect
        # (env DASK_DISTRIBUTED__COMM__TIMEOUTS__CONNECT), 30 s by default
        self._client = Client(address, set_as_default=False)
        n = len(self._client.scheduler_info().get("workers", {}))
        self.workers = n
        self.description = f"Dask scheduler {address} ({n} worker{'s' if n != 1 else ''})"

    def submit(self, fn: Callable, *args: Any):
        # pure=False: a point is never deduplicated or reused by Dask; the store does that
        return self._client.submit(fn, *args, pure=False)

    def as_completed(self, futures: Iterable) -> Iterator:
        from dask.distributed import as_completed

        return iter(as_completed(list(futures), loop=self._client.loop))

    def close(self) -> None:
        self._client.close()

    def abort(self, futures: Iterable = ()) -> None:
        """Stop now: cancel ``futures`` on the cluster and disconnect."""
        try:
            self._client.cancel(list(futures))
        finally:
            self._client.close()


class SchedulerError(RuntimeError):
    """The Dask scheduler could not be reached."""


def is_worker_crash(e: BaseException) -> bool:
    """True if ``e`` says a local worker process died (not that the point raised)."""
    from concurrent.futures.process import BrokenProcessPool

    return isinstance(e, BrokenProcessPool)


def make_executor(workers: int | None = None, scheduler: str | None = None):
    """A Dask executor if ``scheduler`` is given, else ``workers`` (default: all cores) local processes."""
    if scheduler:
        try:
            return DaskExecutor(scheduler)
        except (OSError, TimeoutError, ValueError) as e:
            raise SchedulerError(f"cannot connect to Dask scheduler {scheduler!r}: {e}") from None
    return LocalExecutor(workers or default_workers())
