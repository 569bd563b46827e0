/*
 * redline/source.h - checking a source's settings before they are saved.
 */
#ifndef REDLINE_SOURCE_H
#define REDLINE_SOURCE_H

#include "redline/config.h"

/** Checks everything a user can get wrong in a source, with a message that
 *  names it: the name, the URL (http, https or file), the XPath selectors
 *  (they must compile), the ignore patterns (PCRE2), the headers
 *  ("Name: value", no newlines) and the intervals. */
int rl_source_check(const rl_source_config *config);

#endif
