/* What redline reads back from its own archive, which a disk, a crash or a
 * person may have garbled: the JSON state and fetch-schedule caches, the
 * store of states (first byte 0xff) and the git config's source values.  The first byte picks which; the rest is the
 * file.  A bad cache must be rebuilt or refused, never trusted or crashed on. */
#include "fuzz.h"
#include "redline/archive.h"
#include "redline/config.h"
#include "redline/file.h"
#include "redline/format.h"
#include "redline/hash.h"
#include "redline/schedule.h"
#include "redline/state.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static rl_archive *archive;
static char dir[] = "/tmp/redline-fuzz-XXXXXX";

static void setup(void)
{
	char path[512];
	if (mkdtemp(dir) == NULL)
		abort();
	snprintf(path, sizeof(path), "%s/a.git", dir);
	if (rl_archive_init(&archive, path) < 0)
		abort();
	snprintf(path, sizeof(path), "%s/a.git/redline/state", dir);
	rl_file_mkdir_p(path);
	snprintf(path, sizeof(path), "%s/a.git/redline/fetch", dir);
	rl_file_mkdir_p(path);
}

static void states_log(const uint8_t *data, size_t size)
{
	char path[512], apath[512];
	rl_archive *a = NULL;
	rl_state *st = NULL;

	snprintf(path, sizeof(path), "%s/a.git/redline/states.log", dir);
	rl_file_write_cache(path, data, size);
	snprintf(apath, sizeof(apath), "%s/a.git", dir);
	if (rl_archive_open(&a, apath) < 0)
		abort();
	if (rl_state_load(&st, a, "src") == 0) {
		/* a save appends after what parsed, cutting a torn tail */
		if (rl_state_save(st, a) < 0)
			abort();
		rl_state_free(st);
		st = NULL;
		if (rl_state_load(&st, a, "src") < 0 || st->rebuilt)
			abort(); /* what was just saved is read back */
		rl_state_free(st);
	}
	rl_archive_free(a);
	unlink(path);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char path[512], *s;
	int which, seconds;
	rl_format f;

	if (archive == NULL)
		setup();
	if (size < 1)
		return 0;
	/* 0xff: the bytes as the store of states (redline/states.log), read
	 * by a fresh handle, then a state put on top of them */
	if (data[0] == 0xff) {
		states_log(data + 1, size - 1);
		return 0;
	}
	which = data[0] % 5;
	data++;
	size--;
	if (which == 0) {
		rl_state *st = NULL;
		rl_strvec ids = RL_STRVEC_INIT, paths = RL_STRVEC_INIT;
		char *found = NULL;
		snprintf(path, sizeof(path), "%s/a.git/redline/state/src.json", dir);
		rl_file_write_cache(path, data, size);
		if (rl_state_load(&st, archive, "src") == 0)
			rl_state_free(st);
		/* the same bytes as the archive's list of known ids (and a
		 * table left from the input before): skipped lines, no crash */
		snprintf(path, sizeof(path), "%s/a.git/redline/known.ids", dir);
		rl_file_write_cache(path, data, size);
		if (rl_state_lookup_known(&found, archive, "src", "aaaaaaaaaaaa") == 0)
			free(found);
		rl_state_recent_known(&ids, &paths, archive, "src", 200);
		rl_strvec_release(&ids);
		rl_strvec_release(&paths);
	} else if (which == 3 && size > 0 && data[0] == '{') {
		/* The same with the right sum in front, so that the JSON is read. */
		char *summed = malloc(size + 64), hex[RL_HASH_HEX_SIZE];
		rl_state *st = NULL;
		int n;
		if (summed == NULL)
			return 0;
		rl_hash128_hex(hex, rl_hash128_bytes(data + 1, size - 1));
		n = sprintf(summed, "{\"sum\":\"%s\",", hex);
		memcpy(summed + n, data + 1, size - 1);
		snprintf(path, sizeof(path), "%s/a.git/redline/state/src.json", dir);
		rl_file_write_cache(path, summed, (size_t)n + size - 1);
		free(summed);
		if (rl_state_load(&st, archive, "src") == 0)
			rl_state_free(st);
	} else if (which == 1 || which == 4) {
		/* An older archive's file of the source, or the archive-wide one. */
		rl_schedule_state *fs = NULL;
		snprintf(path, sizeof(path), "%s/a.git/redline/fetch", dir);
		if (which == 1)
			rl_file_mkdir_p(path); /* a save removes it once emptied */
		snprintf(path, sizeof(path), "%s/a.git/redline/%s", dir,
			 which == 1 ? "fetch/src.json" : "fetch.json");
		rl_file_write_cache(path, data, size);
		if (rl_schedule_load(&fs, archive, "src") == 0) {
			if (rl_schedule_save(fs, archive) < 0)
				abort(); /* a damaged file is replaced, never a failure */
			rl_schedule_free(fs);
		}
	} else if ((s = fuzz_cstr(data, size)) != NULL) {
		rl_source_config **list = NULL;
		size_t n = 0;
		FILE *f_cfg;
		rl_config_parse_interval(&seconds, s);
		rl_format_parse(&f, s);
		snprintf(path, sizeof(path), "%s/a.git/config", dir);
		if ((f_cfg = fopen(path, "w")) != NULL) {
			fprintf(f_cfg, "[core]\n\tbare = true\n[source \"src\"]\n");
			fwrite(s, 1, size, f_cfg);
			fclose(f_cfg);
		}
		/* A fresh handle: libgit2 caches the config it read. */
		rl_archive_free(archive);
		snprintf(path, sizeof(path), "%s/a.git", dir);
		if (rl_archive_open(&archive, path) < 0) {
			/* Refused as a whole (a clear error): start again from a good one. */
			snprintf(path, sizeof(path), "%s/a.git/config", dir);
			static const char good[] = "[core]\n\tbare = true\n";
			rl_file_write_cache(path, good, strlen(good));
			snprintf(path, sizeof(path), "%s/a.git", dir);
			if (rl_archive_open(&archive, path) < 0)
				abort();
		}
		if (rl_config_source_load_all(&list, &n, archive) == 0)
			rl_config_source_list_free(list, n);
		free(s);
	}
	rl_error_clear();
	return 0;
}
