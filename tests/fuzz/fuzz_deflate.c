/* Git objects and WARC records as rl_deflater_compress() writes them
 * (small ones by our own encoder, deflate_small.c) must inflate back to
 * the same bytes through zlib, the decoder git itself uses: a stream that
 * does not would be an object lost from the archive; the same stream
 * again into a buffer of exactly its size.  The first byte picks the
 * kind; the rest is the content. */
#include "fuzz.h"
#include "redline/deflater.h"
#include "../../src/util/deflate_small.h"

#include <zlib.h>

static void inflates_back(const unsigned char *z, size_t n, int gzip, const uint8_t *want,
			  size_t len)
{
	z_stream s;
	unsigned char *back = malloc(len + 1);

	memset(&s, 0, sizeof(s));
	if (back == NULL || inflateInit2(&s, gzip ? 16 + 15 : 15) != Z_OK)
		abort();
	s.next_in = (unsigned char *)z;
	s.avail_in = (uInt)n;
	s.next_out = back;
	s.avail_out = (uInt)len + 1;
	/* the whole stream, to its checksum, and not a byte more or less */
	if (inflate(&s, Z_FINISH) != Z_STREAM_END || s.total_out != len || s.avail_in != 0 ||
	    (len > 0 && memcmp(back, want, len) != 0))
		abort();
	inflateEnd(&s);
	free(back);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	size_t cap, n;
	unsigned char *out;
	int gzip;

	if (size == 0)
		return 0;
	gzip = data[0] & 1;
	data++;
	size--;
	cap = rl_deflater_bound(size);
	if ((out = malloc(cap)) == NULL)
		return 0;
	if (rl_deflater_compress(&n, gzip ? RL_DEFLATER_GZIP : RL_DEFLATER_GIT, out, cap, data,
				 size) < 0)
		abort(); /* the bound rules out "does not fit" */
	inflates_back(out, n, gzip, data, size);
	/* again into exactly the stream's room: the small encoder, whose
	 * stores run 8 bytes ahead, must write it aside, the same bytes */
	if (size <= RL_DEFLATE_SMALL_MAX) { /* libdeflate above, which wants slack */
		unsigned char *again = malloc(n ? n : 1);
		size_t m;
		if (again == NULL)
			abort();
		if (rl_deflater_compress(&m, gzip ? RL_DEFLATER_GZIP : RL_DEFLATER_GIT, again, n, data,
					 size) < 0 ||
		    m != n || memcmp(again, out, n) != 0)
			abort();
		free(again);
	}
	free(out);
	rl_error_clear();
	return 0;
}
