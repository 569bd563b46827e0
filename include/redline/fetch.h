/*
 * redline/fetch.h - fetching snapshots over HTTP(S) with libcurl.
 *
 * An rl_fetcher wraps one curl multi handle, driven on one thread: many
 * transfers run at once, capped per host and in total, with keep-alive
 * connections (and HTTP/2 multiplexing over TLS) shared between them.
 * Each transfer ends in exactly one call of its callback, from
 * rl_fetcher_run() on the calling thread, with an rl_fetch_response that
 * the callback owns.
 *
 * Every limit is on by default (see docs/fetching.md): connect timeout,
 * low-speed abort, total time, decoded body size (checked as bytes arrive,
 * so gzip bombs and endless bodies stop at the cap), redirect count.
 * Redirects may only lead to http and https; file:// is allowed only for a
 * source configured with a file:// URL.  TLS is verified unless a request
 * turns it off (rl_fetch_net.insecure).
 *
 * Nothing here reads the environment, and libcurl is not let to either: a
 * proxy or CA bundle from http_proxy or SSL_CERT_FILE is honoured only when
 * the caller passes it in a request (the command line does).
 */
#ifndef REDLINE_FETCH_H
#define REDLINE_FETCH_H

#include <stddef.h>
#include <stdint.h>

#include "redline/buf.h"
#include "redline/charset.h"
#include "redline/extract.h"

#define RL_FETCH_DEFAULT_USER_AGENT "redline/" REDLINE_FETCH_VERSION
#ifdef REDLINE_VERSION
#define REDLINE_FETCH_VERSION REDLINE_VERSION
#else
#define REDLINE_FETCH_VERSION "0"
#endif

#define RL_FETCH_DEFAULT_MAX_TOTAL_CONNECTIONS 16
#define RL_FETCH_DEFAULT_MAX_HOST_CONNECTIONS 2
#define RL_FETCH_DEFAULT_CONNECT_TIMEOUT_MS 10000L
#define RL_FETCH_DEFAULT_LOW_SPEED_LIMIT 100L  /* bytes per second ... */
#define RL_FETCH_DEFAULT_LOW_SPEED_TIME 20L    /* ... over this many seconds */
#define RL_FETCH_DEFAULT_TIMEOUT_MS 60000L
/* The fetcher must never hand the pipeline more than it accepts. */
#define RL_FETCH_DEFAULT_MAX_BODY ((size_t)RL_EXTRACT_MAX_INPUT)
#define RL_FETCH_DEFAULT_MAX_REDIRECTS 5L
/* HTTP/2 streams at once on one connection: with 2 connections a host, at
 * most 20 requests in flight to one site, where HTTP/1.1 has 2. */
#define RL_FETCH_DEFAULT_MAX_STREAMS 10L
/* A key's passphrase file: only its first line is read. */
#define RL_FETCH_MAX_PASSPHRASE 1024

/* Bounds on the strings copied out of response headers. */
#define RL_FETCH_MAX_ETAG 512
#define RL_FETCH_MAX_DATE 128
#define RL_FETCH_MAX_CONTENT_TYPE 256
#define RL_FETCH_MAX_CHARSET RL_CHARSET_NAME_MAX
/* All response headers of a transfer together (redirects included). */
#define RL_FETCH_MAX_HEADER_BYTES (256 * 1024)

/** How a transfer ended.  Everything but RL_FETCH_OK is a failure. */
typedef enum rl_fetch_result {
	RL_FETCH_OK = 0,
	RL_FETCH_DNS,               /* host name could not be resolved */
	RL_FETCH_CONNECT,           /* TCP connection refused or unreachable */
	RL_FETCH_TLS,               /* handshake or certificate verification failed */
	RL_FETCH_TIMEOUT,           /* connect or total time ran out, or no answer */
	RL_FETCH_TOO_SLOW,          /* below the low-speed limit for too long */
	RL_FETCH_TOO_BIG,           /* decoded body over max_body, or headers over
	                               RL_FETCH_MAX_HEADER_BYTES */
	RL_FETCH_HTTP_ERROR,        /* final status 4xx/5xx (or an unfollowed 3xx) */
	RL_FETCH_EMPTY_BODY,        /* 2xx with no body: never "everything deleted" */
	RL_FETCH_TRUNCATED,         /* body shorter than announced */
	RL_FETCH_REDIRECT_REFUSED,  /* redirect to a protocol other than http(s) */
	RL_FETCH_TOO_MANY_REDIRECTS,
	RL_FETCH_PROTOCOL_REFUSED,  /* the URL's own scheme is not allowed */
	RL_FETCH_NETWORK,           /* connection reset or closed without an answer */
	RL_FETCH_PROXY,             /* the proxy could not be reached or refused us */
	RL_FETCH_OTHER,
	RL_FETCH_ADDRESS_REFUSED,   /* a private address that `addresses` forbids */
} rl_fetch_result;

/** A short name for a result, e.g. "timeout", "too_big". */
const char *rl_fetch_result_name(rl_fetch_result result);

typedef struct rl_fetcher_opts {
	long max_total_connections; /* 0: 16 */
	long max_host_connections;  /* 0: 2; connections, whatever the streams on them */
	long max_concurrent_streams; /* 0: 10; HTTP/2 streams on one connection */
	const char *user_agent;     /* NULL: RL_FETCH_DEFAULT_USER_AGENT */
} rl_fetcher_opts;

/** Which addresses a request may connect to, judged by the address actually
 *  connected (so DNS rebinding cannot get around it).  "Private" means
 *  loopback, link-local (169.254/16, fe80::/10), private (10/8, 172.16/12,
 *  192.168/16, fc00::/7), shared, unspecified and multicast addresses. */
typedef enum rl_fetch_addresses {
	RL_FETCH_ADDRESSES_ANY = 0,     /* no check */
	RL_FETCH_ADDRESSES_LIKE_FIRST,  /* the URL itself anywhere; its redirects to a
	                                   private address only if it was on one */
	RL_FETCH_ADDRESSES_PUBLIC,      /* never a private address */
} rl_fetch_addresses;

/** 1 when `ip` (text, as curl reports it) is private in the sense above
 *  (IPv4-mapped IPv6 by its IPv4 address); 1 also when it is not an address
 *  at all: what cannot be checked is refused. */
int rl_fetch_address_is_private(const char *ip);

typedef enum rl_fetch_http_version {
	RL_FETCH_HTTP_DEFAULT = 0, /* HTTP/2 over TLS when the server offers it (ALPN), else 1.1 */
	RL_FETCH_HTTP_1_1,         /* HTTP/1.1 only */
	RL_FETCH_HTTP_2,           /* HTTP/2, also asked for over plain http (Upgrade: h2c) */
} rl_fetch_http_version;

/** TLS, proxy and protocol settings of a request, git's http.* name in
 *  brackets.  NULL or "" means none (libcurl's default CA bundle, no client
 *  certificate, a direct connection).  Strings are copied or read by
 *  rl_fetcher_add(); the passphrase file is read then and the passphrase
 *  kept no longer than libcurl needs it. */
typedef struct rl_fetch_net {
	const char *ca_info;           /* [sslCAInfo] CA bundle instead of the system's */
	const char *ca_path;           /* [sslCAPath] directory of hashed CA certificates */
	int insecure;                  /* [sslVerify = false] no certificate or host check */
	const char *cert;              /* [sslCert] client certificate, PEM */
	const char *key;               /* [sslKey] its private key, PEM (NULL: in `cert`) */
	const char *key_password_file; /* [sslKeyPasswordFile] first line: the passphrase */
	const char *proxy;             /* [proxy] [scheme://][user:password@]host[:port];
	                                  http (default), https, socks4, socks4a, socks5, socks5h */
	const char *no_proxy;          /* hosts not to proxy, as in no_proxy: "a.example,.corp" */
	rl_fetch_http_version version; /* [version] */
} rl_fetch_net;

/** One request.  Zero numeric fields take the defaults above; strings are
 *  copied by rl_fetcher_add(), so they need not outlive the call. */
typedef struct rl_fetch_request {
	const char *url;
	const char *etag;           /* from the last good response: If-None-Match */
	const char *last_modified;  /* from the last good response: If-Modified-Since */
	const char *const *headers; /* extra "Name: value" headers, sent only to the
	                               origin of headers_origin (or of url when NULL):
	                               never to another host, port or scheme, nor
	                               across a redirect to one */
	size_t headers_count;
	const char *headers_origin;
	rl_fetch_addresses addresses;
	const char *user_agent;     /* NULL: the fetcher's */
	long connect_timeout_ms;
	long low_speed_limit;       /* bytes/s */
	long low_speed_time_s;
	long timeout_ms;            /* whole transfer, not counting time queued */
	size_t max_body;            /* decoded bytes */
	long max_redirects;         /* 0: 5; negative: follow none */
	int allow_file;             /* allow file:// when `url` itself is one */
	const char *netrc_file;     /* credentials per host from this .netrc (curl reads it
	                               for each request); NULL: none - the library reads
	                               no ~/.netrc of its own accord */
	rl_fetch_net net;           /* zero: verified TLS, system CAs, no proxy */
	int capture;                /* keep the bytes as exchanged (rl_fetch_raw) */
} rl_fetch_request;

/** The last exchange of a transfer as it went over the wire (after TLS),
 *  for a WARC capture: the request line and headers sent, the status line
 *  and headers received, and the body before content decoding (for HTTP/1.1
 *  with any chunk framing).  Only the final hop of a redirect chain.  A
 *  captured request asks for "gzip, deflate" only, so that the capture can
 *  always be decoded again without brotli or zstd. */
typedef struct rl_fetch_raw {
	rl_buf request;           /* "GET /x HTTP/1.1\r\n...\r\n\r\n" */
	rl_buf response_head;     /* "HTTP/1.1 200 OK\r\n...\r\n\r\n" */
	rl_buf response_body;     /* as received, before content decoding */
	char remote_ip[64];       /* "" when unknown (file://) */
	int64_t time;             /* when the request was sent, Unix seconds */
	int incomplete;           /* a cap was hit: the capture is not the whole exchange */
} rl_fetch_raw;

/** The outcome of one transfer.  Strings are owned and NUL-terminated. */
typedef struct rl_fetch_response {
	char *url;                /* as requested */
	rl_fetch_result result;
	int error;                /* 0, or RL_EFETCH / RL_ETIMEOUT / RL_ETOOBIG / RL_ENOMEM */
	char *message;            /* NULL when ok: "cannot fetch 'url': timeout after 10 s" */
	long status;              /* final HTTP status; 0 for file:// or no answer */
	char *body;               /* never NULL; kept for http errors too */
	size_t body_len;
	char *effective_url;      /* after redirects */
	char *content_type;       /* NULL when absent */
	char *charset;            /* from Content-Type, lower-case, unquoted; NULL when absent */
	char *etag;               /* NULL when absent */
	char *last_modified;      /* NULL when absent */
	int not_modified;         /* 304: nothing changed, body empty; result is RL_FETCH_OK */
	long retry_after;         /* seconds from Retry-After, 0 when none */
	long redirects;
	int private_address;      /* the first request went to a private address */
	uint64_t bytes_received;  /* on the wire (before content decoding) */
	int http_version;         /* 10, 11, 20 (HTTP/2); 0 when no HTTP answer */
	double total_seconds;
	rl_fetch_raw *raw;        /* the request asked for `capture`; NULL otherwise */
} rl_fetch_response;

/** Called once per transfer, from rl_fetcher_run().  `response` belongs to
 *  the callback: free it with rl_fetch_response_free() (or keep it).  It is
 *  NULL only when memory ran out while building it.  The
 *  callback may add new transfers, but must not free the fetcher. */
typedef void (*rl_fetch_cb)(rl_fetch_response *response, void *userdata);

typedef struct rl_fetcher rl_fetcher;

/** Initialises libcurl; call once from main() before any thread starts. */
int rl_fetch_global_init(void);
/** Releases libcurl's global state; call once at exit. */
void rl_fetch_global_cleanup(void);

/** A fetcher; `opts` may be NULL for the defaults. */
int rl_fetcher_new(rl_fetcher **out, const rl_fetcher_opts *opts);

/** Frees the fetcher, aborting unfinished transfers (their callbacks are
 *  not called).  NULL is fine. */
void rl_fetcher_free(rl_fetcher *fetcher);

/** Queues a transfer.  RL_EINVAL for a missing URL, for header values
 *  with control characters (no header injection from a config file), for a
 *  proxy of an unknown scheme and for an unreadable passphrase file.  Once
 *  this returns 0, `cb` is called exactly once (or the fetcher is freed). */
int rl_fetcher_add(rl_fetcher *fetcher, const rl_fetch_request *request,
		   rl_fetch_cb cb, void *userdata);

/** Drives the transfers, calling callbacks as they finish.  Returns when
 *  none is left, or after `timeout_ms` (0: one round without waiting;
 *  negative: no limit).  Returns 0, or RL_EFETCH when libcurl fails. */
int rl_fetcher_run(rl_fetcher *fetcher, long timeout_ms);

/** Transfers added and not yet finished. */
size_t rl_fetcher_pending(const rl_fetcher *fetcher);

/** How rl_fetcher_run() waited, for tests and diagnostics. */
typedef struct rl_fetcher_stats {
	size_t idle_waits;  /* waits cut to a few ms: libcurl had transfers but no
	                       socket to wait on (a transfer it forgot to wake:
	                       libcurl 7.88, many transfers on one host) */
	size_t quiet_waits; /* full waits (1 s) that ended with nothing to do */
} rl_fetcher_stats;

/** Copies the fetcher's counts into `out` (zeros for NULL). */
void rl_fetcher_get_stats(rl_fetcher_stats *out, const rl_fetcher *fetcher);

/** Fetches one URL and waits for it (a fetcher of its own, defaults for
 *  connections).  Returns 0 with `*out` set whatever the transfer's result:
 *  check (*out)->result.  An error only when no transfer could be made. */
int rl_fetch_one(rl_fetch_response **out, const rl_fetch_request *request);

/** Frees a response; NULL is fine. */
void rl_fetch_response_free(rl_fetch_response *response);

/** `proxy` fit to be shown: its password replaced by "***", bounded.
 *  Caller frees; NULL for NULL or out of memory. */
char *rl_fetch_proxy_shown(const char *proxy);

/** Frees a raw exchange; NULL is fine. */
void rl_fetch_raw_free(rl_fetch_raw *raw);

/** The charset parameter of a Content-Type value, lower-cased and
 *  unquoted; NULL when absent, empty, over RL_FETCH_MAX_CHARSET or not a
 *  plausible charset name.  Caller frees. */
char *rl_fetch_parse_charset(const char *content_type);

#endif
