/*
 * deflate_bench.c - zlib (what redline used) against libdeflate (what it
 * uses, redline/deflater.h) on the inputs redline compresses: story files
 * and pages.  Each file is compressed as one stream of its own, as a git
 * object or a WARC record is: zlib with one stream reset between files
 * (its fastest use), libdeflate with one compressor.  CPU time per file and
 * output size, side by side, from one run.
 *
 *   deflate_bench ROUNDS LEVEL GZIP FILE...
 */
#include <libdeflate.h>
#include <zlib.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define MAX_FILE (16u << 20)

static double cpu_now(void)
{
	struct timespec t;
	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t);
	return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

int main(int argc, char **argv)
{
	int rounds, level, gzip, n;
	unsigned char **in, *out;
	size_t *len, total = 0, cap = 0, zsize = 0, dsize = 0;
	double t0, zcpu, dcpu;
	z_stream z;
	struct libdeflate_compressor *c;

	if (argc < 5) {
		fprintf(stderr, "usage: deflate_bench ROUNDS LEVEL GZIP(0|1) FILE...\n");
		return 2;
	}
	rounds = atoi(argv[1]);
	level = atoi(argv[2]);
	gzip = atoi(argv[3]);
	n = argc - 4;
	in = calloc((size_t)n, sizeof(*in));
	len = calloc((size_t)n, sizeof(*len));
	if (in == NULL || len == NULL || rounds < 1 || level < 0 || level > 9)
		return 2;
	for (int i = 0; i < n; i++) {
		FILE *f = fopen(argv[4 + i], "rb");
		if (f == NULL || (in[i] = malloc(MAX_FILE)) == NULL) {
			perror(argv[4 + i]);
			return 1;
		}
		len[i] = fread(in[i], 1, MAX_FILE, f);
		fclose(f);
		total += len[i];
		if (compressBound((uLong)len[i]) + 64 > cap)
			cap = compressBound((uLong)len[i]) + 64;
	}
	if ((out = malloc(cap)) == NULL)
		return 1;

	memset(&z, 0, sizeof(z));
	if (deflateInit2(&z, level, Z_DEFLATED, gzip ? 15 + 16 : 15, 8, Z_DEFAULT_STRATEGY) != Z_OK)
		return 1;
	t0 = cpu_now();
	for (int r = 0; r < rounds; r++)
		for (int i = 0; i < n; i++) {
			deflateReset(&z);
			z.next_in = in[i];
			z.avail_in = (uInt)len[i];
			z.next_out = out;
			z.avail_out = (uInt)cap;
			if (deflate(&z, Z_FINISH) != Z_STREAM_END)
				return 1;
			if (r == 0)
				zsize += cap - z.avail_out;
		}
	zcpu = cpu_now() - t0;
	deflateEnd(&z);

	if ((c = libdeflate_alloc_compressor(level)) == NULL)
		return 1;
	t0 = cpu_now();
	for (int r = 0; r < rounds; r++)
		for (int i = 0; i < n; i++) {
			size_t k = gzip ? libdeflate_gzip_compress(c, in[i], len[i], out, cap)
					: libdeflate_zlib_compress(c, in[i], len[i], out, cap);
			if (k == 0)
				return 1;
			if (r == 0)
				dsize += k;
		}
	dcpu = cpu_now() - t0;
	libdeflate_free_compressor(c);

	printf("| %d files of %zu bytes on average, level %d%s | zlib | libdeflate | libdeflate / zlib |\n",
	       n, total / (size_t)n, level, gzip ? ", gzip" : "");
	printf("|---|---:|---:|---:|\n");
	printf("| CPU per file | %.2f us | %.2f us | %.2f |\n", zcpu / rounds / n * 1e6,
	       dcpu / rounds / n * 1e6, dcpu / zcpu);
	printf("| output, %% of input | %.2f %% | %.2f %% | %.3f |\n", 100.0 * (double)zsize / (double)total,
	       100.0 * (double)dsize / (double)total, (double)dsize / (double)zsize);
	for (int i = 0; i < n; i++)
		free(in[i]);
	free(in);
	free(len);
	free(out);
	return 0;
}
