#!/usr/bin/env python3
"""webhook_sink.py - a tiny webhook receiver for redline's hook tests.

Listens on 127.0.0.1 on an ephemeral port, writes the port to --port-file
(atomically: the file appears complete or not at all), and stores each
request it gets as <out-dir>/<n>.body (the exact bytes) and <n>.meta
("METHOD path" then "Content-Type: ..."), n counting from 1.  A request to
/status/<code> is answered with that HTTP status, anything else with 200.

Bounded: it serves at most --max-requests requests, refuses bodies over
1 MiB, and exits after --timeout seconds whatever happens.
"""
import argparse
import http.server
import os
import sys
import threading

MAX_BODY = 1024 * 1024


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--port-file", required=True)
    ap.add_argument("--out-dir", required=True)
    ap.add_argument("--max-requests", type=int, default=10)
    ap.add_argument("--timeout", type=float, default=30.0)
    args = ap.parse_args()

    count = [0]

    class Handler(http.server.BaseHTTPRequestHandler):
        def log_message(self, fmt, *a):  # keep the test's output clean
            pass

        def _reply(self, code, text):
            body = text.encode()
            self.send_response(code)
            self.send_header("Content-Type", "text/plain")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def do_POST(self):
            count[0] += 1
            n = count[0]
            length = int(self.headers.get("Content-Length") or 0)
            if length < 0 or length > MAX_BODY:
                self._reply(413, "too large\n")
                return
            body = self.rfile.read(length)
            with open(os.path.join(args.out_dir, "%d.body" % n), "wb") as f:
                f.write(body)
            with open(os.path.join(args.out_dir, "%d.meta" % n), "w") as f:
                f.write("%s %s\n" % (self.command, self.path))
                f.write("Content-Type: %s\n" % self.headers.get("Content-Type", ""))
            code = 200
            if self.path.startswith("/status/"):
                try:
                    code = int(self.path[len("/status/"):])
                except ValueError:
                    code = 400
            self._reply(code, "received %d bytes\n" % len(body))

        do_PUT = do_POST

    server = http.server.HTTPServer(("127.0.0.1", 0), Handler)
    port = server.server_address[1]
    tmp = args.port_file + ".tmp"
    with open(tmp, "w") as f:
        f.write("%d\n" % port)
    os.rename(tmp, args.port_file)

    # The hard limit: a hung test can never leave this server behind.
    timer = threading.Timer(args.timeout, lambda: os._exit(3))
    timer.daemon = True
    timer.start()
    server.timeout = 1.0
    while count[0] < args.max_requests:
        server.handle_request()
    server.server_close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
