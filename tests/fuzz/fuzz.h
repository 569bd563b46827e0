/*
 * fuzz.h - what the libFuzzer harnesses share (tests/fuzz/README.md).
 * Each harness feeds one parser of outside bytes; a crash, a leak, an
 * out-of-bounds access or undefined behaviour is a finding, and becomes a
 * regression input in tests/fuzz/regressions/<harness>/.
 */
#ifndef REDLINE_FUZZ_H
#define REDLINE_FUZZ_H

#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "redline/error.h"

/* The input as a NUL-terminated string (the caller frees it). */
static inline char *fuzz_cstr(const uint8_t *data, size_t size)
{
	char *s = malloc(size + 1);
	if (s) {
		memcpy(s, data, size);
		s[size] = '\0';
	}
	return s;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#endif
