/*
 * output_url.c - a URL fit to print (output.h).  Apart from output.c
 * because it needs the URL parser (libcurl's): the light command line of
 * log/show/diff (light/main_light.c) links output.c without loading
 * libcurl.
 */
#include "output.h"
#include "redline/url.h"

#include <stdio.h>
#include <stdlib.h>

const char *out_url(char *buf, size_t size, const char *url)
{
	char *plain = NULL;

	if (url == NULL)
		return NULL;
	if (rl_url_strip_userinfo(&plain, url) < 0) {
		snprintf(buf, size, "(unprintable URL)");
		return buf;
	}
	snprintf(buf, size, "%s", plain);
	free(plain);
	return buf;
}
