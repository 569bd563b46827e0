/* The control for upward_include.c: a util header is visible to util. */
#include "redline/error.h"
int main(void) { return 0; }
