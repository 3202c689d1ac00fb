"""Staff at work, for Locust: caseworkers, lawyers and coordinators, each signed in with her own
session, going through the case list, searching a suspect's name in Latin letters (the name was
written in Cyrillic), opening case pages, adding an event to the pathway and looking at the
dashboard. bench/web/run.py starts the server and Locust; by hand:

    AIGAQ_BENCH_FILE=/tmp/aigaq-bench-web/bench-web.json .venv/bin/locust -f bench/web/locustfile.py \
        --headless -u 20 -r 5 -t 60s -H http://127.0.0.1:8000

No think time by default (as the issue's measurement): each user sends her next request as soon as
the last one is answered, so requests per second is what the server can do. AIGAQ_BENCH_WAIT=S
waits 0..S seconds between requests instead. Request names (the rows of the report): "case list",
"search", "case page", "add event", "dashboard", "sign in".
"""

from __future__ import annotations

import datetime as dt
import json
import os
import random
import re
from pathlib import Path
from typing import Any

from locust import HttpUser, between, constant, task

BENCH = json.loads(Path(os.environ.get("AIGAQ_BENCH_FILE", "/tmp/aigaq-bench-web/bench-web.json")).read_text())
WAIT = float(os.environ.get("AIGAQ_BENCH_WAIT", "0"))
CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


class Staff(HttpUser):
    abstract = True
    role = ""
    wait_time = between(0, WAIT) if WAIT else constant(0)

    def on_start(self) -> None:
        account = BENCH["accounts"][self.role]
        page = self.client.get("/accounts/login/", name="sign in")
        token = CSRF.search(page.text)
        with self.client.post("/accounts/login/", name="sign in", allow_redirects=False, catch_response=True,
                              data={"username": account["username"], "password": account["password"],
                                    "csrfmiddlewaretoken": token.group(1) if token else ""}) as response:
            if response.status_code != 302:
                response.failure(f"sign-in answered {response.status_code}")
        self.cases: list[str] = BENCH["cases"][self.role]
        self.names: list[str] = BENCH["names"][self.role]
        # Signing in rotates the CSRF token: the search (a POST, never a name in an address) uses the new one.
        token = CSRF.search(self._ok("/cases/", "case list"))
        self.csrf = token.group(1) if token else ""

    def _ok(self, path: str, name: str, **kwargs: Any) -> str:
        with self.client.get(path, name=name, catch_response=True, allow_redirects=False, **kwargs) as response:
            if response.status_code != 200:
                response.failure(f"{name} answered {response.status_code}")
            return response.text or ""

    @task(4)
    def case_list(self) -> None:
        params = random.choice([{}, {}, {"page": str(random.randint(2, 50))}, {"view": "mine"},
                                {"sort": "activity"}, {"view": "waiting"}])
        self._ok("/cases/", "case list", params=params)

    @task(2)
    def search(self) -> None:
        if self.names:
            with self.client.post("/cases/", name="search", catch_response=True, allow_redirects=False,
                                  data={"q": random.choice(self.names), "csrfmiddlewaretoken": self.csrf}) as response:
                if response.status_code != 200:
                    response.failure(f"search answered {response.status_code}")

    @task(3)
    def case_page(self) -> None:
        self._ok(f"/cases/{random.choice(self.cases)}/", "case page")


class Caseworker(Staff):
    role = "caseworker"
    weight = 3

    @task(1)
    def add_event(self) -> None:
        code = random.choice(self.cases)
        token = CSRF.search(self._ok(f"/cases/{code}/", "case page"))
        with self.client.post(f"/cases/{code}/events/disclosure/", name="add event", allow_redirects=False,
                              catch_response=True,
                              data={"csrfmiddlewaretoken": token.group(1) if token else "",
                                    "disclosure-date": dt.date.today().isoformat(),
                                    "disclosure-to_whom": "a neighbour", "disclosure-note": ""}) as response:
            if response.status_code != 302:
                response.failure(f"add event answered {response.status_code}")


class Lawyer(Staff):
    role = "lawyer"
    weight = 1


class Coordinator(Staff):
    role = "coordinator"
    weight = 1

    @task(1)
    def dashboard(self) -> None:
        self._ok("/insights/", "dashboard")
