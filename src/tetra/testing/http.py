"""A replaying handler for `httpx.MockTransport`: recorded answers in turn, requests kept."""

from __future__ import annotations

from collections.abc import Callable

import httpx

Answer = httpx.Response | Exception | Callable[[httpx.Request], httpx.Response]

__all__ = ["Answer", "ReplayHandler"]


class ReplayHandler:
    """Answer requests with `answers` in order; the last one answers every later request.

    An answer is a response, an exception to raise (a timeout, say), or a function of the
    request. `requests` keeps every request seen, for assertions on URLs and headers.
    Use as ``httpx.MockTransport(ReplayHandler(...))``.
    """

    def __init__(self, *answers: Answer) -> None:
        self.answers = list(answers)
        self.requests: list[httpx.Request] = []

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        if not self.answers:
            raise AssertionError(f"no answer recorded for {request.method} {request.url}")
        answer = self.answers.pop(0) if len(self.answers) > 1 else self.answers[0]
        if isinstance(answer, Exception):
            raise answer
        return answer(request) if callable(answer) else answer

    def param(self, index: int, name: str) -> str:
        """Return query parameter `name` of the `index`-th request seen."""
        return self.requests[index].url.params[name]
