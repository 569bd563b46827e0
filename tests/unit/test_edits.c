/* Edits: the kind of each revision of a story, read from a real archive --
 * minor (whitespace, punctuation, case), moved sentences, correction notices
 * in four languages, quotes changed, reverts -- and the "from" of a revision
 * being the story's own previous revision, not the parent commit. */
#include "testutil.h"
#include "storyrepo.h"
#include "redline/edits.h"
#include "redline/error.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define P "anp/2026-11/storm-3fa2c1d0e9ab.txt"
#define Q "nos/2026-11/other-0a1b2c3d4e5f.txt"

static rl_edit_class classify(const char *old_body, const char *new_body)
{
	rl_edit_class c;
	char *a = NULL, *b = NULL;

	assert_true(asprintf(&a, "Title: T\nId: 3fa2c1d0e9ab\n\n%s", old_body) > 0);
	assert_true(asprintf(&b, "Title: T\nId: 3fa2c1d0e9ab\n\n%s", new_body) > 0);
	assert_int_equal(rl_edits_classify_texts(&c, a, b), 0);
	free(a);
	free(b);
	return c;
}

static void test_whitespace_and_punctuation_only_is_minor(void **state)
{
	static const char *const pairs[][2] = {
		{ "De storm raasde over de kust.\n", "De storm raasde over de kust!\n" },
		{ "De storm raasde over de kust.\n", "De storm raasde  over de kust .\n" },
		{ "De storm, zei hij, raasde.\n", "De storm zei hij raasde.\n" },
		{ "de storm raasde.\n", "De storm raasde.\n" },
	};
	(void)state;
	for (size_t i = 0; i < sizeof(pairs) / sizeof(pairs[0]); i++) {
		rl_edit_class c = classify(pairs[i][0], pairs[i][1]);
		if (c.kinds != RL_EDIT_MINOR)
			fail_msg("pair %zu: kinds 0x%x, not minor alone", i, c.kinds);
		rl_edit_class_release(&c);
	}
	/* a word is not minor */
	rl_edit_class c = classify("De storm raasde over de kust.\n", "De storm raasde over het land.\n");
	assert_int_equal(c.kinds & RL_EDIT_MINOR, 0);
	assert_true(c.kinds & RL_EDIT_EDITED);
	rl_edit_class_release(&c);
}

static void test_moved_sentences(void **state)
{
	rl_edit_class c = classify("Een.\nTwee is een zin.\nDrie is er ook.\nVier.\n",
				   "Drie is er ook.\nEen.\nTwee is een zin.\nVier.\n");
	(void)state;
	assert_true(c.kinds & RL_EDIT_MOVED);
	assert_int_equal(c.moved, 1);
	assert_int_equal(c.added, 0);
	assert_int_equal(c.removed, 0);
	rl_edit_class_release(&c);
}

static void test_correction_notices_in_four_languages(void **state)
{
	static const char *const notices[] = {
		"Correction: An earlier version of this article misstated the number of troops.",
		"Update: The ministry has since confirmed the figure.",
		"Rectificatie: in een eerdere versie stond een verkeerd aantal.",
		"Correctie: de naam van de minister was verkeerd gespeld.",
		"Korrektur: In einer früheren Version hieß es fälschlich 3000.",
		"Correctif : une version précédente de cet article indiquait 3000.",
		"In een eerdere versie van dit artikel stond dat het om 3000 ging.",
	};
	(void)state;
	for (size_t i = 0; i < sizeof(notices) / sizeof(notices[0]); i++) {
		char *body = NULL;
		assert_true(asprintf(&body, "De storm raasde.\n%s\n", notices[i]) > 0);
		rl_edit_class c = classify("De storm raasde.\n", body);
		if (!(c.kinds & RL_EDIT_CORRECTION) || c.notice == NULL || strcmp(c.notice, notices[i]) != 0)
			fail_msg("notice %zu not found: %s", i, notices[i]);
		rl_edit_class_release(&c);
		free(body);
	}
	/* a sentence that only mentions an update is none */
	rl_edit_class c = classify("De storm raasde.\n", "De storm raasde.\nDe app krijgt een update.\n");
	assert_int_equal(c.kinds & RL_EDIT_CORRECTION, 0);
	rl_edit_class_release(&c);
}

static void test_quotes_changed(void **state)
{
	rl_edit_class c = classify("\u201cWe houden stand\u201d, zei de burgemeester.\n",
				   "\u201cWe houden het niet\u201d, zei de burgemeester.\n");
	(void)state;
	assert_true(c.kinds & RL_EDIT_QUOTES);
	assert_int_equal(c.quotes, 1);
	rl_edit_class_release(&c);
	c = classify("\u201cWe houden stand\u201d, zei de burgemeester.\n",
		     "\u201cWe houden stand\u201d, zei de burgemeester gisteren.\n");
	assert_int_equal(c.kinds & RL_EDIT_QUOTES, 0);
	rl_edit_class_release(&c);
}

/* A, B, A again: the third revision is a revert to the first, and only
 * that; another source's commit in between is no revision of the story. */
static void test_revert_and_previous_revision_from_an_archive(void **state)
{
	struct storyrepo *r = sr_new();
	rl_revisions revs = RL_REVISIONS_INIT;
	const char *a = "De storm raasde over de kust.\nEr vielen 3 doden.\n";
	const char *b = "De storm raasde over de kust.\nEr vielen 5 doden.\n";
	char c1[41], c3[41];

	(void)state;
	sr_put(r, P, sr_story("Storm", "3fa2c1d0e9ab", "anp", a));
	sr_commit(r, "2026-11-28T09:00:00Z", "anp: 1 new\n");
	snprintf(c1, sizeof(c1), "%s", sr_rev(r, "HEAD"));
	sr_put(r, P, sr_story("Storm", "3fa2c1d0e9ab", "anp", b));
	sr_commit(r, "2026-11-28T10:00:00Z", "anp: 1 edited\n");
	sr_put(r, Q, sr_story("Other", "0a1b2c3d4e5f", "nos", "Iets anders.\n"));
	sr_commit(r, "2026-11-28T10:30:00Z", "nos: 1 new\n");
	sr_put(r, P, sr_story("Storm", "3fa2c1d0e9ab", "anp", a));
	sr_commit(r, "2026-11-28T11:00:00Z", "anp: 1 edited\n");
	snprintf(c3, sizeof(c3), "%s", sr_rev(r, "HEAD"));
	sr_open(r);

	assert_int_equal(rl_edits_revisions(&revs, r->a, P, NULL), 0);
	assert_int_equal(revs.n, 3);
	assert_string_equal(revs.v[0].commit, c3);
	/* the story's previous revision, not the nos commit right before */
	assert_string_equal(revs.v[0].prev, revs.v[1].commit);
	assert_string_equal(revs.v[2].commit, c1);
	assert_int_equal(rl_edits_classify_all(&revs, r->a), 0);
	assert_int_equal(revs.v[0].cls.kinds, RL_EDIT_REVERT);
	assert_string_equal(revs.v[0].cls.reverted_to, c1);
	assert_true(revs.v[1].cls.kinds & RL_EDIT_FIGURES);
	assert_int_equal(revs.v[2].cls.kinds, RL_EDIT_NEW);
	rl_revisions_release(&revs);

	/* the same revert seen from the commit, as feeds see it */
	rl_commit_edits ed = RL_COMMIT_EDITS_INIT;
	git_oid head;
	assert_int_equal(git_oid_fromstr(&head, c3), 0);
	assert_int_equal(rl_edits_of_commit(&ed, r->a, &head, NULL), 0);
	assert_int_equal(ed.n, 1);
	assert_int_equal(ed.v[0].cls.kinds, RL_EDIT_REVERT);
	assert_string_equal(ed.v[0].cls.reverted_to, c1);
	rl_commit_edits_release(&ed);
	/* and from the archive at the story's revision */
	rl_edit_class c;
	char at[41];
	assert_int_equal(rl_edits_classify_at(&c, at, r->a, P, NULL), 0);
	assert_string_equal(at, c3);
	assert_int_equal(c.kinds, RL_EDIT_REVERT);
	rl_edit_class_release(&c);
	sr_free(r);
}

static void test_unknown_story_is_not_found(void **state)
{
	struct storyrepo *r = sr_new();
	rl_revisions revs = RL_REVISIONS_INIT;

	(void)state;
	sr_put(r, P, sr_story("Storm", "3fa2c1d0e9ab", "anp", "Een zin.\n"));
	sr_commit(r, "2026-11-28T09:00:00Z", "anp: 1 new\n");
	sr_open(r);
	assert_int_equal(rl_edits_revisions(&revs, r->a, "anp/2026-11/nothing-000000000000.txt", NULL),
			 RL_ENOTFOUND);
	sr_free(r);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_whitespace_and_punctuation_only_is_minor),
		cmocka_unit_test(test_moved_sentences),
		cmocka_unit_test(test_correction_notices_in_four_languages),
		cmocka_unit_test(test_quotes_changed),
		cmocka_unit_test(test_revert_and_previous_revision_from_an_archive),
		cmocka_unit_test(test_unknown_story_is_not_found),
	};
	return tu_run_group_tests(tests, NULL, NULL);
}
