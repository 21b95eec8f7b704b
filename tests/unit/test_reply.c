/* Tests for tp_reply: the opt-out and opt-in words as whole messages in
 * any case, numbers as people type them (ASCII, full-width, Chinese,
 * keycaps, with 分 or a full stop), yes and no, and what must not be read
 * (a number inside a sentence, STOP inside a sentence, broken UTF-8). */
#include "tp_reply.h"
#include "../tap.h"

#include <errno.h>
#include <stdint.h>

static void number(const char *text, int64_t want)
{
	int64_t n = -1;
	is_int(tp_reply_number(text, &n), 0, "\"%s\" is a number", text);
	is_int(n, want, "\"%s\" is %lld", text, (long long)want);
}

static void not_number(const char *text)
{
	int64_t n = -1;
	is_int(tp_reply_number(text, &n), -EINVAL, "\"%s\" is not a number", text);
}

int main(void)
{
	is_int(tp_reply_keyword("STOP"), TP_REPLY_STOP, "STOP");
	is_int(tp_reply_keyword(" stop \n"), TP_REPLY_STOP, "stop, trimmed");
	is_int(tp_reply_keyword("Stop"), TP_REPLY_STOP, "Stop");
	is_int(tp_reply_keyword("停止"), TP_REPLY_STOP, "停止");
	is_int(tp_reply_keyword("　取消　"), TP_REPLY_STOP, "取消 between ideographic spaces");
	is_int(tp_reply_keyword("退訂"), TP_REPLY_STOP, "退訂");
	is_int(tp_reply_keyword("start"), TP_REPLY_START, "start");
	is_int(tp_reply_keyword("開始"), TP_REPLY_START, "開始");
	is_int(tp_reply_keyword("please stop"), TP_REPLY_NONE, "STOP inside a sentence is not STOP");
	is_int(tp_reply_keyword("stopped"), TP_REPLY_NONE, "nor is stopped");
	is_int(tp_reply_keyword("取消約會"), TP_REPLY_NONE, "nor 取消約會 (cancel the appointment)");
	is_int(tp_reply_keyword("1"), TP_REPLY_NONE, "1 is no keyword");
	is_int(tp_reply_keyword(""), TP_REPLY_NONE, "nor is nothing");
	is_int(tp_reply_keyword("ＳＴＯＰ"), TP_REPLY_NONE, "full-width letters are not read as STOP");
	is_int(tp_reply_keyword("st\xC0\x80op"), TP_REPLY_NONE, "broken UTF-8 is nothing");

	number("3", 3);
	number(" 3 ", 3);
	number("３", 3);
	number("三", 3);
	number("3️⃣", 3);
	number("3\xE2\x83\xA3", 3);
	number("3分", 3);
	number("３分", 3);
	number("3 分", 3);
	number("三分", 3);
	number("3.", 3);
	number("3。", 3);
	number("1號", 1);
	number("0", 0);
	number("零", 0);
	number("〇", 0);
	number("兩", 2);
	number("十", 10);
	number("十三", 13);
	number("二十", 20);
	number("九十九", 99);
	number("10", 10);
	number("１０", 10);
	number("🔟", 10);
	number("1️⃣0️⃣", 10);
	number("9999", 9999);
	not_number("");
	not_number("   ");
	not_number("10000");
	not_number("3 or 4");
	not_number("I give it 3");
	not_number("3a");
	not_number("-3");
	not_number("3.5");
	not_number("一十");
	not_number("十十");
	not_number("百");
	not_number("三四");
	not_number("3\xEF\xB8\x8F");
	not_number("分");
	not_number("\xE4\xB8");

	is_int(tp_reply_yes_no("yes"), 1, "yes");
	is_int(tp_reply_yes_no("Y"), 1, "Y");
	is_int(tp_reply_yes_no("是"), 1, "是");
	is_int(tp_reply_yes_no("係"), 1, "係");
	is_int(tp_reply_yes_no("會！"), 1, "會！");
	is_int(tp_reply_yes_no("No"), 0, "No");
	is_int(tp_reply_yes_no("唔會"), 0, "唔會");
	is_int(tp_reply_yes_no("否"), 0, "否");
	is_int(tp_reply_yes_no("maybe"), -EINVAL, "maybe is neither");
	is_int(tp_reply_yes_no("1"), -EINVAL, "numbers are not read as yes or no here");
	is_int(tp_reply_yes_no(""), -EINVAL, "nothing is neither");
	return done_testing();
}
