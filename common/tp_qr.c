/*
 * QR codes to SVG; see tp_qr.h. libqrencode chooses the version (the
 * smallest that holds the text at level M) and the mask; this file picks
 * the mode and turns the module matrix into one path, a rectangle per
 * horizontal run of black modules, in module units under a transform.
 */
#include "tp_qr.h"

#include <errno.h>
#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include <qrencode.h>

#define QUIET 4                       /* modules of white around the code */
#define SVG_CAP (4u * 1024 * 1024)    /* far above version 40's path */
#define MAX_COORD 1e9                 /* keeps "%.3f" short; NaN fails too */

static bool is_alphanumeric(const char *s)
{
	for (; *s; s++) {
		char c = *s;
		if (!((c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z')
		      || strchr(" $%*+-./:", c)))
			return false;
	}
	return true;
}

/* Encodes text, or returns NULL with errno set. */
static QRcode *encode(const char *text)
{
	QRencodeMode mode = is_alphanumeric(text) ? QR_MODE_AN : QR_MODE_8;
	QRinput *input = QRinput_new2(0, QR_ECLEVEL_M);
	QRcode *code = NULL;

	if (!input)
		return NULL;
	if (QRinput_append(input, mode, (int)strlen(text),
			   (const unsigned char *)text) == 0)
		code = QRcode_encodeInput(input);
	if (!code && errno == 0)
		errno = ERANGE;
	QRinput_free(input);
	return code;
}

/* Appends v with at most three decimals and no trailing zeros. */
static void put_number(struct tp_buf *b, double v)
{
	char s[64];
	int n = snprintf(s, sizeof s, "%.3f", v);

	if (n <= 0 || (size_t)n >= sizeof s) {
		tp_buf_puts(b, "0");
		return;
	}
	while (n > 1 && s[n - 1] == '0')
		n--;
	if (s[n - 1] == '.')
		n--;
	if (n == 2 && s[0] == '-' && s[1] == '0') {
		s[0] = '0';             /* "-0.000" from a tiny negative */
		n = 1;
	}
	tp_buf_append(b, s, (size_t)n);
}

/* Appends the <g> for code to b (whose cap is ample). */
static void put_group(const QRcode *code, double x, double y, double size,
		      struct tp_buf *b)
{
	int w = code->width;
	double module = size / (w + 2 * QUIET);

	tp_buf_puts(b, "<g><rect x=\"");
	put_number(b, x);
	tp_buf_puts(b, "\" y=\"");
	put_number(b, y);
	tp_buf_puts(b, "\" width=\"");
	put_number(b, size);
	tp_buf_puts(b, "\" height=\"");
	put_number(b, size);
	tp_buf_puts(b, "\" fill=\"#fff\" shape-rendering=\"crispEdges\"/>"
		    "<path fill=\"#000\" shape-rendering=\"crispEdges\" "
		    "transform=\"translate(");
	put_number(b, x);
	tp_buf_puts(b, " ");
	put_number(b, y);
	tp_buf_puts(b, ") scale(");
	/* Six decimals: a module of a small code in a large square must not
	 * drift by rounding across 40 odd modules. */
	tp_buf_printf(b, "%.6f", module);
	tp_buf_puts(b, ")\" d=\"");
	for (int row = 0; row < w; row++) {
		const unsigned char *line = code->data + (size_t)row * (size_t)w;
		for (int col = 0; col < w;) {
			if (!(line[col] & 1)) {
				col++;
				continue;
			}
			int run = 1;
			while (col + run < w && (line[col + run] & 1))
				run++;
			tp_buf_printf(b, "M%d %dh%dv1h-%dz", col + QUIET,
				      row + QUIET, run, run);
			col += run;
		}
	}
	tp_buf_puts(b, "\"/></g>");
}

static int check_text(const char *text)
{
	size_t len = text ? strlen(text) : 0;
	return len == 0 || len > TP_QR_MAX_TEXT ? -EINVAL : 0;
}

/* Appends the finished scratch buffer to out in one step, so a failure
 * leaves out unchanged, and releases it. */
static int finish(struct tp_buf *scratch, struct tp_buf *out)
{
	int r = scratch->len ? tp_buf_append(out, scratch->data, scratch->len)
			     : -ENOMEM;
	tp_buf_release(scratch);
	return r;
}

int tp_qr_svg_group(const char *text, double x, double y, double size,
		    struct tp_buf *out)
{
	struct tp_buf scratch;
	QRcode *code;

	if (check_text(text) < 0 || !(fabs(x) <= MAX_COORD)
	    || !(fabs(y) <= MAX_COORD) || !(size > 0 && size <= MAX_COORD))
		return -EINVAL;
	errno = 0;
	code = encode(text);
	if (!code)
		return errno == ENOMEM ? -ENOMEM : -ERANGE;
	tp_buf_init(&scratch, SVG_CAP);
	put_group(code, x, y, size, &scratch);
	QRcode_free(code);
	return finish(&scratch, out);
}

int tp_qr_svg(const char *text, int pixels, struct tp_buf *out)
{
	struct tp_buf scratch;
	QRcode *code;
	int w;

	if (check_text(text) < 0 || pixels < 1 || pixels > 10000)
		return -EINVAL;
	errno = 0;
	code = encode(text);
	if (!code)
		return errno == ENOMEM ? -ENOMEM : -ERANGE;
	w = code->width + 2 * QUIET;
	tp_buf_init(&scratch, SVG_CAP);
	tp_buf_printf(&scratch,
		      "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
		      "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" "
		      "height=\"%d\" viewBox=\"0 0 %d %d\">", pixels, pixels, w, w);
	put_group(code, 0, 0, w, &scratch);
	tp_buf_puts(&scratch, "</svg>\n");
	QRcode_free(code);
	return finish(&scratch, out);
}
