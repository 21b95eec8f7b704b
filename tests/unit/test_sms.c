/* Tests for tp_sms: segment counts at the exact edges of GSM-7 (160/161,
 * 306/307) and UCS-2 (70/71, 134/135), extension characters counting two
 * and never split, one Chinese character or emoji turning a text UCS-2,
 * emoji taking two UTF-16 units and never split, and invalid UTF-8. */
#include "tp_sms.h"
#include "../tap.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* n copies of unit (a UTF-8 string) followed by tail, in a new string. */
static char *rep(const char *unit, size_t n, const char *tail)
{
	size_t ul = strlen(unit), tl = strlen(tail);
	char *s = malloc(ul * n + tl + 1);
	for (size_t i = 0; i < n; i++)
		memcpy(s + i * ul, unit, ul);
	memcpy(s + ul * n, tail, tl + 1);
	return s;
}

static void check(const char *unit, size_t n, const char *tail, int ucs2, size_t units,
		  size_t segments, const char *name)
{
	char *s = rep(unit, n, tail);
	struct tp_sms_length l;
	int r = tp_sms_length(s, &l);
	is_int(r, 0, "%s: counted", name);
	is_int(l.ucs2, ucs2, "%s: %s", name, ucs2 ? "UCS-2" : "GSM-7");
	is_int(l.units, units, "%s: %zu units", name, units);
	is_int(l.segments, segments, "%s: %zu segments", name, segments);
	free(s);
}

int main(void)
{
	check("a", 0, "", 0, 0, 1, "an empty text");
	check("a", 160, "", 0, 160, 1, "160 GSM characters");
	check("a", 161, "", 0, 161, 2, "161 GSM characters");
	check("a", 306, "", 0, 306, 2, "306 GSM characters (2 x 153)");
	check("a", 307, "", 0, 307, 3, "307 GSM characters");
	check("@£$¥èé", 1, "", 0, 6, 1, "GSM's own accented letters and signs");
	check("a", 158, "€", 0, 160, 1, "158 + the euro sign: 160 septets");
	check("a", 159, "€", 0, 161, 2, "159 + the euro sign: 161 septets");
	check("[]{}\\^~|", 1, "", 0, 16, 1, "each extension character takes two");
	/* 306 septets: two full segments, unless a pair would be split. */
	char *tail = rep("a", 152, "");
	char *t2 = rep("{", 1, tail);
	check("a", 152, t2, 0, 306, 3, "an extension pair is not split between segments");
	free(t2);
	free(tail);
	tail = rep("a", 153, "");
	t2 = rep("{", 1, tail);
	check("a", 151, t2, 0, 306, 2, "but fits when there is room");
	free(t2);
	free(tail);
	check("a", 159, "`", 1, 160, 3, "a backtick is not GSM-7: 160 UCS-2 units");
	check("a", 69, "\t", 1, 70, 1, "a tab makes it UCS-2");
	check("字", 70, "", 1, 70, 1, "70 Chinese characters");
	check("字", 71, "", 1, 71, 2, "71 Chinese characters");
	check("字", 134, "", 1, 134, 2, "134 Chinese characters (2 x 67)");
	check("字", 135, "", 1, 135, 3, "135 Chinese characters");
	check("a", 159, "陳", 1, 160, 3, "one Chinese character makes 160 letters UCS-2");
	check("３", 1, "", 1, 1, 1, "a full-width digit is UCS-2");
	check("😀", 35, "", 1, 70, 1, "35 emoji: 70 units");
	check("😀", 35, "a", 1, 71, 2, "35 emoji and a letter: 71 units");
	/* 66 units, then an emoji (2 units) that must not be split. */
	check("字", 66, "😀字", 1, 69, 1, "69 units fit one segment");
	check("字", 66, "😀字字", 1, 70, 1, "70 units too");
	check("字", 66, "😀字字字", 1, 71, 2, "71 do not; the emoji is not split");
	tail = rep("字", 66, "");
	t2 = rep("😀", 1, tail);
	check("字", 66, t2, 1, 134, 3, "an emoji at a segment's end is not split: 3 segments");
	free(t2);
	free(tail);
	tail = rep("字", 67, "");
	t2 = rep("😀", 1, tail);
	check("字", 65, t2, 1, 134, 2, "where it fits, 134 units are 2 segments");
	free(t2);
	free(tail);
	check("3", 1, "\xEF\xB8\x8F\xE2\x83\xA3", 1, 3, 1, "a keycap 3 is three units");

	struct tp_sms_length l;
	is_int(tp_sms_length("a\xC0\x80", &l), -EINVAL, "invalid UTF-8 is refused");
	is_int(l.segments, 0, "and counts nothing");
	return done_testing();
}
