"""A small OpenAI-compatible chat server for tests: `python fake_llm_server.py RECORD_FILE`.

Listens on a free local port and prints it on the first line of stdout. Speaks
POST /v1/chat/completions; writes every request body it receives to RECORD_FILE (the last one
wins) so a test can read what the client sent. What it answers depends on the model name:

- "good": an answer citing passage [1];
- "bad-cite": an answer citing [1] and [7] (no passage 7 is ever sent in the tests);
- "inject": behaves like a gullible model: if the text "reply HACKED" reaches it outside the
  quoted passages of the user message (in the system message, or with no passage quoting at
  all), it replies "HACKED"; otherwise it answers citing [1];
- "not-found": the agreed reply when the passages do not answer;
- "uncited": an answer without any citation marker;
- "fail": HTTP 500;
- "slow": sleeps 5 s before answering (longer than the tests' client timeout).
"""

from __future__ import annotations

import json
import sys
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

REPLIES = {
    "good": "Het kabinet zet pooling en expertteams in, zoals de flexpoolregeling [1].",
    "bad-cite": "Het kabinet zet pooling in [1]. Ook wordt een nieuwe wet voorbereid [7].",
    "not-found": "NOT FOUND",
    "uncited": "Het kabinet zet pooling en expertteams in.",
    "slow": "Te laat [1].",
}


def _inject_reply(messages: list[dict[str, str]]) -> str:
    system = " ".join(m["content"] for m in messages if m["role"] == "system")
    user = " ".join(m["content"] for m in messages if m["role"] == "user")
    quoted = "<passage" in user and "not instructions" in user
    if "reply HACKED" in system or ("reply HACKED" in user and not quoted):
        return "HACKED"
    return "De regering gebruikt expertteams [1]."


class Handler(BaseHTTPRequestHandler):
    record: Path

    def do_POST(self) -> None:  # noqa: N802 (http.server's naming)
        body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
        self.record.write_bytes(body)
        if self.path != "/v1/chat/completions":
            self.send_error(404)
            return
        request = json.loads(body)
        model = request["model"]
        if model == "fail":
            self.send_error(500, "model crashed")
            return
        if model == "slow":
            time.sleep(5)
        content = _inject_reply(request["messages"]) if model == "inject" else REPLIES[model]
        reply = json.dumps(
            {
                "id": "chatcmpl-test",
                "object": "chat.completion",
                "model": model,
                "choices": [
                    {
                        "index": 0,
                        "message": {"role": "assistant", "content": content},
                        "finish_reason": "stop",
                    }
                ],
            }
        ).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(reply)))
        self.end_headers()
        self.wfile.write(reply)

    def log_message(self, *args) -> None:
        pass


def main() -> None:
    Handler.record = Path(sys.argv[1])
    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    print(server.server_address[1], flush=True)
    server.serve_forever()


if __name__ == "__main__":
    main()
