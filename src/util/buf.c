/*
 * buf.c - bounded growable buffers and string vectors.
 */
#include "redline/buf.h"
#include "redline/error.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void rl_buf_init(rl_buf *buf, size_t max)
{
	buf->ptr = NULL;
	buf->len = 0;
	buf->cap = 0;
	buf->max = max;
}

int rl_buf_grow(rl_buf *buf, size_t extra)
{
	size_t need, cap;
	char *p;

	if (extra > buf->max || buf->len > buf->max - extra)
		return rl_error_set(RL_ETOOBIG, "input larger than %zu bytes", buf->max);
	need = buf->len + extra + 1;
	if (need <= buf->cap)
		return 0;
	cap = buf->cap ? buf->cap : 64;
	while (cap < need)
		cap = cap > SIZE_MAX / 2 ? need : cap * 2;
	if (cap > buf->max + 1)
		cap = buf->max + 1;
	if ((p = realloc(buf->ptr, cap)) == NULL)
		return rl_error_set(RL_ENOMEM, "out of memory");
	buf->ptr = p;
	buf->cap = cap;
	return 0;
}

void rl_buf_shrink(rl_buf *buf)
{
	char *p;

	if (buf->ptr == NULL || buf->cap <= buf->len + 1)
		return;
	if ((p = realloc(buf->ptr, buf->len + 1)) != NULL) {
		buf->ptr = p;
		buf->cap = buf->len + 1;
	}
}

int rl_buf_put(rl_buf *buf, const void *data, size_t len)
{
	int error;

	/* Room for it and the NUL: within `max` too, as rl_buf_grow() never
	 * makes cap pass max + 1 (a caller that lowers max later checks the
	 * length itself, as story.c does). */
	if (buf->cap - buf->len <= len && (error = rl_buf_grow(buf, len)) < 0)
		return error;
	if (len)
		memcpy(buf->ptr + buf->len, data, len);
	buf->len += len;
	buf->ptr[buf->len] = '\0';
	return 0;
}

int rl_buf_puts(rl_buf *buf, const char *str)
{
	return rl_buf_put(buf, str, strlen(str));
}

int rl_buf_putc(rl_buf *buf, char c)
{
	return rl_buf_put(buf, &c, 1);
}

int rl_buf_printf(rl_buf *buf, const char *fmt, ...)
{
	va_list ap;
	int n, error;

	va_start(ap, fmt);
	n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n < 0)
		return rl_error_set(RL_EINVAL, "bad format string");
	if ((error = rl_buf_grow(buf, (size_t)n)) < 0)
		return error;
	va_start(ap, fmt);
	vsnprintf(buf->ptr + buf->len, (size_t)n + 1, fmt, ap);
	va_end(ap);
	buf->len += (size_t)n;
	return 0;
}

void rl_buf_clear(rl_buf *buf)
{
	buf->len = 0;
	if (buf->ptr)
		buf->ptr[0] = '\0';
}

void rl_buf_release(rl_buf *buf)
{
	free(buf->ptr);
	buf->ptr = NULL;
	buf->len = buf->cap = 0;
}

char *rl_buf_detach(rl_buf *buf)
{
	char *p = buf->ptr;

	if (p == NULL)
		p = calloc(1, 1);
	buf->ptr = NULL;
	buf->len = buf->cap = 0;
	return p;
}

int rl_strvec_push_owned(rl_strvec *vec, char *str)
{
	if (str == NULL)
		return rl_error_set(RL_ENOMEM, "out of memory");
	if (vec->n == vec->cap) {
		size_t cap = vec->cap ? vec->cap * 2 : 8;
		char **v = realloc(vec->v, cap * sizeof(*v));
		if (v == NULL) {
			free(str);
			return rl_error_set(RL_ENOMEM, "out of memory");
		}
		vec->v = v;
		vec->cap = cap;
	}
	vec->v[vec->n++] = str;
	return 0;
}

int rl_strvec_push(rl_strvec *vec, const char *str)
{
	return rl_strvec_push_owned(vec, strdup(str));
}

int rl_strvec_pushn(rl_strvec *vec, const char *str, size_t len)
{
	return rl_strvec_push_owned(vec, strndup(str, len));
}

void rl_strvec_release(rl_strvec *vec)
{
	for (size_t i = 0; i < vec->n; i++)
		free(vec->v[i]);
	free(vec->v);
	vec->v = NULL;
	vec->n = vec->cap = 0;
}

char *rl_strdup(const char *str)
{
	char *p;

	if (str == NULL)
		return NULL;
	if ((p = strdup(str)) == NULL)
		rl_error_set(RL_ENOMEM, "out of memory");
	return p;
}

char *rl_strndup(const char *str, size_t len)
{
	char *p;

	if (str == NULL)
		return NULL;
	if ((p = strndup(str, len)) == NULL)
		rl_error_set(RL_ENOMEM, "out of memory");
	return p;
}

int rl_array_grow(void *array, size_t *cap, size_t n, size_t elem_size, size_t first)
{
	void *v, *grown;
	size_t want;

	if (n < *cap)
		return 0;
	want = *cap ? *cap * 2 : first;
	if (want <= *cap || want > SIZE_MAX / elem_size)
		return rl_error_set(RL_ENOMEM, "out of memory");
	/* through memcpy: `array` points to a T *, not a void * */
	memcpy(&v, array, sizeof(v));
	if ((grown = realloc(v, want * elem_size)) == NULL)
		return rl_error_set(RL_ENOMEM, "out of memory");
	memcpy(array, &grown, sizeof(grown));
	*cap = want;
	return 0;
}
