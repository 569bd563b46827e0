/*
 * timeutil.c - ISO 8601 parsing and formatting, always via UTC.
 */
#include "redline/timeutil.h"
#include "redline/error.h"

#include <stdio.h>
#include <string.h>
#include <time.h>

static int digits(const char *s, int n, int *out)
{
	int v = 0;
	for (int i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		v = v * 10 + (s[i] - '0');
	}
	*out = v;
	return 0;
}

int rl_time_parse_iso8601(int64_t *out, const char *text)
{
	struct tm tm = { 0 };
	int y, mo, d, h = 0, mi = 0, s = 0, offset = 0;
	const char *p = text;
	time_t t;

	if (strlen(text) > 40 || digits(p, 4, &y) || p[4] != '-' || digits(p + 5, 2, &mo) ||
	    p[7] != '-' || digits(p + 8, 2, &d))
		goto bad;
	p += 10;
	if (*p == 'T' || *p == 't' || *p == ' ') {
		if (digits(p + 1, 2, &h) || p[3] != ':' || digits(p + 4, 2, &mi))
			goto bad;
		p += 6;
		if (*p == ':') {
			if (digits(p + 1, 2, &s))
				goto bad;
			p += 3;
			if (*p == '.') /* fractions of a second are dropped */
				while (*++p >= '0' && *p <= '9')
					;
		}
		if (*p == 'Z' || *p == 'z') {
			p++;
		} else if (*p == '+' || *p == '-') {
			int oh, om;
			if (digits(p + 1, 2, &oh))
				goto bad;
			if (p[3] == ':' ? digits(p + 4, 2, &om) : digits(p + 3, 2, &om))
				goto bad;
			offset = (oh * 60 + om) * 60 * (*p == '-' ? -1 : 1);
			p += p[3] == ':' ? 6 : 5;
		}
	}
	if (*p != '\0' || mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 || s > 60)
		goto bad;
	tm.tm_year = y - 1900;
	tm.tm_mon = mo - 1;
	tm.tm_mday = d;
	tm.tm_hour = h;
	tm.tm_min = mi;
	tm.tm_sec = s;
	t = timegm(&tm);
	if (t == (time_t)-1)
		goto bad;
	*out = (int64_t)t - offset;
	return 0;
bad:
	return rl_error_set(RL_EINVAL, "not an ISO 8601 time: '%s' (e.g. 2026-11-28T10:00:00Z)",
			    text);
}

void rl_time_format_iso8601(char out[RL_TIME_ISO_SIZE], int64_t when)
{
	time_t t = (time_t)when;
	struct tm tm;

	if (gmtime_r(&t, &tm) == NULL)
		memset(&tm, 0, sizeof(tm));
	strftime(out, RL_TIME_ISO_SIZE, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

int64_t rl_time_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}
