/*
 * source.c - validating source settings, so that a typo is an error at
 * `redline add` time, not a silent empty page at 3 a.m.
 */
#include "redline/source.h"
#include "redline/error.h"
#include "redline/normalise.h"
#include "redline/path.h"

#include <libxml/xpath.h>
#include <string.h>

static int check_xpath(const char *what, const char *expr)
{
	xmlXPathCompExprPtr comp;

	if (expr == NULL)
		return 0;
	if ((comp = xmlXPathCompile((const xmlChar *)expr)) == NULL)
		return rl_error_set(RL_EINVAL, "%s is not a valid XPath expression: '%s'", what, expr);
	xmlXPathFreeCompExpr(comp);
	return 0;
}

int rl_source_check(const rl_source_config *cfg)
{
	rl_normaliser *normaliser = NULL;
	int error;

	if ((error = rl_path_source_name_check(cfg->name)) < 0)
		return error;
	if (cfg->url && strncmp(cfg->url, "http://", 7) != 0 && strncmp(cfg->url, "https://", 8) != 0 &&
	    strncmp(cfg->url, "file://", 7) != 0)
		return rl_error_set(RL_EINVAL, "source URL must be http://, https:// or file://: '%s'",
				    cfg->url);
	if ((error = check_xpath("--select-item", cfg->select_item)) < 0 ||
	    (error = check_xpath("--select-title", cfg->select_title)) < 0 ||
	    (error = check_xpath("--select-link", cfg->select_link)) < 0 ||
	    (error = check_xpath("--select-body", cfg->select_body)) < 0)
		return error;
	if ((error = rl_normaliser_new(&normaliser, (const char *const *)cfg->ignore.v,
				       cfg->ignore.n)) < 0)
		return error;
	rl_normaliser_free(normaliser);
	for (size_t i = 0; i < cfg->headers.n; i++) {
		const char *h = cfg->headers.v[i], *colon = strchr(h, ':');
		if (colon == NULL || colon == h || strpbrk(h, "\r\n") != NULL)
			return rl_error_set(RL_EINVAL, "header must be 'Name: value' on one line: '%s'", h);
	}
	if (cfg->user_agent && strpbrk(cfg->user_agent, "\r\n"))
		return rl_error_set(RL_EINVAL, "user agent must be one line");
	if (cfg->every_seconds < 0 || cfg->timeout_seconds < 0)
		return rl_error_set(RL_EINVAL, "intervals must be positive");
	return 0;
}
