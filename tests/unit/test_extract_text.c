/* Plain-text extraction: the seed page, datelines, relative times, headings, blocks. */
#include "testutil.h"
#include "redline/error.h"
#include "redline/extract.h"

#include <stdlib.h>
#include <string.h>

static int extract(rl_item_list *list, const char *text)
{
	return rl_extract_text(list, text, strlen(text), NULL);
}

static void assert_no_item_contains(const rl_item_list *list, const char *needle)
{
	for (size_t i = 0; i < list->n; i++) {
		if (list->v[i].title)
			assert_null(strstr(list->v[i].title, needle));
		assert_non_null(list->v[i].body);
		assert_null(strstr(list->v[i].body, needle));
	}
}

static void test_seed_page_gives_main_story_and_seven_wire_items(void **state)
{
	char *path = tu_shared_path("seeds/000_cab50403b27c31fc.txt");
	rl_item_list list = RL_ITEM_LIST_INIT;
	size_t len;
	char *text;

	if (path == NULL || (text = tu_read_file(path, &len)) == NULL) {
		free(path);
		tu_skip();
	}
	assert_int_equal(rl_extract(&list, text, len, RL_FORMAT_AUTO, NULL), 0);
	assert_int_equal(list.n, 8);

	assert_string_equal(list.v[0].title,
			    "VS schatten aantal Noord-Koreaanse soldaten in Rusland op 10.000");
	assert_true(strncmp(list.v[0].body, "WASHINGTON (ANP/AFP) - Noord-Korea heeft", 40) == 0);
	/* three paragraphs: two newlines */
	assert_non_null(strchr(list.v[0].body, '\n'));
	assert_non_null(strchr(strchr(list.v[0].body, '\n') + 1, '\n'));
	assert_null(strchr(strchr(strchr(list.v[0].body, '\n') + 1, '\n') + 1, '\n'));
	assert_non_null(strstr(list.v[0].body, "nauwe militaire samenwerking."));

	assert_string_equal(list.v[1].title,
			    "De Braziliaanse oud-president Jair Bolsonaro mag deze week tijdelijk zijn cel verlaten.");
	assert_true(strncmp(list.v[1].body, "BRASILIA (ANP/AFP) - De Braziliaanse", 36) == 0);
	assert_true(strncmp(list.v[2].body, "ANKARA (ANP/RTR) - Het wrak", 27) == 0);
	assert_string_equal(list.v[3].title,
			    "Polen wil toetreden tot de G20, een groep van de grootste economie\xC3\xAB" "n ter wereld.");
	assert_true(strncmp(list.v[4].body, "WASHINGTON (ANP) - ", 19) == 0);
	assert_true(strncmp(list.v[5].body, "LONDEN (ANP/AFP) - ", 19) == 0);
	assert_true(strncmp(list.v[6].body, "WASHINGTON (ANP) - De Amerikaanse regering", 42) == 0);
	assert_true(strncmp(list.v[7].body, "KYIV (ANP) - ", 13) == 0);
	for (size_t i = 1; i < list.n; i++) {
		assert_null(list.v[i].guid);
		assert_null(list.v[i].link);
		assert_non_null(list.v[i].title);
		assert_true(strlen(list.v[i].title) <= 150);
	}
	assert_no_item_contains(&list, "uur geleden");
	assert_no_item_contains(&list, "Meer uit Buitenland");
	rl_item_list_release(&list);
	free(text);
	free(path);
}

static void test_relative_times_in_four_languages_are_dropped(void **state)
{
	rl_item_list list = RL_ITEM_LIST_INIT;
	const char *text =
		"Kop van het verhaal\n"
		"BERLIN (dpa) - Erster Satz. Zweiter Satz.\n"
		"5 minuten geledenPARIS (AFP) - Premier paragraphe ici. Suite.\n"
		"vor 3 StundenM\xC3\x9CNCHEN (dpa) - Ein Satz aus M\xC3\xBCnchen.\n"
		"il y a 2 heures\n"
		"2 hours agoNEW YORK (AP) \xE2\x80\x93 Something happened. More.\n"
		"an hour ago\n";

	assert_int_equal(extract(&list, text), 0);
	assert_int_equal(list.n, 4);
	assert_string_equal(list.v[0].title, "Kop van het verhaal");
	assert_string_equal(list.v[0].body, "BERLIN (dpa) - Erster Satz. Zweiter Satz.");
	assert_string_equal(list.v[1].title, "Premier paragraphe ici.");
	assert_string_equal(list.v[2].body, "M\xC3\x9CNCHEN (dpa) - Ein Satz aus M\xC3\xBCnchen.");
	assert_string_equal(list.v[3].title, "Something happened.");
	assert_no_item_contains(&list, "geleden");
	assert_no_item_contains(&list, "Stunden");
	assert_no_item_contains(&list, "il y a");
	assert_no_item_contains(&list, " ago");
	rl_item_list_release(&list);
}

static void test_agency_only_dateline_and_multi_paragraph_wire_item(void **state)
{
	rl_item_list list = RL_ITEM_LIST_INIT;
	const char *text =
		"Headline\n"
		"First paragraph of the main story.\n"
		"Meer uit Binnenland\n"
		"(ANP) - Kabinet valt. \"Het is klaar,\" zegt iemand.\n"
		"Second paragraph of the wire item.\n"
		"DEN HAAG (ANP) - Nog een bericht zonder punt aan het eind\n";

	assert_int_equal(extract(&list, text), 0);
	assert_int_equal(list.n, 3);
	assert_string_equal(list.v[0].body, "First paragraph of the main story.");
	assert_string_equal(list.v[1].title, "Kabinet valt.");
	assert_string_equal(list.v[1].body, "(ANP) - Kabinet valt. \"Het is klaar,\" zegt iemand.\n"
					    "Second paragraph of the wire item.");
	assert_string_equal(list.v[2].title, "Nog een bericht zonder punt aan het eind");
	assert_no_item_contains(&list, "Meer uit");
	rl_item_list_release(&list);
}

static void test_long_first_sentence_is_cut_at_a_word(void **state)
{
	rl_item_list list = RL_ITEM_LIST_INIT;
	char text[1024] = "Kop\nKYIV (ANP) - ";

	for (int i = 0; i < 60; i++)
		strcat(text, "woord ");
	strcat(text, "einde.\n");
	assert_int_equal(extract(&list, text), 0);
	assert_int_equal(list.n, 1);
	/* the main story keeps the dateline as its first paragraph */
	assert_string_equal(list.v[0].title, "Kop");
	rl_item_list_release(&list);

	strcpy(text, "KYIV (ANP) - ");
	for (int i = 0; i < 60; i++)
		strcat(text, "woord ");
	assert_int_equal(extract(&list, text), 0);
	assert_int_equal(list.n, 1);
	assert_true(strlen(list.v[0].title) <= 150);
	assert_true(strlen(list.v[0].title) > 100);
	assert_int_not_equal(list.v[0].title[strlen(list.v[0].title) - 1], ' ');
	assert_string_equal(list.v[0].title + strlen(list.v[0].title) - 5, "woord");
	rl_item_list_release(&list);
}

static void test_crlf_is_handled_like_lf(void **state)
{
	rl_item_list a = RL_ITEM_LIST_INIT, b = RL_ITEM_LIST_INIT;
	const char *lf = "Kop\nEerste alinea.\nKYIV (ANP) - Iets. Meer.\n10 uur geleden\n";
	const char *crlf = "Kop\r\nEerste alinea.\r\nKYIV (ANP) - Iets. Meer.\r\n10 uur geleden\r\n";

	assert_int_equal(extract(&a, lf), 0);
	assert_int_equal(extract(&b, crlf), 0);
	assert_int_equal(a.n, 2);
	assert_int_equal(b.n, a.n);
	for (size_t i = 0; i < a.n; i++) {
		assert_string_equal(a.v[i].title, b.v[i].title);
		assert_string_equal(a.v[i].body, b.v[i].body);
		assert_null(strchr(b.v[i].body, '\r'));
	}
	rl_item_list_release(&a);
	rl_item_list_release(&b);
}

static void test_text_without_dateline_is_one_item(void **state)
{
	rl_item_list list = RL_ITEM_LIST_INIT;
	const char *text = "A title\nFirst   paragraph\twith  spaces.\n\nSecond paragraph.\nThird.\n";

	assert_int_equal(extract(&list, text), 0);
	assert_int_equal(list.n, 1);
	assert_string_equal(list.v[0].title, "A title");
	assert_string_equal(list.v[0].body, "First paragraph with spaces.\nSecond paragraph.\nThird.");
	rl_item_list_release(&list);
}

static void test_blocks_with_headlines_are_one_item_each(void **state)
{
	rl_item_list list = RL_ITEM_LIST_INIT;
	const char *text = "First story\nIts text.\n\nSecond story\nMore text.\nAnd more.\n\n"
			   "Third story\nLast text.\n";

	assert_int_equal(extract(&list, text), 0);
	assert_int_equal(list.n, 3);
	assert_string_equal(list.v[1].title, "Second story");
	assert_string_equal(list.v[1].body, "More text.\nAnd more.");
	assert_string_equal(list.v[2].body, "Last text.");
	rl_item_list_release(&list);
}

static void test_empty_and_blank_input_give_no_items(void **state)
{
	rl_item_list list = RL_ITEM_LIST_INIT;

	assert_int_equal(rl_extract_text(&list, "", 0, NULL), 0);
	assert_int_equal(list.n, 0);
	assert_int_equal(extract(&list, " \n\t\r\n  \n"), 0);
	assert_int_equal(list.n, 0);
	assert_int_equal(rl_extract(&list, "\n\n", 2, RL_FORMAT_AUTO, NULL), 0);
	assert_int_equal(list.n, 0);
	rl_item_list_release(&list);
}

static void test_sniff(void **state)
{
	const char *rss = "\xEF\xBB\xBF<?xml version=\"1.0\"?>\n<!-- c --><rss version=\"2.0\"></rss>";
	const char *rdf = "<?xml version=\"1.0\"?><rdf:RDF xmlns:rdf=\"x\"></rdf:RDF>";
	const char *atom = "  <feed xmlns=\"http://www.w3.org/2005/Atom\"></feed>";
	const char *html = "<!DOCTYPE html><html><body></body></html>";
	const char *xhtml = "<?xml version=\"1.0\"?><html xmlns=\"http://www.w3.org/1999/xhtml\"/>";
	const char *frag = "Intro <p>one</p><p>two</p><div>three</div>";
	const char *text = "Kop\nKYIV (ANP) - 3 < 4 and so on.\n";

	assert_int_equal(rl_extract_sniff(rss, strlen(rss)), RL_FORMAT_RSS);
	assert_int_equal(rl_extract_sniff(rdf, strlen(rdf)), RL_FORMAT_RSS);
	assert_int_equal(rl_extract_sniff(atom, strlen(atom)), RL_FORMAT_ATOM);
	assert_int_equal(rl_extract_sniff(html, strlen(html)), RL_FORMAT_HTML);
	assert_int_equal(rl_extract_sniff(xhtml, strlen(xhtml)), RL_FORMAT_HTML);
	assert_int_equal(rl_extract_sniff(frag, strlen(frag)), RL_FORMAT_HTML);
	assert_int_equal(rl_extract_sniff(text, strlen(text)), RL_FORMAT_TEXT);
	assert_int_equal(rl_extract_sniff("", 0), RL_FORMAT_TEXT);
}

static void test_failure_leaves_list_untouched(void **state)
{
	rl_item_list list = RL_ITEM_LIST_INIT;
	size_t len = RL_EXTRACT_MAX_INPUT + 1;
	char *big = malloc(len);

	assert_non_null(big);
	memset(big, 'a', len);
	assert_int_equal(extract(&list, "Kept\nbody\n"), 0);
	assert_int_equal(rl_extract_text(&list, big, len, NULL), RL_ETOOBIG);
	assert_non_null(strstr(rl_error_last(), "limit"));
	assert_int_equal(list.n, 1);
	assert_string_equal(list.v[0].title, "Kept");
	rl_item_list_release(&list);
	free(big);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_seed_page_gives_main_story_and_seven_wire_items),
		cmocka_unit_test(test_relative_times_in_four_languages_are_dropped),
		cmocka_unit_test(test_agency_only_dateline_and_multi_paragraph_wire_item),
		cmocka_unit_test(test_long_first_sentence_is_cut_at_a_word),
		cmocka_unit_test(test_crlf_is_handled_like_lf),
		cmocka_unit_test(test_text_without_dateline_is_one_item),
		cmocka_unit_test(test_blocks_with_headlines_are_one_item_each),
		cmocka_unit_test(test_empty_and_blank_input_give_no_items),
		cmocka_unit_test(test_sniff),
		cmocka_unit_test(test_failure_leaves_list_untouched),
	};
	return tu_run_group_tests(tests, NULL, NULL);
}
