/*
 * change.c - names of the kinds of change (change.h).
 */
#include "redline/change.h"

const char *rl_change_kind_name(rl_change_kind kind)
{
	static const char *const names[] = { "edited", "new", "gone", "back", "moved", "removed" };
	return (unsigned)kind < 6 ? names[kind] : "unknown";
}
