"""A TCP proxy on 127.0.0.1 that limits what the server sends back to RATE MB/s, shared by
every connection: a network link slower than the machine, in front of moto, for the files
bench (`scripts/bench --only files --files-mbps N`). Requests pass unchanged (their SigV4
signature names the proxy's host and port, which the server checks as sent).

usage: throttle_proxy.py LISTEN_PORT TARGET_PORT RATE_MB_PER_S
Prints "ready" once listening; runs until killed.
"""
import asyncio
import sys
import time

CHUNK = 64 * 1024


class Link:
    """One shared downstream link: each chunk waits for its slot at `rate` bytes/s."""

    def __init__(self, rate):
        self.rate = rate
        self.free_at = time.monotonic()

    async def send(self, n):
        now = time.monotonic()
        start = max(now, self.free_at)
        self.free_at = start + n / self.rate
        if self.free_at > now:
            await asyncio.sleep(self.free_at - now)


async def pipe(reader, writer, link=None):
    try:
        while data := await reader.read(CHUNK):
            if link:
                await link.send(len(data))
            writer.write(data)
            await writer.drain()
    except (ConnectionError, asyncio.CancelledError):
        pass
    finally:
        try:
            writer.close()
        except Exception:
            pass


async def main(listen, target, rate):
    link = Link(rate)

    async def handle(client_reader, client_writer):
        try:
            server_reader, server_writer = await asyncio.open_connection("127.0.0.1", target)
        except OSError:
            client_writer.close()
            return
        await asyncio.gather(pipe(client_reader, server_writer), pipe(server_reader, client_writer, link))

    server = await asyncio.start_server(handle, "127.0.0.1", listen)
    print("ready", flush=True)
    async with server:
        await server.serve_forever()


if __name__ == "__main__":
    asyncio.run(main(int(sys.argv[1]), int(sys.argv[2]), float(sys.argv[3]) * 1e6))
