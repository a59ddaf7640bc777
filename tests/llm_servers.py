"""Localhost OpenAI-compatible servers that misbehave on purpose, for deadline tests (no network beyond 127.0.0.1).

`StallServer(mode)` accepts connections and then, per mode:
- "silent": reads the request and never answers;
- "headers": sends 200 and event-stream headers, then stalls;
- "role": also sends a first chunk with a role but no text, then stalls;
- "trickle": sends a word every `gap` seconds and never finishes;
- "ok": answers a short streamed or whole reply.
It records the raw requests it received (to check what was sent, e.g. credentials).
"""

from __future__ import annotations

import json
import socket
import socketserver
import threading
import time
from types import TracebackType

REPLY_WORDS = ["Thank", " you", " for", " the", " offer", "."]


def _chunk(content: str | None = None, role: str | None = None, finish: str | None = None) -> bytes:
    delta = {k: v for k, v in (("role", role), ("content", content)) if v is not None}
    body = {"id": "c", "object": "chat.completion.chunk", "created": 0, "model": "m",
            "choices": [{"index": 0, "delta": delta, "finish_reason": finish}]}
    return f"data: {json.dumps(body)}\n\n".encode()


def _whole(text: str) -> bytes:
    body = json.dumps({"id": "c", "object": "chat.completion", "created": 0, "model": "m",
                       "choices": [{"index": 0, "message": {"role": "assistant", "content": text},
                                    "finish_reason": "stop"}]}).encode()
    return (b"HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: "
            + str(len(body)).encode() + b"\r\n\r\n" + body)


STREAM_HEADERS = b"HTTP/1.1 200 OK\r\ncontent-type: text/event-stream\r\ncache-control: no-cache\r\n\r\n"


class StallServer:
    """A threaded TCP server on 127.0.0.1 with one misbehaviour; use as a context manager."""

    def __init__(self, mode: str, gap: float = 0.3) -> None:
        self.mode, self.gap = mode, gap
        self.requests: list[bytes] = []
        self.stop = threading.Event()
        outer = self

        class Handler(socketserver.BaseRequestHandler):
            def handle(self) -> None:
                outer._serve(self.request)

        self.server = socketserver.ThreadingTCPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}/v1"

    def _read_request(self, conn: socket.socket) -> bytes:
        conn.settimeout(5)
        data = b""
        while b"\r\n\r\n" not in data:
            part = conn.recv(65536)
            if not part:
                return data
            data += part
        head, _, body = data.partition(b"\r\n\r\n")
        length = next((int(line.split(b":")[1]) for line in head.split(b"\r\n")
                       if line.lower().startswith(b"content-length:")), 0)
        while len(body) < length:
            body += conn.recv(65536)
        self.requests.append(head + b"\r\n\r\n" + body)
        return body

    def _serve(self, conn: socket.socket) -> None:
        body = self._read_request(conn)
        streaming = b'"stream": true' in body or b'"stream":true' in body
        if self.mode == "silent":
            self.stop.wait()
            return
        if self.mode == "ok" and not streaming:
            conn.sendall(_whole("".join(REPLY_WORDS)))
            return
        conn.sendall(STREAM_HEADERS)
        if self.mode == "headers":
            self.stop.wait()
            return
        conn.sendall(_chunk(role="assistant", content=""))
        if self.mode == "role":
            self.stop.wait()
            return
        if self.mode == "trickle":
            while not self.stop.wait(self.gap):
                try:
                    conn.sendall(_chunk(content=" more"))
                except OSError:
                    return
            return
        for word in REPLY_WORDS:
            conn.sendall(_chunk(content=word))
        conn.sendall(_chunk(finish="stop") + b"data: [DONE]\n\n")

    def __enter__(self) -> StallServer:
        self.thread.start()
        return self

    def __exit__(self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None) -> None:
        self.stop.set()
        self.server.shutdown()
        self.server.server_close()
        time.sleep(0.05)
