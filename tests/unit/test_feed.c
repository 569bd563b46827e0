/* The Atom feed of edits: well-formed XML (read back by libxml2 without
 * recovery), hostile titles and text escaped, entry ids stable from one
 * build to the next, one entry per story revision, the kinds filter. */
#include "testutil.h"
#include "storyrepo.h"
#include "redline/feed.h"
#include "redline/error.h"

#include <libxml/parser.h>
#include <libxml/xpath.h>
#include <libxml/xpathInternals.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define P "anp/2026-11/storm-3fa2c1d0e9ab.txt"
#define Q "nos/2026-11/other-0a1b2c3d4e5f.txt"
#define HOSTILE "<script>alert(1)</script> & ]]> \"q\" \x01\x1f end"

static int setup(void **state)
{
	struct storyrepo *r = sr_new();

	sr_put(r, P, sr_story(HOSTILE, "3fa2c1d0e9ab", "anp", "Er vielen 3 doden.\n<b>bold</b> & co.\n"));
	sr_commit(r, "2026-11-28T09:00:00Z", "anp: 1 new\n");
	sr_put(r, P, sr_story(HOSTILE, "3fa2c1d0e9ab", "anp", "Er vielen 5 doden.\n<b>bold</b> & co.\n"));
	sr_commit(r, "2026-11-28T10:00:00Z", "anp: 1 edited\n");
	sr_open(r);
	*state = r;
	return 0;
}

static int teardown(void **state)
{
	sr_free(*state);
	return 0;
}

static char *feed(struct storyrepo *r, const rl_feed_opts *o)
{
	rl_buf b = RL_BUF_INIT(1 << 24);
	assert_int_equal(rl_feed_write(&b, r->a, o), 0);
	return rl_buf_detach(&b);
}

/* Parses strictly (no RECOVER): NULL unless well-formed. */
static xmlDocPtr parse(const char *xml)
{
	return xmlReadMemory(xml, (int)strlen(xml), "feed.xml", NULL,
			     XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING);
}

static int count(xmlDocPtr doc, const char *xpath)
{
	xmlXPathContextPtr ctx = xmlXPathNewContext(doc);
	xmlXPathObjectPtr o;
	int n;

	xmlXPathRegisterNs(ctx, BAD_CAST "a", BAD_CAST "http://www.w3.org/2005/Atom");
	o = xmlXPathEvalExpression(BAD_CAST xpath, ctx);
	n = o && o->nodesetval ? o->nodesetval->nodeNr : 0;
	xmlXPathFreeObject(o);
	xmlXPathFreeContext(ctx);
	return n;
}

static void test_well_formed_atom_with_hostile_titles(void **state)
{
	struct storyrepo *r = *state;
	char *xml = feed(r, NULL);
	xmlDocPtr doc = parse(xml);

	if (doc == NULL)
		fail_msg("not well-formed:\n%s", xml);
	assert_int_equal(count(doc, "/a:feed"), 1);
	assert_int_equal(count(doc, "/a:feed/a:entry"), 2);
	assert_int_equal(count(doc, "/a:feed/a:entry/a:id"), 2);
	assert_int_equal(count(doc, "/a:feed/a:updated"), 1);
	assert_int_equal(count(doc, "//a:entry/a:category[@term='figures']"), 1);
	assert_int_equal(count(doc, "//a:entry/a:category[@term='new']"), 1);
	/* the title reads back as the text it was, less what XML cannot hold */
	xmlXPathContextPtr ctx = xmlXPathNewContext(doc);
	xmlXPathRegisterNs(ctx, BAD_CAST "a", BAD_CAST "http://www.w3.org/2005/Atom");
	xmlXPathObjectPtr o = xmlXPathEvalExpression(BAD_CAST "string(/a:feed/a:entry[1]/a:title)", ctx);
	assert_string_equal((const char *)o->stringval, "<script>alert(1)</script> & ]]> \"q\"  end");
	xmlXPathFreeObject(o);
	xmlXPathFreeContext(ctx);
	xmlFreeDoc(doc);
	/* nothing of the page's markup is markup of the feed */
	assert_null(strstr(xml, "<script>"));
	assert_null(strstr(xml, "<b>bold"));
	free(xml);
}

static void test_ids_stable_across_builds(void **state)
{
	struct storyrepo *r = *state;
	char *one = feed(r, NULL), *two;
	const char *id = strstr(one, "<id>tag:redline,2026:anp/3fa2c1d0e9ab/");

	assert_non_null(id);
	char first[160];
	snprintf(first, sizeof(first), "%.*s", (int)(strchr(id, '\n') - id), id);
	/* a later snapshot of another source leaves the entry's id alone */
	sr_put(r, Q, sr_story("Other", "0a1b2c3d4e5f", "nos", "Iets anders.\n"));
	sr_commit(r, "2026-11-28T11:00:00Z", "nos: 1 new\n");
	sr_open(r);
	two = feed(r, NULL);
	assert_non_null(strstr(two, first));
	assert_non_null(strstr(two, "<id>tag:redline,2026:nos/0a1b2c3d4e5f/"));
	/* the id names the commit of the revision */
	assert_non_null(strstr(first, sr_rev(r, "HEAD~1")));
	free(one);
	free(two);
}

static void test_sources_and_kinds_filter(void **state)
{
	struct storyrepo *r = *state;
	const char *one[] = { "anp" };
	rl_feed_opts o = { one, 1, RL_EDIT_FIGURES, 0, "anp figures", NULL, NULL };
	char *xml = feed(r, &o);
	xmlDocPtr doc = parse(xml);

	assert_non_null(doc);
	assert_int_equal(count(doc, "/a:feed/a:entry"), 1);
	assert_int_equal(count(doc, "//a:entry/a:category[@term='figures']"), 1);
	xmlFreeDoc(doc);
	free(xml);
}

static void test_no_entries_is_still_a_feed(void **state)
{
	struct storyrepo *r = *state;
	rl_buf b = RL_BUF_INIT(1 << 20);
	xmlDocPtr doc;

	assert_int_equal(rl_feed_write_entries(&b, r->a, NULL, 0, NULL, 0), 0);
	assert_non_null(doc = parse(b.ptr));
	assert_int_equal(count(doc, "/a:feed/a:entry"), 0);
	assert_int_equal(count(doc, "/a:feed/a:id"), 1);
	xmlFreeDoc(doc);
	rl_buf_release(&b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_well_formed_atom_with_hostile_titles),
		cmocka_unit_test(test_ids_stable_across_builds),
		cmocka_unit_test(test_sources_and_kinds_filter),
		cmocka_unit_test(test_no_entries_is_still_a_feed),
	};
	xmlInitParser();
	return tu_run_group_tests(tests, setup, teardown);
}
