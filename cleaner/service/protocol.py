"""uvicorn's httptools protocol with a read deadline: a request (headers and body) must arrive
within `timeout` seconds of its first byte (or of the connection opening), or the connection
is answered 408 and closed. uvicorn's own keep-alive timeout only covers idle connections, so
a client dribbling header bytes would otherwise hold its connection for ever."""

from __future__ import annotations

import asyncio
import json

from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol



class DeadlineProtocol(HttpToolsProtocol):
    timeout = 10.0  # set by `cleaner serve` (--read-timeout) in each server process

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        super().connection_made(transport)
        self._deadline: asyncio.TimerHandle | None = None
        self._arm()

    def on_message_begin(self) -> None:
        super().on_message_begin()
        self._arm()

    def on_message_complete(self) -> None:
        self._disarm()
        super().on_message_complete()

    def connection_lost(self, exc: Exception | None) -> None:
        self._disarm()
        super().connection_lost(exc)

    def _arm(self) -> None:
        if self._deadline is None:
            self._deadline = self.loop.call_later(self.timeout, self._expired)

    def _disarm(self) -> None:
        if self._deadline is not None:
            self._deadline.cancel()
            self._deadline = None

    def _expired(self) -> None:
        self._deadline = None
        if self.transport.is_closing():
            return
        cycle = self.cycle  # the request being read, or the last one answered on this connection
        if cycle is None or cycle.response_complete or not cycle.response_started:
            body = json.dumps({"detail": f"request not received within {self.timeout:g} s"}).encode()
            self.transport.write(b"HTTP/1.1 408 Request Timeout\r\ncontent-type: application/json\r\n"
                                 b"connection: close\r\ncontent-length: %d\r\n\r\n%s" % (len(body), body))
        self.transport.close()
