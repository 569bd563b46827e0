/* Compiled by ctest with the util layer's include path only: util must not
 * see the archive layer's headers, so this must fail with "No such file". */
#include "redline/archive.h"
int main(void) { return 0; }
