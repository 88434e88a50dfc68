"""A fork server for tests that need many real processes: import the bot once, fork one child a request.

Requests and replies are JSON lines on standard input and output: a request whose `do` the child handles
forks and is answered with the child's pid; `{"do": "wait", "pid": N}` is answered with its exit status.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Callable, Collection
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]


def serve(child: Callable[[dict[str, Any]], int], kinds: Collection[str]) -> None:
    """Answer requests on standard input until it closes; `child` runs each request of `kinds` in a fork."""
    for line in sys.stdin:
        request = json.loads(line)
        if request["do"] in kinds:
            pid = os.fork()
            if pid == 0:
                status = 1
                try:
                    status = child(request)
                finally:
                    os._exit(status)
            reply: dict[str, Any] = {"pid": pid}
        else:
            _, raw = os.waitpid(request["pid"], 0)
            reply = {"pid": request["pid"], "status": os.waitstatus_to_exitcode(raw)}
        sys.stdout.write(json.dumps(reply) + "\n")
        sys.stdout.flush()


class ForkClient:
    """The test's end of a fork server: start it, send it requests, stop it."""

    def __init__(self, module: str) -> None:
        """Start the server in `module` (it takes about a second to import the bot)."""
        self.process = subprocess.Popen(
            [sys.executable, "-m", module],
            cwd=ROOT,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
        )

    def ask(self, request: dict[str, Any]) -> dict[str, Any]:
        """Send one request and read its reply."""
        assert self.process.stdin is not None and self.process.stdout is not None
        self.process.stdin.write(json.dumps(request) + "\n")
        self.process.stdin.flush()
        line = self.process.stdout.readline()
        assert line, "the fork server stopped"
        reply: dict[str, Any] = json.loads(line)
        return reply

    def fork(self, do: str, **fields: Any) -> int:
        """Fork a child for a request (paths are sent as text): its pid."""
        request = {"do": do} | {key: str(v) if isinstance(v, Path) else v for key, v in fields.items()}
        pid: int = self.ask(request)["pid"]
        return pid

    def wait(self, pid: int) -> int:
        """The exit status of a forked child (minus the signal, if one killed it)."""
        status: int = self.ask({"do": "wait", "pid": pid})["status"]
        return status

    def close(self) -> None:
        """Stop the server."""
        assert self.process.stdin is not None
        self.process.stdin.close()
        self.process.wait(timeout=30)
