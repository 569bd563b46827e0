/*
 * redline/buf.h - bounded growable buffers and string vectors.
 *
 * Every buffer that holds input from the network or a file has a hard
 * maximum (like curl's dynbuf): growing past it fails with RL_ETOOBIG and
 * leaves the buffer as it was.  Contents are always NUL-terminated, so a
 * text buffer can be used as a C string.
 */
#ifndef REDLINE_BUF_H
#define REDLINE_BUF_H

#include <stdarg.h>
#include <stddef.h>

typedef struct rl_buf {
	char *ptr;   /* NUL-terminated contents, NULL until the first write */
	size_t len;  /* bytes used, not counting the NUL */
	size_t cap;  /* bytes allocated */
	size_t max;  /* hard maximum of len */
} rl_buf;

#define RL_BUF_INIT(maximum) { NULL, 0, 0, (maximum) }

/** Prepares an empty buffer that may grow to `max` bytes. */
void rl_buf_init(rl_buf *buf, size_t max);

/** Appends `len` bytes; RL_ETOOBIG past the maximum, RL_ENOMEM. */
int rl_buf_put(rl_buf *buf, const void *data, size_t len);
/** Appends a C string (without its NUL). */
int rl_buf_puts(rl_buf *buf, const char *str);
/** Appends one byte. */
int rl_buf_putc(rl_buf *buf, char c);
/** Appends printf-formatted text; RL_ETOOBIG past the maximum. */
int rl_buf_printf(rl_buf *buf, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/** Makes sure `extra` more bytes fit without reallocation. */
int rl_buf_grow(rl_buf *buf, size_t extra);

/** Gives back the memory beyond the contents (for a buffer that is kept,
 *  unchanged, long after it was filled).  Never fails: a refused realloc
 *  leaves the buffer as it was. */
void rl_buf_shrink(rl_buf *buf);

/** Empties the buffer but keeps its memory. */
void rl_buf_clear(rl_buf *buf);

/** Frees the memory; the buffer is empty and reusable after it. */
void rl_buf_release(rl_buf *buf);

/** Hands the contents to the caller (free() them) and empties the buffer.
 *  Never NULL for a buffer that was written to; "" (allocated) otherwise. */
char *rl_buf_detach(rl_buf *buf);

/** Room for one more element in a growable array `*(T **)array` of `n`
 *  elements of `elem_size` bytes: when n == *cap, doubles *cap (the first
 *  time to `first`) and reallocates.  RL_ENOMEM with a message; the array
 *  is untouched then. */
int rl_array_grow(void *array, size_t *cap, size_t n, size_t elem_size, size_t first);

/** A vector of owned strings. */
typedef struct rl_strvec {
	char **v;
	size_t n;
	size_t cap;
} rl_strvec;

#define RL_STRVEC_INIT { NULL, 0, 0 }

/** Appends a copy of `str`. */
int rl_strvec_push(rl_strvec *vec, const char *str);
/** Appends a copy of the first `len` bytes of `str`. */
int rl_strvec_pushn(rl_strvec *vec, const char *str, size_t len);
/** Appends `str` itself, taking ownership (freed even on failure). */
int rl_strvec_push_owned(rl_strvec *vec, char *str);
/** Frees every string and the vector; it is empty and reusable after it. */
void rl_strvec_release(rl_strvec *vec);

/** strdup() that sets an error on failure; NULL in gives NULL out. */
char *rl_strdup(const char *str);
/** strndup() that sets an error on failure. */
char *rl_strndup(const char *str, size_t len);

#endif
