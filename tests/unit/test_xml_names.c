/* xml_safe.c's element-name sets (noise, blocks) rule most names out by
 * their first two bytes: the answer must be a compare with every name,
 * ASCII case ignored, for the names of each set in any case, their
 * prefixes and extensions, and other names. */
#include "testutil.h"
#include "../../src/extract/xml_internal.h"

#include <libxml/tree.h>
#include <string.h>
#include <strings.h>

static const char *const noise[] = { "script", "style", "noscript", "template", "nav", "footer",
				     "aside", "iframe", "svg", "object", "embed", "canvas",
				     "select", "button", "textarea", "head", "math", NULL };
static const char *const blocks[] = { "p", "div", "h1", "h6", "li", "table", "section",
				      "figcaption", "br", "body", "nav", NULL };
static const char *const others[] = { "", "a", "span", "img", "h", "h7", "scrip", "scripts",
				      "s", "P", "DIV", "B", "i", "time", "figure1", "x-nav", NULL };

static int in(const char *name, const char *const *set)
{
	for (; *set; set++)
		if (strcasecmp(name, *set) == 0)
			return 1;
	return 0;
}

static void check(const char *name)
{
	xmlNodePtr n = xmlNewNode(NULL, (const xmlChar *)name);
	char b[64];

	assert_non_null(n);
	assert_int_equal(rl_xml_is_noise(n), in(name, noise));
	/* rl_xml_paras() breaks paragraphs at blocks: "x<TAG>y</TAG>z" */
	xmlFreeNode(n);
	snprintf(b, sizeof(b), "%s", name);
	for (char *c = b; *c; c++)
		*c = (char)(*c >= 'a' && *c <= 'z' ? *c - 32 : *c);
	n = xmlNewNode(NULL, (const xmlChar *)b);
	assert_int_equal(rl_xml_is_noise(n), in(b, noise));
	xmlFreeNode(n);
}

static void test_noise_set(void **state)
{
	const char *const *sets[] = { noise, blocks, others };
	char b[64];

	(void)state;
	for (size_t s = 0; s < 3; s++)
		for (const char *const *n = sets[s]; *n; n++) {
			size_t len = strlen(*n);
			check(*n);
			if (len > 1) { /* a prefix */
				snprintf(b, sizeof(b), "%.*s", (int)len - 1, *n);
				check(b);
			}
			snprintf(b, sizeof(b), "%se", *n); /* an extension */
			check(b);
		}
}

/* Blocks break the words on either side of them, in any case; inline
 * elements do not. */
static void test_blocks_break_words(void **state)
{
	static const char *const tags[] = { "p", "DIV", "Section", "h2", "TD", "span", "B", "a", "em" };
	static const int is_block[] = { 1, 1, 1, 1, 1, 0, 0, 0, 0 };

	(void)state;
	for (size_t i = 0; i < sizeof(tags) / sizeof(tags[0]); i++) {
		xmlNodePtr root = xmlNewNode(NULL, (const xmlChar *)"root"), el;
		rl_buf out = RL_BUF_INIT(1 << 20);

		xmlAddChild(root, xmlNewText((const xmlChar *)"x"));
		el = xmlNewChild(root, NULL, (const xmlChar *)tags[i], (const xmlChar *)"y");
		assert_non_null(el);
		xmlAddChild(root, xmlNewText((const xmlChar *)"z"));
		assert_int_equal(rl_xml_paras(&out, root, NULL, NULL), 0);
		assert_string_equal(out.ptr, is_block[i] ? "x\ny\nz" : "xyz");
		rl_buf_release(&out);
		xmlFreeNode(root);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_noise_set),
		cmocka_unit_test(test_blocks_break_words),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
