#!/usr/bin/env python3
"""tsa_server.py - a local RFC 3161 time-stamping authority for redline's tests.

Binds 127.0.0.1 on an ephemeral port, writes the port to --port-file and
answers every POST (application/timestamp-query) with the reply of
`openssl ts -reply` made with the test CA's TSA key in --dir (made by the
test: ca.crt, tsa.crt, tsa.key, ts.cnf).  Exits after --lifetime seconds or
when its parent goes away, so it never lingers.  Standard library only.
"""
import argparse
import http.server
import os
import subprocess
import tempfile
import threading
import time


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--dir", required=True)
    ap.add_argument("--port-file", required=True)
    ap.add_argument("--lifetime", type=int, default=60)
    args = ap.parse_args()
    parent = os.getppid()

    class Handler(http.server.BaseHTTPRequestHandler):
        def log_message(self, fmt, *a):
            pass

        def do_POST(self):
            n = int(self.headers.get("Content-Length", "0"))
            query = self.rfile.read(n)
            with tempfile.TemporaryDirectory() as tmp:
                q, r = os.path.join(tmp, "q.tsq"), os.path.join(tmp, "r.tsr")
                with open(q, "wb") as f:
                    f.write(query)
                rc = subprocess.call(["openssl", "ts", "-reply", "-config",
                                      os.path.join(args.dir, "ts.cnf"), "-queryfile", q,
                                      "-out", r], stderr=subprocess.DEVNULL)
                body = open(r, "rb").read() if rc == 0 and os.path.exists(r) else b""
            self.send_response(200 if body else 500)
            self.send_header("Content-Type", "application/timestamp-reply")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

    srv = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    tmp = args.port_file + ".tmp"
    with open(tmp, "w") as f:
        f.write("%d\n" % srv.server_address[1])
    os.rename(tmp, args.port_file)
    deadline = time.time() + args.lifetime

    def watchdog():
        while time.time() < deadline and os.getppid() == parent:
            time.sleep(0.5)
        srv.shutdown()

    threading.Thread(target=watchdog, daemon=True).start()
    srv.serve_forever()


if __name__ == "__main__":
    main()
