/*
 * item.c - lists of extracted stories.
 */
#include "redline/item.h"
#include "redline/buf.h"
#include "redline/error.h"

#include <stdlib.h>
#include <string.h>

int rl_item_list_add(rl_item **out, rl_item_list *list)
{
	int error;

	if (list->n >= RL_ITEMS_MAX)
		return rl_error_set(RL_ETOOBIG, "snapshot has more than %d items", RL_ITEMS_MAX);
	if ((error = rl_array_grow(&list->v, &list->cap, list->n, sizeof(*list->v), 16)) < 0)
		return error;
	*out = &list->v[list->n++];
	memset(*out, 0, sizeof(**out));
	return 0;
}

void rl_item_clear(rl_item *item)
{
	free(item->guid);
	free(item->link);
	free(item->title);
	free(item->body);
	free(item->key);
	free(item->url);
	free(item->id);
	free(item->path);
	free(item->text);
	free(item->status);
	free(item->packed.bytes);
	memset(item, 0, sizeof(*item));
}

void rl_item_list_release(rl_item_list *list)
{
	for (size_t i = 0; i < list->n; i++)
		rl_item_clear(&list->v[i]);
	free(list->v);
	list->v = NULL;
	list->n = list->cap = 0;
}
