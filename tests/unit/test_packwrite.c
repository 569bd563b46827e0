/* The batch's own pack writer (src/archive/packwrite*.c): its .idx is the
 * one `git index-pack` writes for the same pack, byte for byte (also with
 * offsets in the 64-bit table); `git verify-pack` and `git fsck --strict`
 * accept what it writes; delta chains stop at 50; the batch reads its own
 * objects back, from the cache and from the file; a dropped batch leaves no
 * file; the delta routines round-trip; blobs packed ahead, off the
 * writer's thread (rl_archive_blob_pack), give the very same pack; object
 * ids by the CPU's SHA-1 are libgit2's. */
#include "testutil.h"
#include "redline/archive.h"
#include "redline/buf.h"
#include "redline/deflater.h"
#include "redline/error.h"
#include "../../src/archive/archive_internal.h"
#include "../../src/archive/packwrite_internal.h"

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define T0 1795856400
#define ROOT_ENTRIES 200

/* What a shell command prints; the command must succeed. */
static char *sh_out;
static void sh_reset(void)
{
	free(sh_out);
	sh_out = NULL;
}
static char *sh_check(int status)
{
	if (status != 0)
		fail_msg("command failed (%d):\n%s", status, sh_out ? sh_out : "");
	return sh_out ? sh_out : "";
}
#define sh(...) (sh_reset(), sh_check(tu_sh(&sh_out, __VA_ARGS__)))

static void check_git_reads(const char *dir)
{
	/* The pack passes git's own checks, and git's index of it is ours. */
	sh("cd '%s'/objects/pack && for p in pack-*.pack; do git verify-pack $p >/dev/null && "
	   "git index-pack -o ../../check.idx $p >/dev/null && cmp ../../check.idx ${p%%.pack}.idx "
	   "|| exit 1; done", dir);
	sh("git -C '%s' fsck --strict 2>&1", dir);
}

/* A commit that changes one file in one of ROOT_ENTRIES top folders: every
 * root tree is a new ~6 KB tree one entry away from the previous one. */
static void add_commit(rl_archive_batch *b, int i, const char *text)
{
	char path[64], msg[64];
	rl_archive_file_update u;
	rl_archive_commit_info info = { msg, T0 + i, 0, NULL, NULL };

	snprintf(path, sizeof(path), "s%03d/story-%d.txt", i % ROOT_ENTRIES, i);
	snprintf(msg, sizeof(msg), "commit %d\n", i);
	u.path = path;
	u.data = text;
	u.len = strlen(text);
	assert_int_equal(rl_archive_batch_add(NULL, b, &u, 1, &info), 0);
}

static rl_archive *new_archive(char **dir)
{
	rl_archive *a = NULL;
	*dir = tu_tmpdir();
	assert_int_equal(rl_archive_init(&a, *dir), 0);
	return a;
}

static void test_pack_and_idx_are_gits(void **state)
{
	char *dir, text[128];
	rl_archive *a = new_archive(&dir);
	rl_archive_batch *b = NULL;
	uint64_t deltas;
	int n = ROOT_ENTRIES + 120;

	(void)state;
	assert_int_equal(rl_archive_batch_new(&b, a), 0);
	deltas = a->pw->deltas;
	for (int i = 0; i < n; i++) {
		snprintf(text, sizeof(text), "Story %d\n\nSentence %d of the story.\n", i, i * 7);
		add_commit(b, i, text);
	}
	assert_true(archive_pw_bytes(a->pw) > 0);
	assert_int_equal(rl_archive_batch_commit(b), 0);
	rl_archive_batch_free(b);
	/* The root trees after the first (and the folders written again) are
	 * deltas. */
	assert_true(a->pw->deltas - deltas >= (uint64_t)n - 20);
	assert_int_equal(atoi(sh("ls '%s'/objects/pack/*.pack | wc -l", dir)), 1);
	assert_int_equal(atoi(sh("ls '%s'/objects/pack | grep -c pack_git2_ || true", dir)), 0);
	check_git_reads(dir);
	/* 320 root trees in a chain: split at git's depth of 50. */
	sh("cd '%s'/objects/pack && git verify-pack -v pack-*.pack > ../../vp", dir);
	assert_int_equal(atoi(sh("grep -c '^chain length = 50:' '%s'/vp || true", dir)), 1);
	assert_int_equal(atoi(sh("grep -c '^chain length = 5[1-9]:' '%s'/vp || true", dir)), 0);
	/* The last commit reads back through libgit2's own pack reader. */
	assert_string_equal(sh("git -C '%s' log --format=%%s -1", dir), "commit 319\n");
	assert_int_equal(atoi(sh("git -C '%s' rev-list --count HEAD", dir)), n);
	rl_archive_free(a);
	tu_rmtree(dir);
	free(dir);
}

/* With a small limit every offset above it goes to the 64-bit table, as
 * `git index-pack --index-version=2,LIMIT` puts it. */
static void test_large_offsets_as_git_writes_them(void **state)
{
	char *dir, text[64];
	rl_archive *a = new_archive(&dir);
	rl_archive_batch *b = NULL;

	(void)state;
	a->pw->off32_limit = 0x200;
	assert_int_equal(rl_archive_batch_new(&b, a), 0);
	for (int i = 0; i < 30; i++) {
		snprintf(text, sizeof(text), "Story %d\n", i);
		add_commit(b, i, text);
	}
	assert_int_equal(rl_archive_batch_commit(b), 0);
	rl_archive_batch_free(b);
	sh("cd '%s'/objects/pack && git index-pack --index-version=2,0x200 -o ../../big.idx "
	   "pack-*.pack >/dev/null && cmp ../../big.idx pack-*.idx", dir);
	/* 120 objects, nearly all past 0x200: the table holds 8 bytes each. */
	assert_true(atoi(sh("stat -c %%s '%s'/objects/pack/pack-*.idx", dir)) >
		    8 + 1024 + 120 * 28 + 40 + 100 * 8);
	sh("git -C '%s' fsck --strict 2>&1 && git -C '%s' log -1 >/dev/null", dir, dir);
	rl_archive_free(a);
	tu_rmtree(dir);
	free(dir);
}

static uint32_t be32(const unsigned char *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

/* Offsets past 4 GiB, which no test writes a pack for: the table's layout. */
static void test_idx_writer_64bit_table(void **state)
{
	struct pw_entry e[3];
	unsigned char sha[20], *idx;
	char *dir = tu_tmpdir(), path[4200];
	size_t len, at;
	FILE *f;

	(void)state;
	memset(e, 0, sizeof(e));
	memset(sha, 0xab, sizeof(sha));
	for (int i = 0; i < 3; i++) {
		memset(e[i].id.id, 0x10 * (3 - i), GIT_OID_RAWSZ);
		e[i].crc = 0x1000u + (uint32_t)i;
	}
	e[0].offset = 12;                       /* id 30..: sorted last */
	e[1].offset = (5ull << 30) + 17;        /* 5 GiB: id 20.. */
	e[2].offset = 0x80000000ull;            /* 2 GiB exactly: id 10.., first */
	snprintf(path, sizeof(path), "%s/x.idx", dir);
	f = fopen(path, "w");
	assert_non_null(f);
	assert_int_equal(pw_idx_write(fileno(f), e, 3, sha, PW_OFF32_LIMIT), 0);
	fclose(f);
	idx = (unsigned char *)tu_read_file(path, &len);
	assert_non_null(idx);
	assert_int_equal(len, 8 + 1024 + 3 * 20 + 3 * 4 + 3 * 4 + 2 * 8 + 40);
	assert_int_equal(be32(idx + 4), 2);
	assert_int_equal(be32(idx + 8 + 0x0f * 4), 0);
	assert_int_equal(be32(idx + 8 + 0x10 * 4), 1);
	assert_int_equal(be32(idx + 8 + 255 * 4), 3);
	at = 8 + 1024 + 60;
	assert_int_equal(be32(idx + at), 0x1002); /* crcs follow the sorted ids */
	at += 12;
	assert_int_equal(be32(idx + at), 0x80000000u);     /* 2 GiB: table slot 0 */
	assert_int_equal(be32(idx + at + 4), 0x80000001u); /* 5 GiB: table slot 1 */
	assert_int_equal(be32(idx + at + 8), 12);
	at += 12;
	assert_int_equal(be32(idx + at), 0);
	assert_int_equal(be32(idx + at + 4), 0x80000000u);
	assert_int_equal(be32(idx + at + 8), 1);          /* 5 GiB + 17 = 0x1_4000_0011 */
	assert_int_equal(be32(idx + at + 12), 0x40000011u);
	assert_memory_equal(idx + at + 16, sha, 20);
	/* The last 20 bytes are the SHA-1 of all before them. */
	assert_int_equal(tu_sh(NULL, "test \"$(head -c %zu '%s' | sha1sum | cut -c1-40)\" = "
			      "\"$(tail -c 20 '%s' | od -An -tx1 | tr -d ' \\n')\"",
			      len - 20, path, path), 0);
	free(idx);
	tu_rmtree(dir);
	free(dir);
}

/* Later commits of the batch read earlier ones: the last from the cache,
 * the first from the file once 4 MiB of newer objects pushed it out. */
static void test_batch_reads_its_own_objects(void **state)
{
	char *dir, *big = malloc(700 * 1024), short_id[12];
	rl_archive *a = new_archive(&dir);
	rl_archive_batch *b = NULL;
	rl_buf out = RL_BUF_INIT(4 << 20);
	git_oid first, last, found;
	unsigned seed = 7;

	(void)state;
	assert_non_null(big);
	assert_int_equal(rl_archive_batch_new(&b, a), 0);
	add_commit(b, 0, "The first story\n");
	for (int i = 1; i < 12; i++) {
		/* Hardly compressible, 700 KiB each: the cache cannot hold them all. */
		for (size_t k = 0; k < 700 * 1024 - 1; k++)
			big[k] = (char)('a' + rand_r(&seed) % 26);
		big[700 * 1024 - 1] = '\0';
		add_commit(b, i, big);
	}
	assert_int_equal(rl_archive_batch_commit_id(&first, b, 0), 0);
	assert_int_equal(rl_archive_batch_commit_id(&last, b, 11), 0);
	assert_int_equal(rl_archive_read(&out, a, &first, "s000/story-0.txt"), 0);
	assert_string_equal(out.ptr, "The first story\n");
	assert_int_equal(rl_archive_read(&out, a, &last, "s011/story-11.txt"), 0);
	assert_int_equal(out.len, strlen(big));
	assert_memory_equal(out.ptr, big, out.len);
	assert_int_equal(rl_archive_read(&out, a, NULL, "s000/story-0.txt"), 0);
	/* A short id of a commit that is only in the pack being written. */
	git_oid_tostr(short_id, sizeof(short_id), &first);
	assert_int_equal(rl_archive_resolve(&found, a, short_id), 0);
	assert_true(git_oid_equal(&found, &first));
	assert_int_equal(rl_archive_batch_commit(b), 0);
	rl_archive_batch_free(b);
	check_git_reads(dir);
	rl_buf_release(&out);
	free(big);
	rl_archive_free(a);
	tu_rmtree(dir);
	free(dir);
}

static void test_dropped_batch_leaves_no_file(void **state)
{
	char *dir;
	rl_archive *a = new_archive(&dir);
	rl_archive_batch *b = NULL;

	(void)state;
	assert_int_equal(rl_archive_batch_new(&b, a), 0);
	add_commit(b, 0, "never committed\n");
	assert_int_equal(atoi(sh("ls '%s'/objects/pack | grep -c pack_git2_rl_", dir)), 1);
	rl_archive_batch_free(b);
	assert_string_equal(sh("ls -A '%s'/objects/pack", dir), "");
	assert_int_equal(rl_archive_head(&(git_oid){ { 0 } }, a), RL_ENOTFOUND);
	rl_archive_free(a);
	tu_rmtree(dir);
	free(dir);
}

/* A write that fails midway (the disk full) fails the batch: nothing is
 * committed, no pack is left, and the archive is as it was. */
static void test_failed_write_fails_the_batch(void **state)
{
	char *dir, *big = malloc(600 * 1024);
	rl_archive *a = new_archive(&dir);
	rl_archive_batch *b = NULL;
	rl_archive_file_update u = { "s/big.txt", big, 600 * 1024 - 1 };
	rl_archive_commit_info info = { "big\n", T0, 0, NULL, NULL };
	unsigned seed = 5;
	int full;

	(void)state;
	assert_non_null(big);
	for (size_t k = 0; k < 600 * 1024 - 1; k++)
		big[k] = (char)('a' + rand_r(&seed) % 26);
	big[600 * 1024 - 1] = '\0';
	assert_int_equal(rl_archive_batch_new(&b, a), 0);
	add_commit(b, 0, "fits\n");
	full = open("/dev/full", O_WRONLY);
	assert_true(full >= 0);
	assert_true(dup2(full, a->pw->fd) >= 0);
	close(full);
	assert_int_not_equal(rl_archive_batch_add(NULL, b, &u, 1, &info), 0);
	assert_int_not_equal(rl_archive_batch_commit(b), 0);
	rl_archive_batch_free(b);
	assert_int_equal(rl_archive_head(&(git_oid){ { 0 } }, a), RL_ENOTFOUND);
	assert_string_equal(sh("ls -A '%s'/objects/pack", dir), "");
	sh("git -C '%s' fsck --strict 2>&1", dir);
	free(big);
	rl_archive_free(a);
	tu_rmtree(dir);
	free(dir);
}

static void round_trip(const unsigned char *base, size_t bl, const unsigned char *target, size_t tl,
		       int expect_delta)
{
	unsigned char *d = NULL, *back = NULL;
	size_t dl = 0, backl = 0;

	assert_int_equal(pw_delta_create(&d, &dl, base, bl, target, tl), 0);
	if (!expect_delta) {
		assert_null(d);
		return;
	}
	assert_non_null(d);
	assert_true(dl < tl / 2);
	assert_int_equal(pw_delta_apply(&back, &backl, base, bl, d, dl), 0);
	assert_int_equal(backl, tl);
	assert_memory_equal(back, target, tl);
	free(back);
	/* A delta cut short is refused, not read past its end. */
	assert_int_not_equal(pw_delta_apply(&back, &backl, base, bl, d, dl - 1), 0);
	assert_null(back);
	free(d);
}

static void test_delta_copy_insert_copy(void **state)
{
	size_t n = 300000; /* copies longer than git's 64 KiB per instruction */
	unsigned char *base = malloc(n), *target = malloc(n + 500);
	unsigned seed = 3;

	(void)state;
	for (size_t i = 0; i < n; i++)
		base[i] = (unsigned char)rand_r(&seed);
	/* One entry replaced in the middle, 300 bytes inserted. */
	memcpy(target, base, 150000);
	memset(target + 150000, 'x', 800);
	memcpy(target + 150800, base + 150500, n - 150500);
	round_trip(base, n, target, n + 300, 1);
	/* Appended at the end; cut from the front. */
	memcpy(target, base, n);
	memset(target + n, 'y', 100);
	round_trip(base, n, target, n + 100, 1);
	round_trip(base, n, base + 1000, n - 1000, 1);
	/* Nothing in common: no delta. */
	for (size_t i = 0; i < n; i++)
		target[i] = (unsigned char)~base[i];
	round_trip(base, n, target, n, 0);
	free(base);
	free(target);
}

/* Appends a tree entry "40000 NAME\0" + a 20-byte id of `fill`. */
static size_t tree_entry(unsigned char *p, const char *name, unsigned char fill)
{
	size_t n = (size_t)sprintf((char *)p, "40000 %s", name) + 1;
	memset(p + n, fill, 20);
	return n + 20;
}

/* Two entries apart, at the two ends (a root tree whose .captures folder
 * changed and a source added): copies and inserts, not a rewrite. */
static void test_tree_delta_by_entries(void **state)
{
	unsigned char base[100 * 40], target[101 * 40], *d = NULL, *back = NULL;
	size_t bl = 0, tl = 0, dl, backl;
	char name[16];

	(void)state;
	bl += tree_entry(base + bl, ".captures", 1);
	tl += tree_entry(target + tl, ".captures", 2);
	for (int i = 0; i < 99; i++) {
		snprintf(name, sizeof(name), "p%04d", i);
		bl += tree_entry(base + bl, name, (unsigned char)i);
		tl += tree_entry(target + tl, name, (unsigned char)i);
	}
	tl += tree_entry(target + tl, "p0099", 9);
	assert_int_equal(pw_delta_create(&d, &dl, base, bl, target, tl), 0);
	assert_non_null(d);
	assert_true(dl < 2 * 32 + 24);
	assert_int_equal(pw_delta_apply(&back, &backl, base, bl, d, dl), 0);
	assert_int_equal(backl, tl);
	assert_memory_equal(back, target, tl);
	free(back);
	free(d);
}

/* One batch of `n` commits of three files each - a large story, a small
 * one and one that repeats an earlier text - written once with every blob
 * packed ahead and once by the writer alone: the same pack, byte for byte
 * (same name), that git checks and fsck --strict accepts. */
/* A gzip member of `plain`, as a capture's WARC file is. */
static void gzip_of(rl_buf *out, const rl_buf *plain)
{
	size_t n;

	assert_int_equal(rl_buf_grow(out, rl_deflater_bound(plain->len)), 0);
	assert_int_equal(rl_deflater_compress(&n, RL_DEFLATER_GZIP, out->ptr, out->cap, plain->ptr,
					      plain->len), 0);
	out->len = n;
}

static void packed_batch(char name[64], int ahead, int n)
{
	char *dir;
	rl_archive *a = new_archive(&dir);
	rl_archive_batch *b = NULL;
	rl_buf big = RL_BUF_INIT(1 << 24), gz = RL_BUF_INIT(1 << 24);

	for (int k = 0; k < 4000; k++)
		assert_int_equal(rl_buf_printf(&big, "Sentence %d, line %d of a long story.\n", k * 31 % 97, k), 0);
	gzip_of(&gz, &big);
	assert_int_equal(rl_archive_batch_new(&b, a), 0);
	for (int i = 0; i < n; i++) {
		char p0[64], p1[64], p2[64], p3[64], small[64], msg[64];
		const char *again = i % 2 ? "Back to the first text.\n" : "An edit.\n";
		rl_archive_file_update u[4] = { { p0, big.ptr, big.len },
						 { p1, small, 0 },
						 { p2, again, strlen(again) },
						 { p3, gz.ptr, gz.len } };
		rl_item_packed pk[4];
		const rl_item_packed *pv[4] = { &pk[0], &pk[1], &pk[2], &pk[3] };
		rl_archive_commit_info info = { msg, T0 + i, 0, NULL, NULL };

		snprintf(p0, sizeof(p0), "s/big-%d.txt", i);
		snprintf(p1, sizeof(p1), "s/small-%d.txt", i);
		snprintf(p2, sizeof(p2), "s/again.txt");
		snprintf(p3, sizeof(p3), ".captures/c-%d.warc.gz", i);
		snprintf(small, sizeof(small), "Story %d.\n", i);
		u[1].len = strlen(small);
		snprintf(msg, sizeof(msg), "commit %d\n", i);
		for (int k = 0; k < 4; k++)
			assert_int_equal(rl_archive_blob_pack(&pk[k], u[k].data, u[k].len), 0);
		assert_int_equal(rl_archive_batch_add_packed(NULL, b, u, ahead ? pv : NULL, 4, &info),
				 0);
		for (int k = 0; k < 4; k++)
			free(pk[k].bytes);
		big.ptr[i % big.len] = 'X';
		gzip_of(&gz, &big); /* a gzip member, which the packer stores as it is */
	}
	assert_int_equal(rl_archive_batch_commit(b), 0);
	rl_archive_batch_free(b);
	check_git_reads(dir);
	snprintf(name, 64, "%s", sh("cd '%s'/objects/pack && ls pack-*.pack", dir));
	assert_int_equal(atoi(sh("git -C '%s' rev-list --count HEAD", dir)), n);
	/* git gives the stored gzip member back whole (gzip checks its CRC). */
	sh("git -C '%s' cat-file -p HEAD:.captures/c-%d.warc.gz | gzip -t 2>&1", dir, n - 1);
	rl_buf_release(&big);
	rl_buf_release(&gz);
	rl_archive_free(a);
	tu_rmtree(dir);
	free(dir);
}

static void test_blobs_packed_ahead_give_the_same_pack(void **state)
{
	char ahead[64], writer[64];

	(void)state;
	packed_batch(ahead, 1, 12);
	packed_batch(writer, 0, 12);
	assert_string_equal(ahead, writer);
}

/* archive_object_id(): ARCHIVE_OURS (the CPU's SHA-1 for trees and plain
 * text, libgit2's for other blobs) gives libgit2's ids (ARCHIVE_FOREIGN)
 * for every type, for binary bytes and for text, at lengths around SHA-1's
 * 64-byte blocks; git hash-object agrees on a blob of each. */
static void test_object_ids_are_gits(void **state)
{
	static const git_object_t types[] = { GIT_OBJECT_BLOB, GIT_OBJECT_TREE,
					      GIT_OBJECT_COMMIT, GIT_OBJECT_TAG };
	static const size_t lens[] = { 0, 1, 44, 55, 56, 63, 64, 65, 119, 128, 4096, 100003 };
	static const char line[] = "Zo\xc3\xab counts 3000 to 10.000\n";
	const size_t whole = (4096 / (sizeof(line) - 1)) * (sizeof(line) - 1); /* whole lines */
	unsigned char *data = malloc(100003);
	char *dir = tu_tmpdir(), path[512], hex[GIT_OID_HEXSZ + 1];
	git_oid ours, foreign;
	FILE *f;

	(void)state;
	assert_non_null(data);
	for (int text = 0; text <= 1; text++) {
		for (size_t i = 0; i < 100003; i++) /* binary, or lines of "Zoë ..." */
			data[i] = text ? (unsigned char)line[i % (sizeof(line) - 1)]
				       : (unsigned char)(i * 2654435761u >> 13);
		for (size_t t = 0; t < sizeof(types) / sizeof(*types); t++)
			for (size_t l = 0; l < sizeof(lens) / sizeof(*lens); l++) {
				assert_int_equal(archive_object_id(&ours, types[t], data, lens[l],
								   ARCHIVE_OURS), 0);
				assert_int_equal(archive_object_id(&foreign, types[t], data, lens[l],
								   ARCHIVE_FOREIGN), 0);
				assert_true(git_oid_equal(&ours, &foreign));
			}
		snprintf(path, sizeof(path), "%s/blob", dir);
		assert_non_null(f = fopen(path, "wb"));
		assert_int_equal(fwrite(data, 1, whole, f), whole);
		fclose(f);
		assert_int_equal(archive_object_id(&ours, GIT_OBJECT_BLOB, data, whole, ARCHIVE_OURS), 0);
		git_oid_tostr(hex, sizeof(hex), &ours);
		assert_string_equal(sh("git hash-object '%s' | tr -d '\\n'", path), hex);
	}
	tu_rmtree(dir);
	free(dir);
	free(data);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_pack_and_idx_are_gits),
		cmocka_unit_test(test_large_offsets_as_git_writes_them),
		cmocka_unit_test(test_idx_writer_64bit_table),
		cmocka_unit_test(test_batch_reads_its_own_objects),
		cmocka_unit_test(test_dropped_batch_leaves_no_file),
		cmocka_unit_test(test_failed_write_fails_the_batch),
		cmocka_unit_test(test_delta_copy_insert_copy),
		cmocka_unit_test(test_tree_delta_by_entries),
		cmocka_unit_test(test_blobs_packed_ahead_give_the_same_pack),
		cmocka_unit_test(test_object_ids_are_gits),
	};
	int rc = cmocka_run_group_tests(tests, NULL, NULL);
	free(sh_out);
	return rc;
}
