/*
 * rederive_follow.c - the stories of a source that follows article pages,
 * derived again from the captures of one commit.
 *
 * A followed source's commit merges its listing with the article pages
 * fetched in the same cycle (run_follow.c): each story keeps the listing's
 * title (or the article's, when the listing has none) and takes its body
 * from its article page when that was fetched and readable; a story whose
 * article was not due, failed or was gone keeps the body the archive had.
 * Every page that went into the commit is captured in it, so the merge is
 * replayed here from the captures alone: listing items, matched to their
 * article pages by the link run_follow.c followed (normalised against the
 * listing's URL), then the ordinary normalisation and rendering.
 */
#include "evidence_internal.h"
#include "redline/capture.h"
#include "redline/error.h"
#include "redline/extract.h"
#include "redline/ingest.h"
#include "redline/normalise.h"
#include "redline/snapshot.h"
#include "redline/url.h"

#include <stdlib.h>
#include <string.h>

static int is_http(const char *s)
{
	return s && (strncmp(s, "http://", 7) == 0 || strncmp(s, "https://", 8) == 0);
}

/* The link run_follow.c fetched for an item: its link, else an http GUID. */
static char *followed_url(const rl_item *it, const char *listing_url)
{
	char *url = NULL, *guid = NULL;
	const char *link = it->link;

	if (link == NULL && it->guid) {
		size_t skip = strspn(it->guid, " \t\r\n"), n;
		guid = strdup(it->guid + skip);
		for (n = guid ? strlen(guid) : 0; n > 0 && strchr(" \t\r\n", guid[n - 1]); n--)
			guid[n - 1] = '\0';
		if (is_http(guid))
			link = guid;
	}
	if (link == NULL || rl_url_normalise(&url, link, listing_url) < 0)
		rl_error_clear();
	free(guid);
	return url;
}

/* run_follow.c's may_follow(): the source's own site, or a follow-host. */
static int may_follow(const rl_source_config *config, const char *url)
{
	if (!is_http(url))
		return 0;
	if (config->url && rl_url_same_site(url, config->url))
		return 1;
	for (size_t i = 0; i < config->follow_hosts.n; i++)
		if (rl_url_host_within(url, config->follow_hosts.v[i]))
			return 1;
	return 0;
}

int evidence_followed_id(char id[13], const rl_item *it, const char *listing_url,
			 const rl_source_config *config)
{
	char *url = followed_url(it, listing_url), *guid = NULL;
	size_t n;

	if (url == NULL || !may_follow(config, url)) {
		free(url);
		return 0;
	}
	/* The identity run_follow.c gives it: its GUID (ends trimmed), else the link. */
	if (it->guid) {
		const char *g = it->guid + strspn(it->guid, " \t\r\n");
		for (n = strlen(g); n > 0 && strchr(" \t\r\n", g[n - 1]); n--)
			;
		if (n)
			guid = strndup(g, n);
	}
	rl_snapshot_id_for_key(id, guid ? guid : url);
	free(guid);
	free(url);
	return 1;
}

static const evidence_page *page_for(const evidence_page *pages, size_t n, const char *url)
{
	for (size_t i = 0; url && i < n; i++)
		if (!pages[i].listing && ((pages[i].target && strcmp(pages[i].target, url) == 0) ||
					  (pages[i].requested && strcmp(pages[i].requested, url) == 0)))
			return pages[i].status == 0 || (pages[i].status >= 200 && pages[i].status < 300)
				? &pages[i] : NULL;
	return NULL;
}

/* The article's main text into `it` (its body; its title if it has none).
 * 1 when the article gave a body. */
static int merge_article(rl_item *it, const evidence_page *p)
{
	rl_extract_opts xo = { 0 };
	rl_item article = { 0 };
	int used = 0;

	xo.base_url = p->target;
	xo.charset = p->charset;
	if (rl_extract_article(&article, p->data, p->len, &xo) == 0 && article.body &&
	    *article.body) {
		free(it->body);
		it->body = article.body;
		article.body = NULL;
		if (it->title == NULL) {
			it->title = article.title;
			article.title = NULL;
		}
		used = 1;
	}
	rl_error_clear(); /* an unreadable article changes nothing, as in run_follow.c */
	rl_item_clear(&article);
	return used;
}

static int render_all(evidence_story_set *out, rl_item_list *items, const rl_source_config *config,
		      const char *source, const char *base_url, const unsigned char *from_article)
{
	rl_normaliser *normaliser = NULL;
	rl_buf content = RL_BUF_INIT(RL_CAPTURE_MAX);
	int error;

	/* rl_snapshot_prepare may drop items: carry the flag in `keep`, which
	 * prepare leaves alone and rendering does not read. */
	for (size_t i = 0; i < items->n; i++)
		items->v[i].keep = from_article && from_article[i] ? 0x100u : 0;
	if ((error = rl_normaliser_new(&normaliser, (const char *const *)config->ignore.v,
				       config->ignore.n)) < 0 ||
	    (error = rl_snapshot_prepare(items, normaliser, base_url)) < 0)
		goto done;
	for (size_t i = 0; i < items->n; i++) {
		rl_item *it = &items->v[i];
		char id[13];
		unsigned art = it->keep & 0x100u;
		if (it->key == NULL)
			continue; /* no identity: run_follow.c cannot have followed it either */
		rl_snapshot_id_for_key(id, it->key);
		it->keep = 0;
		rl_buf_clear(&content);
		if ((error = rl_snapshot_render(it, source, 0, NULL)) < 0 ||
		    (error = evidence_story_content(&content, it->text)) < 0 ||
		    (error = rl_strvec_push(&out->ids, id)) < 0 ||
		    (error = rl_strvec_push(&out->contents, content.ptr ? content.ptr : "")) < 0 ||
		    (error = rl_strvec_push(&out->from_article, art ? "1" : "")) < 0)
			goto done;
	}
done:
	rl_buf_release(&content);
	rl_normaliser_free(normaliser);
	return error;
}

int evidence_follow_items(rl_item_list *items, unsigned char **from_article,
			  const rl_source_config *config, const char *source,
			  const evidence_page *pages, size_t n_pages)
{
	const evidence_page *listing = NULL;
	rl_ingest_opts opts = { 0 };
	int error;

	*from_article = NULL;
	for (size_t i = 0; i < n_pages && !listing; i++)
		if (pages[i].listing)
			listing = &pages[i];
	if (listing == NULL)
		return rl_error_set(RL_ENOTFOUND, "no capture of the listing of '%s'", source);
	opts.source_url = listing->target;
	opts.charset = listing->charset;
	if ((error = rl_ingest_extract(items, config, listing->data, listing->len, &opts)) < 0)
		return error;
	if ((*from_article = calloc(items->n + 1, 1)) == NULL)
		return rl_error_set(RL_ENOMEM, "out of memory");
	for (size_t i = 0; i < items->n; i++) {
		char *url = followed_url(&items->v[i], listing->target);
		const evidence_page *p = page_for(pages, n_pages, url);
		if (p)
			(*from_article)[i] = (unsigned char)merge_article(&items->v[i], p);
		free(url);
	}
	return 0;
}

int evidence_rederive_follow(evidence_story_set *out, const rl_source_config *config,
			     const char *source, const evidence_page *pages, size_t n_pages)
{
	rl_item_list items = RL_ITEM_LIST_INIT;
	unsigned char *from_article = NULL;
	const char *base = config->url;
	int error;

	for (size_t i = 0; i < n_pages; i++)
		if (pages[i].listing && pages[i].target)
			base = pages[i].target;
	if ((error = evidence_follow_items(&items, &from_article, config, source, pages,
					   n_pages)) == 0)
		error = render_all(out, &items, config, source, base, from_article);
	free(from_article);
	rl_item_list_release(&items);
	return error;
}

int evidence_rederive_article(rl_buf *out, const rl_source_config *config, const char *title,
			      const evidence_page *page)
{
	evidence_story_set set = EVIDENCE_STORY_SET_INIT;
	rl_item_list items = RL_ITEM_LIST_INIT;
	rl_item *it = NULL;
	int error;

	if (page->status && (page->status < 200 || page->status >= 300))
		return rl_error_set(RL_ENOTFOUND, "the article page answered %ld", page->status);
	if ((error = rl_item_list_add(&it, &items)) < 0)
		goto done;
	/* A due article of an unchanged listing: the story keeps its header. */
	if ((it->title = strdup(title ? title : "")) == NULL ||
	    (page->target && (it->link = strdup(page->target)) == NULL)) {
		error = rl_error_set(RL_ENOMEM, "out of memory");
		goto done;
	}
	if (!merge_article(it, page)) {
		error = rl_error_set(RL_ENOTFOUND, "the article page gives no text");
		goto done;
	}
	if ((error = render_all(&set, &items, config, "x", page->target, NULL)) < 0)
		goto done;
	rl_buf_clear(out);
	error = set.contents.n ? rl_buf_puts(out, set.contents.v[0])
			       : rl_error_set(RL_ENOTFOUND, "the article page gives no text");
done:
	evidence_story_set_release(&set);
	rl_item_list_release(&items);
	return error;
}

void evidence_story_set_release(evidence_story_set *set)
{
	rl_strvec_release(&set->ids);
	rl_strvec_release(&set->contents);
	rl_strvec_release(&set->from_article);
}
