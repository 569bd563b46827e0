/* What counts as the story's text: how much text a script carries (CJK),
 * <br>-separated paragraphs, captions and alt text of content images,
 * link lists that are the page's content, promo lines inside the body.
 * Each case is a small page built to show one rule. */
#include "testutil.h"
#include "redline/error.h"
#include "redline/extract.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void extract(rl_item_list *list, const char *html, const char *base)
{
	rl_extract_opts opts = { .base_url = base };
	assert_int_equal(rl_extract_html(list, html, strlen(html), &opts), 0);
}

/* Two linked headings in a sidebar next to it. */
#define SIDEBAR "<div class=side><h3><a href=/v/1>全民微信时代，用语音功能发60秒是种怎样的体验</a></h3>" \
		"<h3><a href=/v/2>更多评论更多评论更多评论更多评论</a></h3></div>"

/* A Chinese article: paragraphs of 35-60 characters, each as much text as
 * 100-180 Latin letters.  Measured in bytes or characters alone it is too
 * short to be an article, and the two headings made it a list of two
 * empty stories. */
static void test_cjk_paragraphs_are_an_article(void **state)
{
	rl_item_list l = RL_ITEM_LIST_INIT;
	const char *html =
		"<html><head><title>人工智能迈上新台阶</title></head><body>" SIDEBAR
		"<div id=main><p>谷歌在2014年收购的人工智能公司开发出一款能够用自己的记忆学习新知识并利用这些知识来回答问题的计算机。</p>"
		"<p>这款产品具有极其重要的意义，因为这意味着未来的人工智能技术可能不需要人类来教它就能回答人类提出的问题。</p>"
		"<p>这款名为可微神经计算机的模型可以接受家谱和伦敦地铁网络地图这样的信息，还可以回答与那些数据结构有关的问题。</p>"
		"<p>同样，它还可以理解和回答某个大家族中的成员之间的关系这样的复杂问题，比如张三的大舅是谁。</p>"
		"</div></body></html>";

	extract(&l, html, "https://tech.example/a/1.htm");
	assert_int_equal(l.n, 1);
	assert_non_null(strstr(l.v[0].body, "可微神经计算机"));
	assert_null(strstr(l.v[0].body, "更多评论"));
	rl_item_list_release(&l);
}

#define RUN "This paragraph of the story is written between line breaks, as older " \
	    "publishing systems do, and it is long enough to count as one paragraph.<br><br>"

/* <br>-separated text is several paragraphs, not one long unit. */
static void test_br_separated_paragraphs(void **state)
{
	rl_item_list l = RL_ITEM_LIST_INIT;
	const char *html = "<html><head><title>Story</title></head><body>"
			   "<div class=side><h3><a href=/x>Another story of the day</a></h3>"
			   "<h3><a href=/y>Yet another story of the day</a></h3></div>"
			   "<div id=art>" RUN RUN RUN RUN "</div></body></html>";

	extract(&l, html, "https://n.example/s");
	assert_int_equal(l.n, 1);
	assert_non_null(strstr(l.v[0].body, "older publishing systems"));
	assert_null(strstr(l.v[0].body, "Another story"));
	rl_item_list_release(&l);
}

#define PARA "<p>This is a real paragraph of the story, long enough to count, with commas, " \
	     "clauses and a full stop at its end, as news paragraphs are.</p>"

/* The page's own picture above its body field (a hero image with its
 * caption) is part of the story: removing it is a change. */
static void test_hero_caption_is_story_text(void **state)
{
	rl_item_list l = RL_ITEM_LIST_INIT;
	const char *html = "<html><head><title>Collaboration</title></head><body>"
			   "<div id=nav><a href=/a>Home</a> <a href=/b>About</a></div>"
			   "<div class=content><div class=field-hero><div class=hero>"
			   "<img src=/p.jpg alt=\"Two presidents\"><p>In 2009 two presidents announced "
			   "the research centre.</p></div></div>"
			   "<div class=field-body><div class=item>" PARA PARA PARA "</div></div></div>"
			   "</body></html>";

	extract(&l, html, "https://gov.example/c");
	assert_int_equal(l.n, 1);
	assert_non_null(strstr(l.v[0].body, "two presidents announced"));
	assert_non_null(strstr(l.v[0].body, "real paragraph"));
	assert_null(strstr(l.v[0].body, "About"));
	rl_item_list_release(&l);
}

/* A card whose heading sits outside its <article> (header, article, an
 * action link): one story per card, titled by its heading, and the link
 * line ("View this Dataset") is part of it. */
#define CARD(h, t, extra) "<div class=highlight><header><h2>" h "</h2></header>" \
	"<article><p>" t " is described here in one long sentence of the card.</p></article>" extra "</div>"
static void test_card_heading_and_link_lines(void **state)
{
	rl_item_list l = RL_ITEM_LIST_INIT;
	const char *html = "<html><body>"
			   CARD("Rural housing data", "The rural housing data", "")
			   CARD("Weather service data", "The weather radar mosaic",
				"<div class=dataset-link><a href=/dataset/radar>View this Dataset</a></div>")
			   "</body></html>";

	extract(&l, html, "https://data.example/");
	assert_int_equal(l.n, 2);
	assert_string_equal(l.v[0].title, "Rural housing data");
	assert_string_equal(l.v[1].title, "Weather service data");
	assert_non_null(strstr(l.v[1].body, "View this Dataset"));
	assert_null(strstr(l.v[0].body, "View this Dataset"));
	rl_item_list_release(&l);
}

/* A picture's caption inside the article is story text; a teaser figure
 * (a link to another page) and a credit line are not. */
static void test_figure_caption_in_body(void **state)
{
	rl_item_list l = RL_ITEM_LIST_INIT;
	const char *html = "<html><head><meta property=og:type content=article>"
			   "<meta property=og:title content=\"Flood\"></head><body>"
			   "<div class=article-body>" PARA
			   "<figure><img src=/f.jpg alt=\"The river\"><figcaption>The river broke its "
			   "banks at dawn.<span class=credit>Photo: Agency</span></figcaption></figure>"
			   PARA "<figure><a href=/other><img src=/o.jpg><figcaption>Another story "
			   "elsewhere</figcaption></a></figure>" PARA "</div></body></html>";

	extract(&l, html, "https://n.example/flood");
	assert_int_equal(l.n, 1);
	assert_non_null(strstr(l.v[0].body, "The river broke its banks at dawn."));
	assert_null(strstr(l.v[0].body, "Photo: Agency"));
	assert_null(strstr(l.v[0].body, "Another story"));
	rl_item_list_release(&l);
}

/* Promo lines inside the article body go by structure, whatever their
 * words: a short line that is all link, a row of share links, a sign-up
 * block with a form control; a paragraph with a link in it stays. */
static void test_promo_lines_by_structure(void **state)
{
	rl_item_list l = RL_ITEM_LIST_INIT;
	const char *html =
		"<html><head><meta property=og:type content=article>"
		"<meta property=og:title content=\"Budget\"></head><body>"
		"<div class=article-body>" PARA
		"<p>Ook interessant: <a href=/x>Kabinet valt over stikstof</a></p>"
		"<div class=row><a href=/fb>Facebook</a> <a href=/tw>X</a> <a href=/m>E-mail</a></div>" PARA
		"<div class=box><p>Get our morning briefing in your inbox.</p><input type=email>"
		"<button>Go</button></div>"
		"<p>The minister, who <a href=/bio>spoke to reporters</a> on Tuesday, said the budget "
		"would be balanced by the end of the next parliamentary term.</p>" PARA
		"</div></body></html>";

	extract(&l, html, "https://n.example/budget");
	assert_int_equal(l.n, 1);
	assert_null(strstr(l.v[0].body, "Kabinet valt"));
	assert_null(strstr(l.v[0].body, "Facebook"));
	assert_null(strstr(l.v[0].body, "morning briefing"));
	assert_non_null(strstr(l.v[0].body, "spoke to reporters"));
	rl_item_list_release(&l);
}

/* Publishers wrap the locked part of a story in class="paywall" and serve
 * it whole to crawlers: that is the story's continuation, not a prompt. */
static void test_paywall_wrapper_is_story(void **state)
{
	rl_item_list l = RL_ITEM_LIST_INIT;
	const char *html = "<html><head><meta property=og:type content=article>"
			   "<meta property=og:title content=\"Earnings\"></head><body>"
			   "<div class=article-body>" PARA PARA PARA "<div class=paywall>" PARA
			   "<p>The locked half of the story says the shares fell five per cent, "
			   "which analysts had not expected at all.</p></div></div></body></html>";

	extract(&l, html, "https://n.example/earnings");
	assert_int_equal(l.n, 1);
	assert_non_null(strstr(l.v[0].body, "locked half of the story"));
	rl_item_list_release(&l);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_cjk_paragraphs_are_an_article),
		cmocka_unit_test(test_br_separated_paragraphs),
		cmocka_unit_test(test_hero_caption_is_story_text),
		cmocka_unit_test(test_figure_caption_in_body),
		cmocka_unit_test(test_promo_lines_by_structure),
		cmocka_unit_test(test_paywall_wrapper_is_story),
		cmocka_unit_test(test_card_heading_and_link_lines),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
