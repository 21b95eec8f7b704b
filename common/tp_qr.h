/*
 * QR codes as SVG (libqrencode underneath), for participants' cards, the
 * session QR on the kiosk screen and posters. Error correction is level M.
 * Text made only of the QR alphanumeric set (0-9 A-Z space $ % * + - . / :),
 * such as a card token, is encoded in alphanumeric mode, which gives a
 * smaller code; anything else in 8-bit mode, as bytes (no ECI header).
 * Rasterising is left to the browser or the printer.
 */
#ifndef TP_QR_H
#define TP_QR_H

#include "tp_buf.h"

/* The longest text accepted, in bytes. */
#define TP_QR_MAX_TEXT 1000

/*
 * Appends to out an SVG fragment that draws the QR code of text into the
 * square at (x, y) of side size in the caller's coordinates: a <g> holding
 * a white <rect> over the whole square (the 4-module quiet zone included)
 * and one <path> of the black modules, with shape-rendering="crispEdges".
 * Returns 0; -EINVAL when text is empty or longer than TP_QR_MAX_TEXT bytes,
 * or x, y or size is not a number within 1e9 either way, or size is not
 * positive; -E2BIG when out's
 * cap is reached; -ENOMEM or -ERANGE when libqrencode fails. On failure out
 * is unchanged. text is borrowed.
 */
int tp_qr_svg_group(const char *text, double x, double y, double size,
		    struct tp_buf *out);

/*
 * Appends a standalone SVG document of the QR code of text, pixels wide and
 * high (1-10000), whose viewBox counts modules: "0 0 W W" with W the code's
 * width plus the quiet zone. Errors as tp_qr_svg_group, and -EINVAL for
 * pixels out of range.
 */
int tp_qr_svg(const char *text, int pixels, struct tp_buf *out);

#endif
