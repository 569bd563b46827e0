/*
 * fetch_scope_internal.h - where a request may go and what it may carry
 * there (fetch_scope.c), for fetch.c.  Not a public header.
 */
#ifndef REDLINE_FETCH_SCOPE_INTERNAL_H
#define REDLINE_FETCH_SCOPE_INTERNAL_H

#include <sys/socket.h>

/** 1 for a loopback, link-local, private, unspecified, shared (100.64/10) or
 *  multicast address, IPv4 or IPv6 (v4-mapped ones by their IPv4 address). */
int fetch_sockaddr_is_private(const struct sockaddr *sa);

/** 1 when both URLs have the same scheme, host and port (defaults filled
 *  in, case folded); 0 otherwise or when either cannot be parsed. */
int fetch_same_origin(const char *a, const char *b);

#endif
