/*
 * fetch_net.c - where a transfer's bytes go and whom they trust: CA bundle,
 * client certificate, proxy, HTTP version.
 *
 * Every option is set on every transfer, empty when unused, because
 * libcurl reads http_proxy, https_proxy, all_proxy and no_proxy from the
 * environment itself whenever CURLOPT_PROXY / CURLOPT_NOPROXY are left
 * unset: the library would then behave differently under cron than in a
 * test.  The command line reads the environment and passes it down.
 */
#include "fetch_internal.h"
#include "redline/buf.h"
#include "redline/error.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define PROXY_SHOWN_MAX 200

static const char *const proxy_schemes[] = {
	"http", "https", "socks4", "socks4a", "socks5", "socks5h",
};

static int empty(const char *s)
{
	return s == NULL || *s == '\0';
}

static int has_control(const char *s)
{
	for (; *s; s++)
		if ((unsigned char)*s < 0x20 || *s == 0x7f)
			return 1;
	return 0;
}

static char *url_part(CURLU *u, CURLUPart part)
{
	char *s = NULL, *copy;

	if (curl_url_get(u, part, &s, 0) != CURLUE_OK || s == NULL)
		return NULL;
	copy = rl_strdup(s);
	curl_free(s);
	return copy;
}

/* scheme://[user:***@]host[:port], from a parsed proxy URL. */
static char *shown_from(CURLU *u)
{
	char *scheme = url_part(u, CURLUPART_SCHEME), *user = url_part(u, CURLUPART_USER),
	     *pass = url_part(u, CURLUPART_PASSWORD), *host = url_part(u, CURLUPART_HOST),
	     *port = url_part(u, CURLUPART_PORT), *out = NULL;

	if (scheme && host &&
	    asprintf(&out, "%s://%s%s%s%s%s%s", scheme, user ? user : "",
		     user && pass ? ":***" : "", user ? "@" : "", host, port ? ":" : "",
		     port ? port : "") < 0)
		out = NULL;
	if (out && strlen(out) > PROXY_SHOWN_MAX)
		strcpy(out + PROXY_SHOWN_MAX - 3, "...");
	free(scheme);
	free(user);
	if (pass)
		explicit_bzero(pass, strlen(pass));
	free(pass);
	free(host);
	free(port);
	return out;
}

/* A proxy without a scheme is an http proxy, as in git and curl. */
static int parse_proxy(CURLU **out, const char *proxy)
{
	CURLU *u = curl_url();
	char *scheme = NULL;
	int ok = 0;

	*out = NULL;
	if (u == NULL)
		return rl_error_set(RL_ENOMEM, "out of memory");
	if (!has_control(proxy) &&
	    curl_url_set(u, CURLUPART_URL, proxy, CURLU_GUESS_SCHEME | CURLU_NON_SUPPORT_SCHEME) ==
		    CURLUE_OK &&
	    curl_url_get(u, CURLUPART_SCHEME, &scheme, 0) == CURLUE_OK) {
		for (size_t i = 0; i < sizeof(proxy_schemes) / sizeof(*proxy_schemes); i++)
			ok |= strcasecmp(scheme, proxy_schemes[i]) == 0;
	}
	curl_free(scheme);
	if (!ok) {
		char *shown = shown_from(u);
		curl_url_cleanup(u);
		/* Never the raw value: it may hold a password. */
		rl_error_set(RL_EINVAL, "unusable proxy '%s': want [http|https|socks4|socks4a|"
			     "socks5|socks5h://][user:password@]host[:port]",
			     shown ? shown : "(unparsable)");
		free(shown);
		return RL_EINVAL;
	}
	*out = u;
	return 0;
}

static int set_proxy(struct fetch_net_info *info, CURL *e, const rl_fetch_net *net)
{
	CURLU *u = NULL;
	char *port;
	int rc;

	/* Empty strings, not NULL: NULL would let libcurl read the environment. */
	curl_easy_setopt(e, CURLOPT_NOPROXY, empty(net->no_proxy) ? "" : net->no_proxy);
	if (empty(net->proxy)) {
		curl_easy_setopt(e, CURLOPT_PROXY, "");
		return 0;
	}
	if ((rc = parse_proxy(&u, net->proxy)) < 0)
		return rc;
	info->proxy_shown = shown_from(u);
	info->proxy_host = url_part(u, CURLUPART_HOST);
	info->proxy_secret = url_part(u, CURLUPART_PASSWORD);
	if ((port = url_part(u, CURLUPART_PORT)) != NULL)
		info->proxy_port = strtol(port, NULL, 10);
	free(port);
	curl_url_cleanup(u);
	if (info->proxy_shown == NULL || info->proxy_host == NULL)
		return rl_error_set(RL_ENOMEM, "out of memory");
	if (info->proxy_port == 0) /* libcurl's defaults */
		info->proxy_port = strncasecmp(info->proxy_shown, "https:", 6) == 0 ? 443 : 1080;
	curl_easy_setopt(e, CURLOPT_PROXY, net->proxy);
	return 0;
}

/* The first line of the file, for CURLOPT_KEYPASSWD; wiped right after. */
static int set_key_password(CURL *e, const char *file)
{
	char pass[RL_FETCH_MAX_PASSPHRASE + 2];
	size_t n;
	FILE *f;

	if ((f = fopen(file, "r")) == NULL)
		return rl_error_set(RL_EINVAL, "cannot read the key passphrase file '%s': %s", file,
				    strerror(errno));
	n = fread(pass, 1, sizeof(pass) - 1, f);
	fclose(f);
	pass[n] = '\0';
	pass[strcspn(pass, "\r\n")] = '\0';
	n = strlen(pass);
	if (n > RL_FETCH_MAX_PASSPHRASE) {
		explicit_bzero(pass, sizeof(pass));
		return rl_error_set(RL_EINVAL, "key passphrase file '%s': first line longer than %d "
				    "bytes", file, RL_FETCH_MAX_PASSPHRASE);
	}
	curl_easy_setopt(e, CURLOPT_KEYPASSWD, pass);
	explicit_bzero(pass, sizeof(pass));
	return 0;
}

static void set_tls(CURL *e, const rl_fetch_net *net)
{
	if (!empty(net->ca_info))
		curl_easy_setopt(e, CURLOPT_CAINFO, net->ca_info);
	if (!empty(net->ca_path))
		curl_easy_setopt(e, CURLOPT_CAPATH, net->ca_path);
	if (net->insecure) {
		/* As git does for http.sslVerify=false: neither chain nor name. */
		curl_easy_setopt(e, CURLOPT_SSL_VERIFYPEER, 0L);
		curl_easy_setopt(e, CURLOPT_SSL_VERIFYHOST, 0L);
	}
	if (!empty(net->cert))
		curl_easy_setopt(e, CURLOPT_SSLCERT, net->cert);
	if (!empty(net->key))
		curl_easy_setopt(e, CURLOPT_SSLKEY, net->key);
}

int fetch_net_apply(struct fetch_net_info *info, CURL *e, const rl_fetch_net *net)
{
	int rc;

	memset(info, 0, sizeof(*info));
	if ((rc = set_proxy(info, e, net)) < 0)
		return rc;
	set_tls(e, net);
	if (!empty(net->key_password_file) && (rc = set_key_password(e, net->key_password_file)) < 0)
		return rc;
	switch (net->version) {
	case RL_FETCH_HTTP_1_1:
		curl_easy_setopt(e, CURLOPT_HTTP_VERSION, (long)CURL_HTTP_VERSION_1_1);
		break;
	case RL_FETCH_HTTP_2:
		/* git's mapping of http.version=HTTP/2. */
		curl_easy_setopt(e, CURLOPT_HTTP_VERSION, (long)CURL_HTTP_VERSION_2_0);
		break;
	default:
		curl_easy_setopt(e, CURLOPT_HTTP_VERSION, (long)CURL_HTTP_VERSION_2TLS);
		break;
	}
	return 0;
}

void fetch_net_info_release(struct fetch_net_info *info)
{
	if (info->proxy_secret)
		explicit_bzero(info->proxy_secret, strlen(info->proxy_secret));
	free(info->proxy_secret);
	free(info->proxy_shown);
	free(info->proxy_host);
	memset(info, 0, sizeof(*info));
}

char *rl_fetch_proxy_shown(const char *proxy)
{
	CURLU *u = NULL;
	char *out;

	if (proxy == NULL)
		return NULL;
	if (*proxy == '\0')
		return rl_strdup("");
	if (parse_proxy(&u, proxy) < 0) {
		rl_error_clear();
		return rl_strdup("(unusable proxy)");
	}
	out = shown_from(u);
	curl_url_cleanup(u);
	return out;
}

void fetch_scrub(char *message, const char *secret)
{
	size_t n;
	char *p;

	if (message == NULL || secret == NULL || (n = strlen(secret)) < 3)
		return;
	while ((p = strstr(message, secret)) != NULL) {
		memcpy(p, "***", 3);
		memmove(p + 3, p + n, strlen(p + n) + 1);
	}
}
