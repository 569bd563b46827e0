#!/usr/bin/env python3
"""testserver.py - a real HTTP/1.1 server for redline's fetch and end-to-end tests.

Binds 127.0.0.1 on an ephemeral port, prints the port on stdout (or writes it,
atomically, to --port-file) and exits by itself after --lifetime seconds or when
its parent process goes away, so it can never linger.  Python standard library
only; brotli (Debian: python3-brotli) is optional and only needed for /br.

Usage: testserver.py [--port-file FILE] [--lifetime SECONDS] [--root DIR] [--tls]
                     [--verbose] [--host 127.0.0.X]

With --tls a second port serves the same routes over HTTPS with a freshly made
self-signed certificate (needs the openssl command): a client that verifies
certificates, as redline must, refuses it.  The port file (or stdout) then has
two lines, the HTTP port and the HTTPS port; without openssl the second is 0.

Routes (GET unless noted; every response has Content-Length or is chunked, and
Connection: keep-alive is honoured):

  /page               200 text/html with ETag + Last-Modified; If-None-Match and
                      If-Modified-Since give 304.  /page is a runtime page (below).
  <any runtime page>  pages made with /set or POST /admin/set behave like /page.
  /set?path=/x&body=TEXT[&type=MIME][&status=N]
                      creates or changes a runtime page; its ETag is a hash of the
                      body, its Last-Modified advances by at least 1 s each change.
  POST /admin/set?path=/x[&type=MIME][&status=N]   same, body = request body.
  ...&auth=USER:PASSWORD   (with /set or /admin/set) the page wants HTTP basic
                      auth with exactly that login: 401 with WWW-Authenticate
                      without it or with another one.
  /files/<name>       a file from --root: ETag = hash of content, Last-Modified =
                      mtime, conditional requests honoured, type from the suffix.
  /gzip               gzip Content-Encoding of a known text.
  /br                 brotli Content-Encoding of the same text; 501 without brotli.
  /plain-text         that text, unencoded (what /gzip and /br must decode to).
  /redirect/N         302 to /redirect/N-1; /redirect/1 goes to /page, so N 302s
                      in all.
  /to-file            302 to file:///etc/passwd (must never be followed).
  /to-ftp             302 to ftp://127.0.0.1/ (must never be followed).
  /go?to=URL          302 to URL (any URL: cross-origin redirects).
  /status/N           status N with a short text body.
  /retry-after        503 with Retry-After: 120.
  /slow-drip          Content-Length 30, one byte a second.
  /hang               accepts, reads the request, never answers (until the client
                      closes, at most 60 s).
  /reset              closes the connection with a TCP reset, no answer.
  /empty              200 with an empty body.
  /truncated          Content-Length 1000, 10 bytes, then the connection closes.
  /endless            chunked body that never ends (until the client closes).
  /gzip-bomb          ~100 KB of gzip that inflates to 100 MB.
  /cp1252             windows-1252 bytes, Content-Type text/html without charset.
  /charset            Content-Type: text/html; charset=ISO-8859-1
  /content-type?v=RAW Content-Type: RAW (to test header parsing).
  /many-headers       200 with 5,000 headers of ~100 bytes each (500 KB).
  /headers            the request's headers as text/plain, one "Name: value" a line.
  /count/<group>/<x>  sleeps 300 ms, tracking concurrent requests per group.
  /stats[/<group>]    JSON: {"max_concurrent", "current", "requests"} of a group,
                      or overall {"requests", "connections"} without one.
"""

import argparse
import base64
import email.utils
import gzip
import hashlib
import json
import mimetypes
import os
import select
import shutil
import ssl
import subprocess
import tempfile
import socket
import struct
import sys
import threading
import time
import urllib.parse
import zlib
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

try:
    import brotli  # Debian: python3-brotli
except ImportError:  # pragma: no cover - depends on the machine
    brotli = None

KNOWN_TEXT = ("<html><body>\n" + "".join(
    "<p>Story %d: the quick brown fox jumps over the lazy dog.</p>\n" % i
    for i in range(200)) + "</body></html>\n").encode()

CP1252_BODY = (b"<html><body><p>\x93Quoted\x94 caf\xe9 \x80 5 \x96 dash</p>"
               b"</body></html>\n")

MAX_SET_BODY = 16 * 1024 * 1024
HANG_MAX_S = 60
ENDLESS_MAX = 4 * 1024 * 1024 * 1024
BOMB_SIZE = 100 * 1024 * 1024


def etag_of(data):
    return '"%s"' % hashlib.sha1(data).hexdigest()[:20]


def http_date(ts):
    return email.utils.formatdate(ts, usegmt=True)


class State:
    def __init__(self, root):
        self.lock = threading.Lock()
        self.root = os.path.realpath(root) if root else None
        self.pages = {}
        self.groups = {}
        self.requests = 0
        self.connections = 0
        self.bomb = None
        self.set_page("/page", b"<html><body><article><h2>First story</h2>"
                      b"<p>One sentence. Another one.</p></article></body></html>\n",
                      "text/html; charset=utf-8", 200)

    def set_page(self, path, body, ctype, status, auth=None):
        with self.lock:
            old = self.pages.get(path)
            mtime = int(time.time()) - 60
            if old and mtime <= old["mtime"]:
                mtime = old["mtime"] + 1
            self.pages[path] = {"body": body, "type": ctype, "status": status,
                                "mtime": mtime, "etag": etag_of(body), "auth": auth}

    def get_page(self, path):
        with self.lock:
            page = self.pages.get(path)
            return dict(page) if page else None

    def gzip_bomb(self):
        with self.lock:
            if self.bomb is None:
                comp = zlib.compressobj(9, zlib.DEFLATED, 31)
                chunk = bytes(1024 * 1024)
                parts = [comp.compress(chunk) for _ in range(BOMB_SIZE // len(chunk))]
                parts.append(comp.flush())
                self.bomb = b"".join(parts)
            return self.bomb

    def group_enter(self, name):
        with self.lock:
            g = self.groups.setdefault(name, {"current": 0, "max_concurrent": 0,
                                              "requests": 0})
            g["current"] += 1
            g["requests"] += 1
            g["max_concurrent"] = max(g["max_concurrent"], g["current"])

    def group_leave(self, name):
        with self.lock:
            self.groups[name]["current"] -= 1


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "redline-testserver/1"
    timeout = 30  # an idle keep-alive connection ends after this

    def setup(self):
        super().setup()
        with self.server.state.lock:
            self.server.state.connections += 1

    def handle(self):
        # Clients that give up (timeouts, size caps) are the point of many
        # routes: their resets are normal here, not worth a traceback.
        try:
            super().handle()
        except (ConnectionError, TimeoutError, OSError):
            self.close_connection = True

    def log_message(self, fmt, *args):
        if self.server.verbose:
            # Which credentials came with the request (names only), so that a
            # test can tell where a source's secret headers went.
            sent = [h for h in ("Authorization", "Cookie", "X-Api-Key")
                    if getattr(self, "headers", None) is not None and h in self.headers]
            sys.stderr.write("testserver: %s %s%s\n" % (
                self.server.server_address[0], fmt % args,
                " secrets=" + ",".join(sent) if sent else ""))

    # -- helpers ---------------------------------------------------------
    def send_body(self, status, body, ctype="text/plain; charset=utf-8", headers=()):
        self.send_response(status)
        if ctype is not None:
            self.send_header("Content-Type", ctype)
        for name, value in headers:
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def conditional(self, etag, mtime, status, body, ctype):
        """Answers 304 when the client's validators match, else the body."""
        inm = self.headers.get("If-None-Match")
        ims = self.headers.get("If-Modified-Since")
        headers = [("ETag", etag), ("Last-Modified", http_date(mtime))]
        fresh = False
        if inm is not None:
            tags = [t.strip() for t in inm.split(",")]
            fresh = "*" in tags or etag in tags or ("W/" + etag) in tags
        elif ims is not None:
            try:
                since = email.utils.parsedate_to_datetime(ims).timestamp()
                fresh = int(mtime) <= since
            except (TypeError, ValueError, IndexError, OverflowError):
                fresh = False
        if fresh and status == 200:
            self.send_response(304)
            for name, value in headers:
                self.send_header(name, value)
            self.send_header("Content-Length", "0")
            self.end_headers()
            return
        self.send_body(status, body, ctype, headers)

    def query(self):
        return urllib.parse.parse_qs(urllib.parse.urlsplit(self.path).query)

    def client_closed(self, wait):
        r, _, _ = select.select([self.connection], [], [], wait)
        if not r:
            return False
        try:
            return self.connection.recv(1, socket.MSG_PEEK) == b""
        except OSError:
            return True

    # -- routes ----------------------------------------------------------
    def do_HEAD(self):
        self.do_GET()

    def do_POST(self):
        with self.server.state.lock:
            self.server.state.requests += 1
        path = urllib.parse.urlsplit(self.path).path
        length = int(self.headers.get("Content-Length") or 0)
        if length < 0 or length > MAX_SET_BODY:
            self.send_body(413, b"too large\n")
            return
        body = self.rfile.read(length)
        if path == "/admin/set":
            self.route_set(body)
        else:
            self.send_body(404, b"not found\n")

    def route_set(self, body):
        q = self.query()
        path = q.get("path", [""])[0]
        if not path.startswith("/") or len(path) > 1024:
            self.send_body(400, b"path must start with /\n")
            return
        if body is None:
            body = q.get("body", [""])[0].encode()
        ctype = q.get("type", ["text/html; charset=utf-8"])[0]
        status = int(q.get("status", ["200"])[0])
        auth = q.get("auth", [None])[0]
        if auth is not None:
            auth = "Basic " + base64.b64encode(auth.encode()).decode()
        self.server.state.set_page(path, body, ctype, status, auth)
        self.send_body(200, b"ok\n")

    def do_GET(self):
        state = self.server.state
        with state.lock:
            state.requests += 1
        path = urllib.parse.urlsplit(self.path).path
        parts = path.split("/")

        page = state.get_page(path)
        if page is not None and page["auth"] and self.headers.get("Authorization") != page["auth"]:
            self.send_body(401, b"login required\n",
                           headers=[("WWW-Authenticate", 'Basic realm="redline-test"')])
        elif page is not None:
            self.conditional(page["etag"], page["mtime"], page["status"],
                             page["body"], page["type"])
        elif path == "/set":
            self.route_set(None)
        elif path.startswith("/files/"):
            self.route_file(urllib.parse.unquote(path[len("/files/"):]))
        elif path == "/plain-text":
            self.send_body(200, KNOWN_TEXT, "text/html; charset=utf-8")
        elif path == "/gzip":
            self.send_body(200, gzip.compress(KNOWN_TEXT), "text/html; charset=utf-8",
                           [("Content-Encoding", "gzip"), ("Vary", "Accept-Encoding")])
        elif path == "/br":
            if brotli is None:
                self.send_body(501, b"no brotli module on the server\n")
            else:
                self.send_body(200, brotli.compress(KNOWN_TEXT), "text/html; charset=utf-8",
                               [("Content-Encoding", "br"), ("Vary", "Accept-Encoding")])
        elif len(parts) == 3 and parts[1] == "redirect" and parts[2].isdigit():
            n = int(parts[2])
            target = "/page" if n <= 1 else "/redirect/%d" % (n - 1)
            self.send_body(302, b"moved\n", headers=[("Location", target)])
        elif path == "/to-file":
            self.send_body(302, b"moved\n", headers=[("Location", "file:///etc/passwd")])
        elif path == "/go":
            self.send_body(302, b"moved\n", headers=[("Location", self.query().get("to", ["/"])[0])])
        elif path == "/to-ftp":
            self.send_body(302, b"moved\n", headers=[("Location", "ftp://127.0.0.1/")])
        elif len(parts) == 3 and parts[1] == "status" and parts[2].isdigit():
            code = int(parts[2])
            self.send_body(code, ("status %d\n" % code).encode())
        elif path == "/retry-after":
            self.send_body(503, b"busy\n", headers=[("Retry-After", "120")])
        elif path == "/slow-drip":
            self.route_slow_drip()
        elif path == "/hang":
            self.route_hang()
        elif path == "/reset":
            self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER,
                                       struct.pack("ii", 1, 0))
            self.close_connection = True
            self.connection.close()
        elif path == "/truncated":
            self.send_response(200)
            self.send_header("Content-Type", "text/plain")
            self.send_header("Content-Length", "1000")
            self.end_headers()
            self.wfile.write(b"0123456789")
            self.close_connection = True
        elif path == "/empty":
            self.send_body(200, b"", "text/html")
        elif path == "/endless":
            self.route_endless()
        elif path == "/gzip-bomb":
            self.send_body(200, state.gzip_bomb(), "text/html",
                           [("Content-Encoding", "gzip")])
        elif path == "/cp1252":
            self.send_body(200, CP1252_BODY, "text/html")
        elif path == "/charset":
            self.send_body(200, b"<p>caf\xe9</p>\n", "text/html; charset=ISO-8859-1")
        elif path == "/content-type":
            raw = self.query().get("v", ["text/plain"])[0]
            self.send_body(200, b"<p>x</p>\n", raw)
        elif path == "/many-headers":
            filler = "x" * 80
            self.send_body(200, b"ok\n", headers=[("X-Filler-%d" % i, filler)
                                                  for i in range(5000)])
        elif path == "/headers":
            text = "".join("%s: %s\n" % (k, v) for k, v in self.headers.items())
            self.send_body(200, text.encode())
        elif len(parts) >= 4 and parts[1] == "count":
            self.route_count(parts[2])
        elif path == "/stats" or (len(parts) == 3 and parts[1] == "stats"):
            with state.lock:
                if len(parts) == 3:
                    data = dict(state.groups.get(parts[2], {"current": 0,
                                "max_concurrent": 0, "requests": 0}))
                else:
                    data = {"requests": state.requests,
                            "connections": state.connections}
            self.send_body(200, (json.dumps(data) + "\n").encode(), "application/json")
        else:
            self.send_body(404, b"not found\n")

    def route_file(self, name):
        root = self.server.state.root
        if root is None:
            self.send_body(404, b"no --root\n")
            return
        full = os.path.realpath(os.path.join(root, name))
        if not full.startswith(root + os.sep) or not os.path.isfile(full):
            self.send_body(404, b"not found\n")
            return
        with open(full, "rb") as f:
            data = f.read(MAX_SET_BODY + 1)
        ctype = mimetypes.guess_type(full)[0] or "application/octet-stream"
        if ctype.startswith("text/") or ctype.endswith("xml"):
            ctype += "; charset=utf-8"
        self.conditional(etag_of(data), int(os.stat(full).st_mtime), 200, data, ctype)

    def route_slow_drip(self):
        self.send_response(200)
        self.send_header("Content-Type", "text/plain")
        self.send_header("Content-Length", "30")
        self.end_headers()
        try:
            for _ in range(30):
                self.wfile.write(b"x")
                if self.client_closed(1.0):
                    break
        except OSError:
            pass
        self.close_connection = True

    def route_hang(self):
        deadline = time.monotonic() + HANG_MAX_S
        while time.monotonic() < deadline:
            if self.client_closed(0.5):
                break
        self.close_connection = True

    def route_endless(self):
        self.send_response(200)
        self.send_header("Content-Type", "text/plain")
        self.send_header("Transfer-Encoding", "chunked")
        self.end_headers()
        chunk = b"endless " * 8192
        frame = b"%x\r\n" % len(chunk) + chunk + b"\r\n"
        sent = 0
        try:
            while sent < ENDLESS_MAX:
                self.wfile.write(frame)
                sent += len(chunk)
        except OSError:
            pass
        self.close_connection = True

    def route_count(self, group):
        state = self.server.state
        state.group_enter(group)
        try:
            time.sleep(0.3)
        finally:
            state.group_leave(group)
        self.send_body(200, ("counted in %s\n" % group).encode())


def watchdog(lifetime, parent):
    deadline = time.monotonic() + lifetime
    while time.monotonic() < deadline:
        if os.getppid() != parent:
            break
        time.sleep(0.25)
    os._exit(0)


def tls_context():
    """A server context with a throw-away self-signed certificate, or None."""
    tmp = tempfile.mkdtemp(prefix="redline-testserver-")
    try:
        key, cert = os.path.join(tmp, "key.pem"), os.path.join(tmp, "cert.pem")
        subprocess.run(["openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt",
                        "ec_paramgen_curve:prime256v1", "-nodes", "-days", "1",
                        "-subj", "/CN=127.0.0.1", "-keyout", key, "-out", cert],
                       check=True, timeout=20, stdout=subprocess.DEVNULL,
                       stderr=subprocess.DEVNULL)
        ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        ctx.load_cert_chain(cert, key)
        return ctx
    except (OSError, subprocess.SubprocessError, ssl.SSLError):
        return None
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def make_server(state, verbose, host="127.0.0.1"):
    server = ThreadingHTTPServer((host, 0), Handler)
    server.daemon_threads = True
    server.block_on_close = False
    server.state = state
    server.verbose = verbose
    return server


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--port-file")
    ap.add_argument("--lifetime", type=float, default=120.0)
    ap.add_argument("--root")
    ap.add_argument("--tls", action="store_true")
    ap.add_argument("--verbose", action="store_true")
    ap.add_argument("--host", default="127.0.0.1", help="address to bind (loopback only)")
    args = ap.parse_args()

    threading.Thread(target=watchdog, args=(min(args.lifetime, 3600.0), os.getppid()),
                     daemon=True).start()
    state = State(args.root)
    server = make_server(state, args.verbose, args.host)
    ports = "%d\n" % server.server_address[1]
    if args.tls:
        ctx = tls_context()
        tls_port = 0
        if ctx is not None:
            tls_server = make_server(state, args.verbose)
            # The handshake happens in the connection's thread, on first read.
            tls_server.socket = ctx.wrap_socket(tls_server.socket, server_side=True,
                                                do_handshake_on_connect=False)
            tls_port = tls_server.server_address[1]
            threading.Thread(target=tls_server.serve_forever, args=(0.2,),
                             daemon=True).start()
        ports += "%d\n" % tls_port

    if args.port_file:
        tmp = args.port_file + ".tmp"
        with open(tmp, "w") as f:
            f.write(ports)
        os.rename(tmp, args.port_file)
    else:
        print(ports, end="", flush=True)
    try:
        server.serve_forever(poll_interval=0.2)
    except KeyboardInterrupt:
        pass


if __name__ == "__main__":
    main()
