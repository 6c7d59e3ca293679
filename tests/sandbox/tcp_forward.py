#!/usr/bin/python3
"""tcp_forward.py - a loopback TCP forwarder standing in for an SSH/SSM port forward
("tunnel") in front of the sandbox database: clients connect to 127.0.0.1:PORT and
bytes are copied both ways to TARGET. TLS passes through untouched, so the server
certificate still names the RDS endpoint, and a token must still be signed for the
endpoint and its real port, not for the tunnel.

usage: tcp_forward.py --port 0 --port-file FILE --target-host 127.0.0.1 --target-port N
                      [--host 127.0.0.1] [--max-connections N] [--log FILE]
--max-connections 1 mimics SSM forwards that carry one TCP connection at a time.
SIGUSR1 cuts every open connection (a network cut); the listener stays up.
SIGUSR2 stalls the path: bytes already read are held (not dropped) and new connections
wait before going on to TARGET, until SIGCONT resumes it. SIGHUP stalls only the
answers (server to client): requests, and new connections such as a cancel request,
still reach TARGET, so a statement runs to its end while the client waits. The log
says "paused" (or "paused answers") and "resumed" once each takes effect, and
"holding N bytes" for what a paused path holds.
"""
import argparse
import asyncio
import os
import signal
import sys
import time


def log(args, text):
    if args.log:
        with open(args.log, "a", encoding="utf-8") as f:
            f.write(f"{time.strftime('%Y-%m-%dT%H:%M:%SZ', time.gmtime())} {text}\n")


async def pipe(reader, writer, flowing, held):
    try:
        while True:
            data = await reader.read(65536)
            if not data:
                break
            if not flowing.is_set():
                held(len(data))
            await flowing.wait()  # a stalled path holds what it has read
            writer.write(data)
            await writer.drain()
    except (ConnectionError, OSError):
        pass
    finally:
        try:
            writer.write_eof()
        except (OSError, RuntimeError):
            writer.close()


async def main(args):
    active = 0
    open_writers = set()
    flowing = asyncio.Event()       # client to server, and new connections
    answers = asyncio.Event()       # server to client
    flowing.set()
    answers.set()

    async def handle(client_reader, client_writer):
        nonlocal active
        peer = client_writer.get_extra_info("peername")
        if args.max_connections and active >= args.max_connections:
            log(args, f"refused {peer}: {active} connection(s) already open")
            client_writer.close()
            return
        active += 1
        try:
            await flowing.wait()
            try:
                server_reader, server_writer = await asyncio.open_connection(
                    args.target_host, args.target_port)
            except OSError as e:
                log(args, f"target unreachable for {peer}: {e}")
                client_writer.close()
                return
            log(args, f"open {peer}")
            pair = (client_writer, server_writer)
            open_writers.add(pair)
            try:
                def held(n):
                    log(args, f"holding {n} bytes from {peer}")
                await asyncio.gather(pipe(client_reader, server_writer, flowing, held),
                                     pipe(server_reader, client_writer, answers, held))
            finally:
                open_writers.discard(pair)
            client_writer.close()
            server_writer.close()
            log(args, f"close {peer}")
        finally:
            active -= 1

    server = await asyncio.start_server(handle, args.host, args.port)
    port = server.sockets[0].getsockname()[1]
    if args.port_file:
        tmp = args.port_file + ".tmp"
        with open(tmp, "w", encoding="utf-8") as f:
            f.write(f"{port}\n")
        os.replace(tmp, args.port_file)
    log(args, f"listening on {args.host}:{port} -> {args.target_host}:{args.target_port}")
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, stop.set)

    def cut():
        log(args, f"cutting {len(open_writers)} connection(s)")
        for pair in list(open_writers):
            for w in pair:
                w.transport.abort()

    loop.add_signal_handler(signal.SIGUSR1, cut)

    def pause():
        flowing.clear()
        answers.clear()
        log(args, f"paused ({len(open_writers)} connection(s) held)")

    def pause_answers():
        answers.clear()
        log(args, f"paused answers ({len(open_writers)} connection(s))")

    def resume():
        flowing.set()
        answers.set()
        log(args, "resumed")

    loop.add_signal_handler(signal.SIGUSR2, pause)
    loop.add_signal_handler(signal.SIGHUP, pause_answers)
    loop.add_signal_handler(signal.SIGCONT, resume)
    async with server:
        await stop.wait()
    log(args, "stopped")


if __name__ == "__main__":
    p = argparse.ArgumentParser(description="loopback TCP forwarder (a stand-in tunnel)")
    p.add_argument("--host", default="127.0.0.1")
    p.add_argument("--port", type=int, default=0)
    p.add_argument("--port-file")
    p.add_argument("--target-host", default="127.0.0.1")
    p.add_argument("--target-port", type=int, required=True)
    p.add_argument("--max-connections", type=int, default=0)
    p.add_argument("--log")
    a = p.parse_args()
    if a.host not in ("127.0.0.1", "::1", "localhost") or a.target_host not in ("127.0.0.1", "::1", "localhost"):
        sys.exit("tcp_forward.py: only loopback addresses are allowed")
    asyncio.run(main(a))
