"""Fetching URLs: timeouts, a clear user agent, a size limit, redirects followed."""

from __future__ import annotations

from dataclasses import dataclass

import httpx

from newsweave.core.config import Settings
from newsweave.core.errors import InputError, describe


@dataclass
class Fetched:
    """A fetched resource: final URL after redirects, content type and body."""

    url: str
    content_type: str
    body: bytes


class Fetcher:
    """One HTTP client for a whole ingest run (connection reuse)."""

    def __init__(self, settings: Settings) -> None:
        self.max_bytes = settings.max_bytes
        self.client = httpx.Client(
            timeout=httpx.Timeout(settings.fetch_timeout, connect=min(10.0, settings.fetch_timeout)),
            headers={"User-Agent": settings.user_agent, "Accept": "text/html,application/xhtml+xml,application/rss+xml,application/atom+xml,application/xml;q=0.9,text/plain;q=0.8,*/*;q=0.5"},
            follow_redirects=True,
            max_redirects=5,
        )

    def close(self) -> None:
        self.client.close()

    def get(self, url: str) -> Fetched:
        """GET ``url`` or raise InputError naming it and why."""
        try:
            with self.client.stream("GET", url) as resp:
                if resp.status_code >= 400:
                    raise InputError(url, f"HTTP {resp.status_code} {resp.reason_phrase}")
                declared = int(resp.headers.get("content-length") or 0)
                if declared > self.max_bytes:
                    raise InputError(url, _too_big(declared, self.max_bytes))
                chunks, size = [], 0
                for chunk in resp.iter_bytes():
                    size += len(chunk)
                    if size > self.max_bytes:
                        raise InputError(url, _too_big(size, self.max_bytes))
                    chunks.append(chunk)
                ctype = resp.headers.get("content-type", "").split(";")[0].strip().lower()
                return Fetched(str(resp.url), ctype, b"".join(chunks))
        except httpx.TimeoutException:
            raise InputError(url, "timed out") from None
        except httpx.InvalidURL as exc:  # not an HTTPError: "http://[::1" in a feed's link ended the ingest
            raise InputError(url, f"not a valid URL: {exc}") from None
        except httpx.HTTPError as exc:
            raise InputError(url, f"cannot fetch: {describe(exc)}") from None


def _too_big(size: int, limit: int) -> str:
    return f"larger than the {limit:,}-byte limit ({size:,}+ bytes; raise it with --max-bytes)"
