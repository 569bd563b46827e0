/*
 * run_http.c - a source's TLS, proxy and HTTP settings into its requests.
 *
 * Three places, the first set wins, setting by setting: the source's own
 * section ([source "anp"] sslCAInfo = ...), git's http.* at any level git
 * reads (the archive's config, ~/.gitconfig, /etc/gitconfig), and the
 * environment the command line passed (http_proxy, SSL_CERT_FILE, ...).
 * An empty value at a higher place clears a lower one: `proxy = ""` in a
 * source fetches it directly whatever http_proxy says.
 */
#include "redline/config.h"
#include "redline/fetch.h"
#include "run_internal.h"

#include <string.h>
#include <strings.h>

static const char *first(const char *a, const char *b)
{
	return a ? a : b;
}

/* As libcurl and git choose from the environment: by the URL's scheme,
 * all_proxy when that one is unset. */
static const char *proxy_from_env(const rl_run_env *env, const char *url)
{
	const char *p;

	if (env == NULL)
		return NULL;
	p = strncasecmp(url, "https:", 6) == 0 ? env->https_proxy
	  : strncasecmp(url, "http:", 5) == 0 ? env->http_proxy : NULL;
	return p && *p ? p : env->all_proxy;
}

void run_http_request(rl_fetch_request *req, const struct job *job)
{
	const struct cycle *cy = job->cycle;
	const rl_run_env *env = cy->opts->env;
	rl_http_config h;

	rl_http_config_effective(&h, &job->cfg->http, &cy->http);
	/* ~/.netrc as the command line found it (watch: before this cycle);
	 * the library reads no environment. */
	req->netrc_file = env ? env->netrc_file : NULL;
	req->net.ca_info = first(h.ssl_ca_info, env ? env->ca_file : NULL);
	req->net.ca_path = first(h.ssl_ca_path, env ? env->ca_dir : NULL);
	req->net.insecure = h.ssl_verify == 0;
	req->net.cert = h.ssl_cert;
	req->net.key = h.ssl_key;
	req->net.key_password_file = h.ssl_key_password_file;
	req->net.proxy = first(h.proxy, proxy_from_env(env, req->url));
	/* git applies no_proxy to a configured proxy too. */
	req->net.no_proxy = env ? env->no_proxy : NULL;
	req->net.version = h.version == RL_HTTP_VERSION_1_1 ? RL_FETCH_HTTP_1_1
			 : h.version == RL_HTTP_VERSION_2 ? RL_FETCH_HTTP_2 : RL_FETCH_HTTP_DEFAULT;
	/* `user-agent` of the source (redline add --user-agent) stays first. */
	if (job->cfg->user_agent == NULL && h.user_agent && *h.user_agent)
		req->user_agent = h.user_agent;
	/* 0 keeps the default: redline never fetches without a speed floor. */
	if (h.low_speed_limit > 0)
		req->low_speed_limit = h.low_speed_limit;
	if (h.low_speed_time > 0)
		req->low_speed_time_s = h.low_speed_time;
}

void run_http_warn(struct job *job)
{
	rl_http_config h;

	rl_http_config_effective(&h, &job->cfg->http, &job->cycle->http);
	if (h.ssl_verify == 0)
		run_emit(job->cycle, job->cfg->name, RL_RUN_WARNING, job->cfg->url, 0,
			 "TLS certificate verification is OFF (http.sslVerify = false): "
			 "anyone on the network path can forge what this source fetches", NULL);
}
