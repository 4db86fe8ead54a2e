"""A small HTTP client for the load run and the throughput figures: http.client, one browser.

`Browser` keeps its own cookies (the session), never follows redirects (a write is
acknowledged by its 302 and the Location it names), and times every request. A request that
gets no answer at all (connection refused or reset, a timeout) comes back as status 0 with
the error, so that callers count it instead of dying.
"""

from __future__ import annotations

import http.client
import re
import time
from dataclasses import dataclass
from http.cookies import SimpleCookie
from urllib.parse import urlencode, urlsplit

CSRF = re.compile(r'name="csrf_token"(?: type="hidden")? value="([^"]+)"')


@dataclass(frozen=True)
class Answer:
    status: int
    headers: dict[str, str]
    body: bytes
    seconds: float
    error: str = ""

    @property
    def text(self) -> str:
        return self.body.decode("utf-8", errors="replace")

    @property
    def location(self) -> str:
        """The path a redirect points to (scheme and host removed)."""
        target = urlsplit(self.headers.get("location", ""))
        return (
            target.path
            + (f"?{target.query}" if target.query else "")
            + (f"#{target.fragment}" if target.fragment else "")
        )


class Browser:
    """One visitor: a cookie jar and a connection to the server at `base_url`."""

    def __init__(self, base_url: str, timeout: float = 60.0, source: str = ""):
        """`source`: the local address to connect from (e.g. one 127.x.y.z per simulated
        person, so that the server tells them apart as it would people on their own machines)."""
        parts = urlsplit(base_url)
        self.source = (source, 0) if source else None
        self.host = parts.hostname or "127.0.0.1"
        self.port = parts.port or 80
        self.timeout = timeout
        self.cookies: dict[str, str] = {}
        self.csrf = ""

    def request(
        self,
        method: str,
        path: str,
        form: dict[str, str | list[str]] | None = None,
        headers: dict[str, str] | None = None,
    ) -> Answer:
        sent = dict(headers or {})
        body = None
        if form is not None:
            body = urlencode(form, doseq=True).encode()
            sent["Content-Type"] = "application/x-www-form-urlencoded"
        if self.cookies:
            sent["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        # gunicorn's sync workers close the connection after each answer: one per request.
        conn = http.client.HTTPConnection(
            self.host, self.port, timeout=self.timeout, source_address=self.source
        )
        started = time.perf_counter()
        try:
            conn.request(method, path, body=body, headers=sent)
            response = conn.getresponse()
            data = response.read()
            elapsed = time.perf_counter() - started
            answer_headers = {k.lower(): v for k, v in response.getheaders()}
            for value in response.headers.get_all("Set-Cookie") or []:
                jar: SimpleCookie = SimpleCookie()
                jar.load(value)
                for name, morsel in jar.items():
                    if morsel["max-age"] == "0" or morsel["expires"].startswith("Thu, 01 Jan 1970"):
                        self.cookies.pop(name, None)
                    else:
                        self.cookies[name] = morsel.value
            return Answer(response.status, answer_headers, data, elapsed)
        except (OSError, http.client.HTTPException) as exc:
            return Answer(0, {}, b"", time.perf_counter() - started, f"{type(exc).__name__}: {exc}")
        finally:
            conn.close()

    def get(self, path: str, headers: dict[str, str] | None = None) -> Answer:
        return self.request("GET", path, headers=headers)

    def post(self, path: str, form: dict[str, str | list[str]]) -> Answer:
        data: dict[str, str | list[str]] = {"csrf_token": self.csrf, **form}
        return self.request("POST", path, data)

    def log_in(self, username: str, password: str) -> Answer:
        """Log in through the real form; keeps the session and its CSRF token."""
        page = self.get("/login")
        found = CSRF.search(page.text)
        if page.status != 200 or not found:
            return page
        answer = self.request(
            "POST",
            "/login",
            {"csrf_token": found.group(1), "username": username, "password": password},
        )
        if answer.status == 302:
            # The token is bound to the session, which logging in renews: take a fresh one.
            account = self.get("/account")
            token = CSRF.search(account.text)
            self.csrf = token.group(1) if token else ""
        return answer


def form_token(html: str) -> str:
    found = CSRF.search(html)
    return found.group(1) if found else ""
