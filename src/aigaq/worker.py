"""A periodic job of the serve process (matching's re-fits, the network's sync): a daemon thread
that runs `work()` every interval, or after as long as `work()` asks for.

It talks to the database through its own connections (Django's are per thread) and closes them
after each run, so none is left open between runs or broken across a database restart."""

from __future__ import annotations

import threading

from django.db import connections


class PeriodicWorker(threading.Thread):
    def __init__(self, *, name: str, interval: float) -> None:
        super().__init__(name=name, daemon=True)
        self.interval = interval
        self.stopped = threading.Event()

    def run(self) -> None:
        wait = self.interval
        while not self.stopped.wait(wait):
            wait = self.check()

    def check(self) -> float:
        """One run; returns how long to wait before the next."""
        try:
            return self.work()
        finally:
            connections.close_all()

    def work(self) -> float:
        """The job; returns how long to wait before the next run. Must not raise: log instead."""
        raise NotImplementedError

    def stop(self) -> None:
        self.stopped.set()
