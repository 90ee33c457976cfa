/* Splitting importer lines into words. */
#include <string.h>

#include "twofa/parse.h"

static int is_sep(char c, const char *seps)
{
	return c != '\0' && strchr(seps, c) != NULL;
}

size_t twofa_split_words(const char *s, size_t n, const char *seps,
			 const char **w, size_t *wl, size_t max)
{
	size_t i = 0, count = 0;

	while (i < n) {
		size_t start;

		while (i < n && is_sep(s[i], seps))
			i++;
		if (i == n)
			break;
		start = i;
		while (i < n && !is_sep(s[i], seps))
			i++;
		if (count == max)
			return max + 1;
		w[count] = s + start;
		wl[count] = i - start;
		count++;
	}
	return count;
}
