/*
 * httpserver.h - starts and stops tests/server/testserver.py for a test.
 *
 * The server is a real HTTP/1.1 server on 127.0.0.1 (its routes are listed at
 * the top of testserver.py).  It exits by itself after its lifetime or when
 * the test process dies, so a crashed test leaves nothing behind.
 */
#ifndef REDLINE_HTTPSERVER_H
#define REDLINE_HTTPSERVER_H

#include <sys/types.h>

typedef struct tu_httpserver {
	pid_t pid;
	int port;
	char base_url[64];   /* "http://127.0.0.1:PORT", no trailing slash */
	int tls_port;        /* same routes over HTTPS, self-signed; 0 when none */
	char tls_base_url[64];
	char *dir;           /* temporary directory holding the port file */
} tu_httpserver;

/** Starts the server (serving --root `root` under /files/ when not NULL) and
 *  waits, at most 15 s, until it listens.  NULL when it cannot start (no
 *  python3, no REDLINE_SOURCE_DIR): the caller then skip()s.
 *  Python: $REDLINE_PYTHON, else /usr/bin/python3 (where Debian's
 *  python3-brotli lives), else python3 from PATH. */
tu_httpserver *tu_httpserver_start(const char *root);

/** Stops the server (SIGTERM, then SIGKILL) and reaps it.  NULL is fine. */
void tu_httpserver_stop(tu_httpserver *server);

/** base_url + path in a static buffer (valid until the next call). */
const char *tu_httpserver_url(const tu_httpserver *server, const char *path);

#endif
