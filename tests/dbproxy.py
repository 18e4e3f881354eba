"""A TCP proxy in front of the test PostgreSQL server that can take the database away and bring it back.

The machine's PostgreSQL is shared, so an outage is made here instead: `cut()` closes every proxied
connection and stops listening (new connections are refused, as from a stopped server) and `restore()`
listens on the same port again.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator

from sqlalchemy.engine import make_url

CHUNK = 64 * 1024


class CutProxy:
    """Forwards 127.0.0.1:`port` to the server; `cut()` and `restore()` make and end an outage."""

    def __init__(self, target_host: str, target_port: int) -> None:
        self.target = (target_host, target_port)
        self.port = 0
        self.accepted = 0  # connections accepted while up
        self._server: asyncio.Server | None = None
        self._handlers: set[asyncio.Task[None]] = set()  # one per proxied connection
        self._writers: set[asyncio.StreamWriter] = set()

    @classmethod
    @contextlib.asynccontextmanager
    async def running(cls, target_host: str, target_port: int) -> AsyncIterator[CutProxy]:
        """A started proxy, stopped (with every connection closed) on the way out."""
        proxy = cls(target_host, target_port)
        await proxy.restore()
        try:
            yield proxy
        finally:
            await proxy.cut()

    def url(self, database_url: str) -> str:
        """`database_url` with its host and port replaced by the proxy's."""
        return make_url(database_url).set(host="127.0.0.1", port=self.port).render_as_string(hide_password=False)

    @property
    def up(self) -> bool:
        """Whether the proxy is accepting connections."""
        return self._server is not None

    async def restore(self) -> None:
        """Listen (again, on the same port once one was picked) and forward new connections."""
        if self._server is None:
            self._server = await asyncio.start_server(self._serve, "127.0.0.1", self.port, reuse_address=True)
            self.port = self._server.sockets[0].getsockname()[1]

    async def cut(self) -> None:
        """Stop listening and drop every open connection at once, both ways."""
        server, self._server = self._server, None
        if server is not None:
            server.close()
        for writer in list(self._writers):
            writer.transport.abort()
        if self._handlers:  # each ends once both of its sides are closed
            await asyncio.wait(list(self._handlers))
        if server is not None:
            await server.wait_closed()

    async def _serve(self, client_reader: asyncio.StreamReader, client_writer: asyncio.StreamWriter) -> None:
        """Forward one connection both ways until either side closes or the outage begins."""
        handler = asyncio.current_task()
        assert handler is not None
        if self._server is None:  # accepted just as the outage began
            client_writer.transport.abort()
            return
        self.accepted += 1
        self._handlers.add(handler)
        self._writers.add(client_writer)
        try:
            server_reader, server_writer = await asyncio.open_connection(*self.target)
            self._writers.add(server_writer)
            there = asyncio.create_task(self._pipe(client_reader, server_writer))
            back = asyncio.create_task(self._pipe(server_reader, client_writer))
            try:
                await asyncio.wait({there, back}, return_when=asyncio.FIRST_COMPLETED)
            finally:
                for task in (there, back):
                    task.cancel()
                await asyncio.gather(there, back, return_exceptions=True)
                server_writer.transport.abort()
                self._writers.discard(server_writer)
        except OSError:
            pass
        finally:
            client_writer.transport.abort()
            self._writers.discard(client_writer)
            self._handlers.discard(handler)

    @staticmethod
    async def _pipe(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        """Copy bytes one way until either side closes."""
        with contextlib.suppress(ConnectionError, OSError):
            while data := await reader.read(CHUNK):
                writer.write(data)
                await writer.drain()
