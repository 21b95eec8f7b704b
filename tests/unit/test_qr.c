/* Tests for tp_qr: the SVG must decode back to the text. Each code is
 * rendered to PNG with rsvg-convert and read with zbarimg (both from
 * `make deps`), in a temporary folder removed at the end. Also checks the
 * mode choice through the code's size, the embeddable group's geometry,
 * and the errors. */
#include "tp_qr.h"
#include "tp_token.h"
#include "../tap.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static char tmpdir[256];

static bool write_file(const char *path, const char *data)
{
	FILE *f = fopen(path, "w");
	if (!f)
		return false;
	bool good = fputs(data, f) >= 0;
	return fclose(f) == 0 && good;
}

/* Renders the SVG document svg to PNG and returns what zbarimg reads from
 * it (a new string without the final newline), or NULL. */
static char *scan(const char *svg)
{
	char svg_path[300], png_path[300], cmd[1024], out[4096];
	size_t n;
	FILE *p;

	snprintf(svg_path, sizeof svg_path, "%s/code.svg", tmpdir);
	snprintf(png_path, sizeof png_path, "%s/code.png", tmpdir);
	if (!write_file(svg_path, svg))
		return NULL;
	snprintf(cmd, sizeof cmd, "rsvg-convert -b white -o '%s' '%s'", png_path, svg_path);
	if (system(cmd) != 0) {
		diag("rsvg-convert failed");
		return NULL;
	}
	snprintf(cmd, sizeof cmd, "zbarimg --raw -q '%s' 2>/dev/null", png_path);
	p = popen(cmd, "r");
	if (!p)
		return NULL;
	n = fread(out, 1, sizeof out - 1, p);
	pclose(p);
	unlink(svg_path);
	unlink(png_path);
	out[n] = '\0';
	if (n > 0 && out[n - 1] == '\n')
		out[--n] = '\0';
	return n ? strdup(out) : NULL;
}

/* The module count in a standalone document's viewBox, or -1. */
static int viewbox_modules(const char *svg)
{
	const char *v = strstr(svg, "viewBox=\"0 0 ");
	int w, h;
	if (!v || sscanf(v, "viewBox=\"0 0 %d %d\"", &w, &h) != 2 || w != h)
		return -1;
	return w;
}

static int count(const char *hay, const char *needle)
{
	int n = 0;
	for (const char *p = hay; (p = strstr(p, needle)); p++)
		n++;
	return n;
}

static void roundtrip(const char *text, int pixels, int modules, const char *name)
{
	struct tp_buf b;
	tp_buf_init(&b, 1 << 20);
	is_int(tp_qr_svg(text, pixels, &b), 0, "%s: SVG made", name);
	if (modules > 0)
		is_int(viewbox_modules(tp_buf_str(&b)), modules, "%s: %d modules with the quiet zone", name, modules);
	char w[64];
	snprintf(w, sizeof w, "width=\"%d\" height=\"%d\"", pixels, pixels);
	ok(strstr(tp_buf_str(&b), w) != NULL, "%s: %s", name, w);
	is_int(count(tp_buf_str(&b), "<path"), 1, "%s: one path", name);
	char *got = scan(tp_buf_str(&b));
	is_str(got, text, "%s: decodes back", name);
	free(got);
	tp_buf_release(&b);
}

static void test_decode(void)
{
	char token[TP_CARD_TOKEN_LEN + 1], lower[TP_CARD_TOKEN_LEN + 1];

	if (tp_card_token_new(token) < 0)
		bail_out("no card token");
	/* 32 alphanumeric characters fit version 2 (25 modules, 33 with the
	 * quiet zone) at level M only in alphanumeric mode; as bytes they
	 * need version 3 (29, 37). */
	roundtrip(token, 330, 33, "card token");
	for (size_t i = 0; i <= TP_CARD_TOKEN_LEN; i++)
		lower[i] = (char)(token[i] >= 'A' && token[i] <= 'Z' ? token[i] + 32 : token[i]);
	roundtrip(lower, 370, 37, "lowercase token in 8-bit mode");
	roundtrip("https://touchpoint.example/checkin?s=k7wq3mzd&lang=zh-HK", 300, 0, "URL");
	roundtrip("陳大文 你好", 200, 0, "Chinese text");
	roundtrip("A", 100, 29, "one character (version 1)");
}

static void test_group(void)
{
	struct tp_buf b;
	char token[TP_CARD_TOKEN_LEN + 1];

	if (tp_card_token_new(token) < 0)
		bail_out("no card token");
	tp_buf_init(&b, 1 << 20);
	tp_buf_puts(&b, "<?xml version=\"1.0\"?>\n<svg xmlns=\"http://www.w3.org/2000/svg\" "
		    "width=\"600\" height=\"380\" viewBox=\"0 0 600 380\">"
		    "<rect width=\"600\" height=\"380\" fill=\"#dde\"/>"
		    "<text x=\"20\" y=\"40\" font-size=\"24\">Touchpoint</text>");
	size_t before = b.len;
	is_int(tp_qr_svg_group(token, 330.5, 60, 250, &b), 0, "group made");
	const char *g = tp_buf_str(&b) + before;
	ok(strncmp(g, "<g>", 3) == 0, "a <g> element");
	ok(strstr(g, "<rect x=\"330.5\" y=\"60\" width=\"250\" height=\"250\" fill=\"#fff\"") != NULL,
	   "white square over the caller's square");
	ok(strstr(g, "translate(330.5 60) scale(7.575758)") != NULL,
	   "modules scaled to 250/33 in the caller's coordinates");
	is_int(count(g, "<path"), 1, "one path");
	ok(strstr(g, "<path fill=\"#000\" shape-rendering=\"crispEdges\"") != NULL, "crisp black path");
	ok(strstr(g, "M4 4h7v1h-7z") != NULL, "first finder row starts after the quiet zone");
	tp_buf_puts(&b, "</svg>\n");
	char *got = scan(tp_buf_str(&b));
	is_str(got, token, "QR embedded in a card decodes back");
	free(got);
	tp_buf_release(&b);

	tp_buf_init(&b, 1 << 20);
	is_int(tp_qr_svg_group("X", -10, 0.0004, 29, &b), 0, "negative and tiny coordinates");
	ok(strstr(tp_buf_str(&b), "<rect x=\"-10\" y=\"0\" width=\"29\"") != NULL,
	   "numbers written without trailing zeros or -0");
	tp_buf_release(&b);
}

static void test_errors(void)
{
	struct tp_buf b;
	char big[1002];

	tp_buf_init(&b, 1 << 20);
	tp_buf_puts(&b, "keep");
	is_int(tp_qr_svg("", 100, &b), -EINVAL, "empty text");
	is_int(tp_qr_svg(NULL, 100, &b), -EINVAL, "NULL text");
	memset(big, 'a', 1001);
	big[1001] = '\0';
	is_int(tp_qr_svg(big, 100, &b), -EINVAL, "1001 bytes");
	is_int(tp_qr_svg_group(big, 0, 0, 10, &b), -EINVAL, "1001 bytes in a group");
	is_int(tp_qr_svg("x", 0, &b), -EINVAL, "0 pixels");
	is_int(tp_qr_svg("x", 10001, &b), -EINVAL, "10001 pixels");
	is_int(tp_qr_svg_group("x", 0, 0, 0, &b), -EINVAL, "size 0");
	is_int(tp_qr_svg_group("x", 0, 0, -5, &b), -EINVAL, "negative size");
	is_int(tp_qr_svg_group("x", NAN, 0, 5, &b), -EINVAL, "NaN x");
	is_int(tp_qr_svg_group("x", 0, INFINITY, 5, &b), -EINVAL, "infinite y");
	is_int(tp_qr_svg_group("x", 0, 0, 2e9, &b), -EINVAL, "absurd size");
	is_str(tp_buf_str(&b), "keep", "failures leave the buffer as it was");

	big[1000] = '\0';
	is_int(tp_qr_svg(big, 1000, &b), 0, "1000 bytes in 8-bit mode fit");
	ok(strncmp(tp_buf_str(&b), "keep<?xml", 9) == 0, "appended after what was there");
	memset(big, '7', 1000);
	tp_buf_release(&b);
	tp_buf_init(&b, 1 << 20);
	is_int(tp_qr_svg(big, 1000, &b), 0, "1000 digits fit");
	tp_buf_release(&b);

	tp_buf_init(&b, 200);
	tp_buf_puts(&b, "keep");
	is_int(tp_qr_svg("HELLO", 100, &b), -E2BIG, "a full buffer");
	is_str(tp_buf_str(&b), "keep", "left as it was");
	tp_buf_release(&b);
}

int main(void)
{
	const char *base = getenv("TMPDIR");
	snprintf(tmpdir, sizeof tmpdir, "%s/tp_qr_XXXXXX", base && *base ? base : "/tmp");
	if (!mkdtemp(tmpdir))
		bail_out("mkdtemp: %s", strerror(errno));
	ok(system("command -v rsvg-convert >/dev/null && command -v zbarimg >/dev/null") == 0,
	   "rsvg-convert and zbarimg are installed (make deps)");
	test_decode();
	test_group();
	test_errors();
	rmdir(tmpdir);
	return done_testing();
}
