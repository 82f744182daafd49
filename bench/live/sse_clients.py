#!/usr/bin/env python3
"""Holds N concurrent SSE streams open against one URL (bench/live/streams.sh): one asyncio task per stream on raw
sockets, so 500 readers cost one small process instead of 500 curls. Writes "open N failed M" to the ready file when
every connection has answered its headers (or failed), then keeps reading (and counting events) until SIGTERM/SIGINT
or --seconds, and prints a summary line: RESULT open=… failed=… events=… dropped=…"""
import argparse, asyncio, signal, sys
from urllib.parse import urlsplit

async def stream(host, port, path, state, opened):
    try:
        reader, writer = await asyncio.open_connection(host, port)
        writer.write(f"GET {path} HTTP/1.1\r\nHost: {host}:{port}\r\nAccept: text/event-stream\r\nCache-Control: no-cache\r\n\r\n".encode())
        await writer.drain()
        status = await asyncio.wait_for(reader.readline(), 60)
        while (line := await asyncio.wait_for(reader.readline(), 60)) not in (b"\r\n", b""):
            pass
        if b" 200 " not in status:
            state["failed"] += 1; state["codes"][status.strip().decode(errors="replace")] = state["codes"].get(status.strip().decode(errors="replace"), 0) + 1
            writer.close(); opened.release(); return
        state["open"] += 1
        opened.release()
        while chunk := await reader.read(65536):
            state["events"] += chunk.count(b"data:")
        state["dropped"] += 1   # the server closed the stream
    except (OSError, asyncio.TimeoutError) as e:
        state["failed"] += 1; state["codes"][type(e).__name__] = state["codes"].get(type(e).__name__, 0) + 1
        opened.release()
    except asyncio.CancelledError:
        pass

async def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("url"); ap.add_argument("--count", type=int, default=500)
    ap.add_argument("--ready-file", required=True); ap.add_argument("--seconds", type=float, default=3600)
    ap.add_argument("--ramp", type=int, default=50, help="connections opened at once")
    a = ap.parse_args()
    u = urlsplit(a.url)
    state = {"open": 0, "failed": 0, "events": 0, "dropped": 0, "codes": {}}
    opened = asyncio.Semaphore(0)
    tasks = []
    for i in range(a.count):
        tasks.append(asyncio.create_task(stream(u.hostname, u.port or 80, u.path, state, opened)))
        if (i + 1) % a.ramp == 0:
            await asyncio.sleep(0.05)
    for _ in range(a.count):
        await opened.acquire()
    with open(a.ready_file, "w") as f:
        f.write(f"open {state['open']} failed {state['failed']} {state['codes']}\n")
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for s in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(s, stop.set)
    try:
        await asyncio.wait_for(stop.wait(), a.seconds)
    except asyncio.TimeoutError:
        pass
    for t in tasks:
        t.cancel()
    await asyncio.gather(*tasks, return_exceptions=True)
    print(f"RESULT open={state['open']} failed={state['failed']} events={state['events']} dropped={state['dropped']} codes={state['codes']}", flush=True)

asyncio.run(main())
