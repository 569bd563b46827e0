/* util/file.c: rl_file_mkdir_parent() makes the folders above a file (and
 * leaves the file's own name alone), is content when they are there or
 * when the name has no folder, and refuses a name too long to hold. */
#include "testutil.h"
#include "redline/error.h"
#include "redline/file.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

static int is_dir(const char *path)
{
	struct stat sb;
	return stat(path, &sb) == 0 && S_ISDIR(sb.st_mode);
}

static void test_mkdir_parent(void **state)
{
	char *dir = tu_tmpdir(), path[512], long_name[5000];
	struct stat sb;

	(void)state;
	snprintf(path, sizeof(path), "%s/a/b/c/states.log", dir);
	assert_int_equal(rl_file_mkdir_parent(path), 0);
	snprintf(path, sizeof(path), "%s/a/b/c", dir);
	assert_true(is_dir(path));
	snprintf(path, sizeof(path), "%s/a/b/c/states.log", dir);
	assert_int_not_equal(stat(path, &sb), 0); /* the file itself is not made */
	assert_int_equal(rl_file_mkdir_parent(path), 0); /* there already */
	assert_int_equal(rl_file_mkdir_parent("states.log"), 0); /* no folder */
	memset(long_name, 'x', sizeof(long_name) - 1);
	long_name[0] = '/';
	long_name[4500] = '/';
	long_name[sizeof(long_name) - 1] = '\0';
	assert_int_equal(rl_file_mkdir_parent(long_name), RL_EINVAL);
	rl_error_clear();
	tu_rmtree(dir);
	free(dir);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_mkdir_parent),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
