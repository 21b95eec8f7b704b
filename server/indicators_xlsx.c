/*
 * The indicator workbook; see indicators_xlsx.h. The report's rows are
 * grouped by scope (in the order the report gives them) and each table
 * sheet picks the figures it shows by indicator name; the data sheet holds
 * every row as the CSV does. libxlsxwriter writes to a file, so the HTTP
 * handler writes into a private temporary folder and sends the bytes.
 */
#include "indicators_xlsx.h"
#include "forms.h"
#include "tp_alloc.h"
#include "tp_buf.h"
#include "tp_db.h"
#include "tp_log.h"
#include "tp_time.h"

#include <xlsxwriter.h>

#include <errno.h>
#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* The largest workbook served over HTTP. */
#define SRV_XLSX_MAX_BYTES (256u * 1024 * 1024)

struct srv_xlsx_label {
	const char *key, *text;
};

/* The figures of the output table, in this order. */
static const struct srv_xlsx_label srv_xlsx_plain[] = {
	{ "enrolled", "招收人數 Enrolled" },
	{ "participants", "參加人數 Participants" },
	{ "attendances", "出席人次 Attendances" },
	{ "sessions", "已舉行節數 Sessions held" },
	{ "sessions_delivered", "計算節數 Sessions delivered (counted)" },
	{ "retention", "出席不少於指定節數 Retention (attended at least N sessions)" },
	{ NULL, NULL },
};

static const struct srv_xlsx_label srv_xlsx_kinds[] = {
	{ "counselling", "輔導 counselling" },
	{ "family", "家人 family" },
	{ "parent_child", "親子 parent and child" },
	{ "education", "教育 education" },
	{ "peer_support", "朋輩支援 peer support" },
	{ "other", "其他 other" },
	{ NULL, NULL },
};

/* Why a figure has no value, in words (the report's status words). */
static const struct srv_xlsx_label srv_xlsx_status[] = {
	{ "no_data", "沒有資料 no data" },
	{ "too_few", "少於兩對 fewer than two pairs" },
	{ "no_variance", "變化全部相同 every change the same" },
	{ NULL, NULL },
};

static const char *srv_xlsx_label_of(const struct srv_xlsx_label *l, const char *key)
{
	for (; l->key; l++)
		if (strcmp(l->key, key) == 0)
			return l->text;
	return NULL;
}

/* ---- Names of scopes ---------------------------------------------------- */

struct srv_xlsx_name {
	char *scope, *label;
};

struct srv_xlsx_names {
	struct srv_xlsx_name *v;
	size_t n, cap;
};

/* Takes scope and label. */
static void srv_xlsx_name_add(struct srv_xlsx_names *nm, char *scope, char *label)
{
	if (nm->n == nm->cap) {
		nm->cap = nm->cap ? nm->cap * 2 : 64;
		nm->v = tp_xrealloc(nm->v, nm->cap * sizeof *nm->v);
	}
	nm->v[nm->n].scope = scope;
	nm->v[nm->n].label = label;
	nm->n++;
}

static int srv_xlsx_name_cmp(const void *a, const void *b)
{
	return strcmp(((const struct srv_xlsx_name *)a)->scope,
		      ((const struct srv_xlsx_name *)b)->scope);
}

static void srv_xlsx_names_release(struct srv_xlsx_names *nm)
{
	for (size_t i = 0; i < nm->n; i++) {
		free(nm->v[i].scope);
		free(nm->v[i].label);
	}
	free(nm->v);
	memset(nm, 0, sizeof *nm);
}

/* A programme's or group's scope part as the report names it: its ref,
 * or "#id" (indicators.c). */
static char *srv_xlsx_ref(sqlite3_stmt *st, int col, int64_t id)
{
	const char *ref = tp_db_col_text(st, col);
	return ref && *ref ? tp_xstrdup(ref) : tp_xasprintf("#%lld", (long long)id);
}

/* The scope names of the report's programmes and groups, with a heading
 * each ("計劃 Programme: P1 Name"), sorted by scope. */
static int srv_xlsx_names_load(sqlite3 *db, int64_t programme_id, struct srv_xlsx_names *nm)
{
	sqlite3_stmt *st;
	int r = tp_db_prepare(db, &st,
			      "SELECT p.id, p.ref, p.name, g.id, g.ref, g.name FROM programmes p"
			      " LEFT JOIN groups g ON g.programme_id = p.id AND g.archived_at IS NULL"
			      " WHERE (?1 = 0 AND p.archived_at IS NULL) OR p.id = ?1"
			      " ORDER BY p.id, g.id", "i", programme_id);
	if (r < 0)
		return r;
	int64_t last = 0;
	while ((r = tp_db_step(st)) == 1) {
		int64_t pid = sqlite3_column_int64(st, 0);
		char *pname = srv_xlsx_ref(st, 1, pid);
		if (pid != last)
			srv_xlsx_name_add(nm, tp_xstrdup(pname),
					  tp_xasprintf("計劃 Programme: %s %s", pname,
						       tp_db_col_text(st, 2)));
		last = pid;
		if (!tp_db_col_null(st, 3)) {
			char *gname = srv_xlsx_ref(st, 4, sqlite3_column_int64(st, 3));
			srv_xlsx_name_add(nm, tp_xasprintf("%s/group:%s", pname, gname),
					  tp_xasprintf("小組 Group: %s %s", gname,
						       tp_db_col_text(st, 5)));
			free(gname);
		}
		free(pname);
	}
	sqlite3_finalize(st);
	if (nm->n)
		qsort(nm->v, nm->n, sizeof *nm->v, srv_xlsx_name_cmp);
	return r;
}

/* The heading of a scope (a new string). */
static char *srv_xlsx_scope_label(const struct srv_xlsx_names *nm, const char *scope)
{
	if (strcmp(scope, "*") == 0)
		return tp_xstrdup("全部計劃 All programmes");
	struct srv_xlsx_name key = { (char *)(uintptr_t)scope, NULL };
	const struct srv_xlsx_name *hit =
		nm->n ? bsearch(&key, nm->v, nm->n, sizeof *nm->v, srv_xlsx_name_cmp) : NULL;
	if (hit)
		return tp_xstrdup(hit->label);
	const char *kind = strstr(scope, "/kind:");
	if (kind) {
		const char *k = srv_xlsx_label_of(srv_xlsx_kinds, kind + 6);
		return tp_xasprintf("小組類別 Group kind: %s", k ? k : kind + 6);
	}
	return tp_xstrdup(scope);
}

/* ---- The report's rows by scope ----------------------------------------- */

struct srv_xlsx_scope {
	const char *name;            /* borrowed from the report */
	char *label;
	size_t *rows;                /* indexes into the report's rows */
	size_t n, cap;
};

struct srv_xlsx_scopes {
	struct srv_xlsx_scope *v;
	size_t n, cap;
};

static void srv_xlsx_scopes_build(const struct srv_ind_report *rep,
				  const struct srv_xlsx_names *nm, struct srv_xlsx_scopes *out)
{
	memset(out, 0, sizeof *out);
	for (size_t i = 0; i < rep->count; i++) {
		const char *name = rep->rows[i].scope;
		struct srv_xlsx_scope *s = NULL;
		/* A scope's rows come together; look further back only if not. */
		if (out->n && strcmp(out->v[out->n - 1].name, name) == 0)
			s = &out->v[out->n - 1];
		for (size_t j = 0; !s && j + 1 < out->n; j++)
			if (strcmp(out->v[j].name, name) == 0)
				s = &out->v[j];
		if (!s) {
			if (out->n == out->cap) {
				out->cap = out->cap ? out->cap * 2 : 16;
				out->v = tp_xrealloc(out->v, out->cap * sizeof *out->v);
			}
			s = &out->v[out->n++];
			memset(s, 0, sizeof *s);
			s->name = name;
			s->label = srv_xlsx_scope_label(nm, name);
		}
		if (s->n == s->cap) {
			s->cap = s->cap ? s->cap * 2 : 32;
			s->rows = tp_xrealloc(s->rows, s->cap * sizeof *s->rows);
		}
		s->rows[s->n++] = i;
	}
}

static void srv_xlsx_scopes_release(struct srv_xlsx_scopes *sc)
{
	for (size_t i = 0; i < sc->n; i++) {
		free(sc->v[i].label);
		free(sc->v[i].rows);
	}
	free(sc->v);
	memset(sc, 0, sizeof *sc);
}

/* The scope's row for indicator, or NULL. */
static const struct srv_ind_row *srv_xlsx_find(const struct srv_ind_report *rep,
					       const struct srv_xlsx_scope *s,
					       const char *indicator)
{
	for (size_t i = 0; i < s->n; i++)
		if (strcmp(rep->rows[s->rows[i]].indicator, indicator) == 0)
			return &rep->rows[s->rows[i]];
	return NULL;
}

/* The form key of "key.figure" into key, and the figure; NULL when the
 * indicator is not a form's. */
static const char *srv_xlsx_form_part(const char *indicator, char key[TP_FORM_KEY_MAX + 1])
{
	const char *dot = strchr(indicator, '.');
	if (!dot || dot - indicator > TP_FORM_KEY_MAX)
		return NULL;
	memcpy(key, indicator, (size_t)(dot - indicator));
	key[dot - indicator] = '\0';
	return dot + 1;
}

/* A form's title in one language, or its key. */
static const char *srv_xlsx_form_title(const char *key, const char *lang)
{
	const struct tp_form *f = srv_form_find(key);
	json_t *title = f ? json_object_get(f->def, "title") : NULL;
	const char *t = json_string_value(json_object_get(title, lang));
	return t && *t ? t : key;
}

/* "今日活動意見：正面回應 Your views on today: positive" (a new string). */
static char *srv_xlsx_form_label(const char *key, const char *zh, const char *en)
{
	const char *tz = srv_xlsx_form_title(key, "zh-HK");
	const char *te = srv_xlsx_form_title(key, "en");
	if (!zh)
		return tp_xasprintf("%s %s", tz, te);
	return tp_xasprintf("%s：%s %s: %s", tz, zh, te, en);
}

/* ---- Writing cells ------------------------------------------------------ */

struct srv_xlsx {
	lxw_workbook *wb;
	const struct srv_ind_report *rep;
	const char *title;           /* the period and programme line */
	lxw_format *title_fmt, *sub, *heading, *head, *text, *status;
	lxw_format *count, *general, *pct, *dec2, *dec3, *pval;
	lxw_error err;               /* the first error, or LXW_NO_ERROR */
};

static void srv_xlsx_check(struct srv_xlsx *x, lxw_error e)
{
	if (e != LXW_NO_ERROR && x->err == LXW_NO_ERROR)
		x->err = e;
}

static void srv_xlsx_text(struct srv_xlsx *x, lxw_worksheet *ws, lxw_row_t r, lxw_col_t c,
			  const char *s, lxw_format *f)
{
	srv_xlsx_check(x, worksheet_write_string(ws, r, c, s, f));
}

static void srv_xlsx_num(struct srv_xlsx *x, lxw_worksheet *ws, lxw_row_t r, lxw_col_t c,
			 double v, lxw_format *f)
{
	srv_xlsx_check(x, worksheet_write_number(ws, r, c, v, f));
}

/* A bordered empty cell, so a table's grid has no holes. */
static void srv_xlsx_blank(struct srv_xlsx *x, lxw_worksheet *ws, lxw_row_t r, lxw_col_t c)
{
	srv_xlsx_check(x, worksheet_write_blank(ws, r, c, x->text));
}

/* A whole number as a count, any other in the general format. */
static lxw_format *srv_xlsx_plain_fmt(struct srv_xlsx *x, double v)
{
	return v == floor(v) && fabs(v) < 1e15 ? x->count : x->general;
}

/* A row's value in f, or why there is none in words, or blank. */
static void srv_xlsx_value(struct srv_xlsx *x, lxw_worksheet *ws, lxw_row_t r, lxw_col_t c,
			   const struct srv_ind_row *row, lxw_format *f)
{
	if (!row) {
		srv_xlsx_blank(x, ws, r, c);
	} else if (row->has_value) {
		srv_xlsx_num(x, ws, r, c, row->value, f ? f : srv_xlsx_plain_fmt(x, row->value));
	} else if (row->status) {
		const char *words = srv_xlsx_label_of(srv_xlsx_status, row->status);
		srv_xlsx_text(x, ws, r, c, words ? words : row->status, x->status);
	} else {
		srv_xlsx_blank(x, ws, r, c);
	}
}

/* A count of the row (its numerator or denominator), or blank. */
static void srv_xlsx_part(struct srv_xlsx *x, lxw_worksheet *ws, lxw_row_t r, lxw_col_t c,
			  bool has, double v)
{
	if (has)
		srv_xlsx_num(x, ws, r, c, v, srv_xlsx_plain_fmt(x, v));
	else
		srv_xlsx_blank(x, ws, r, c);
}

/* The agreed level of a row (a share's in percent), or blank. */
static void srv_xlsx_level(struct srv_xlsx *x, lxw_worksheet *ws, lxw_row_t r, lxw_col_t c,
			   const struct srv_ind_row *row)
{
	if (row && row->has_target)
		srv_xlsx_num(x, ws, r, c, row->target,
			     row->has_den ? x->pct : srv_xlsx_plain_fmt(x, row->target));
	else
		srv_xlsx_blank(x, ws, r, c);
}

/* The achievement (actual / level x 100) of a row, or blank. */
static void srv_xlsx_achievement(struct srv_xlsx *x, lxw_worksheet *ws, lxw_row_t r,
				 lxw_col_t c, const struct srv_ind_row *row)
{
	if (row && row->has_target && row->has_value)
		srv_xlsx_num(x, ws, r, c, row->achievement, x->pct);
	else
		srv_xlsx_blank(x, ws, r, c);
}

/* A sheet with its title rows; the tables start at row 3. */
static lxw_worksheet *srv_xlsx_sheet(struct srv_xlsx *x, const char *name, const char *title,
				     const double *widths, size_t ncols)
{
	lxw_worksheet *ws = workbook_add_worksheet(x->wb, name);
	if (!ws) {
		srv_xlsx_check(x, LXW_ERROR_MEMORY_MALLOC_FAILED);
		return NULL;
	}
	for (size_t c = 0; c < ncols; c++)
		srv_xlsx_check(x, worksheet_set_column(ws, (lxw_col_t)c, (lxw_col_t)c,
						       widths[c], NULL));
	srv_xlsx_text(x, ws, 0, 0, title, x->title_fmt);
	srv_xlsx_text(x, ws, 1, 0, x->title, x->sub);
	return ws;
}

/* A scope's heading and the table's column headings at row *r; moves *r
 * past them. */
static void srv_xlsx_block_head(struct srv_xlsx *x, lxw_worksheet *ws, lxw_row_t *r,
				const struct srv_xlsx_scope *s, const char *const *heads)
{
	srv_xlsx_text(x, ws, *r, 0, s->label, x->heading);
	(*r)++;
	srv_xlsx_check(x, worksheet_set_row(ws, *r, 32, NULL));
	for (lxw_col_t c = 0; heads[c]; c++)
		srv_xlsx_text(x, ws, *r, c, heads[c], x->head);
	(*r)++;
}

/* ---- The sheets --------------------------------------------------------- */

static const char *const srv_xlsx_outputs_heads[] = {
	"指標\nIndicator", "議定水平\nAgreed level", "實際\nActual",
	"達標率\nAchievement %", "分子\nNumerator", "分母\nDenominator", NULL,
};

/* One line of the output table. */
static void srv_xlsx_output_row(struct srv_xlsx *x, lxw_worksheet *ws, lxw_row_t r,
				const char *label, const struct srv_ind_row *row)
{
	srv_xlsx_text(x, ws, r, 0, label, x->text);
	srv_xlsx_level(x, ws, r, 1, row);
	srv_xlsx_value(x, ws, r, 2, row, row->has_den ? x->pct : NULL);
	srv_xlsx_achievement(x, ws, r, 3, row);
	srv_xlsx_part(x, ws, r, 4, row->has_den && row->has_num, row->num);
	srv_xlsx_part(x, ws, r, 5, row->has_den, row->den);
}

static void srv_xlsx_outputs(struct srv_xlsx *x, const struct srv_xlsx_scopes *sc)
{
	static const double widths[] = { 46, 14, 14, 14, 12, 12 };
	lxw_worksheet *ws = srv_xlsx_sheet(x, SRV_XLSX_SHEET_OUTPUTS, "產出指標 Output indicators",
					   widths, 6);
	if (!ws)
		return;
	lxw_row_t r = 3;
	for (size_t i = 0; i < sc->n; i++) {
		const struct srv_xlsx_scope *s = &sc->v[i];
		srv_xlsx_block_head(x, ws, &r, s, srv_xlsx_outputs_heads);
		for (const struct srv_xlsx_label *l = srv_xlsx_plain; l->key; l++) {
			const struct srv_ind_row *row = srv_xlsx_find(x->rep, s, l->key);
			if (row)
				srv_xlsx_output_row(x, ws, r++, l->text, row);
		}
		/* Figures the table does not name, then the forms collected. */
		for (size_t j = 0; j < s->n; j++) {
			const struct srv_ind_row *row = &x->rep->rows[s->rows[j]];
			if (!strchr(row->indicator, '.') &&
			    !srv_xlsx_label_of(srv_xlsx_plain, row->indicator))
				srv_xlsx_output_row(x, ws, r++, row->indicator, row);
		}
		for (size_t j = 0; j < s->n; j++) {
			const struct srv_ind_row *row = &x->rep->rows[s->rows[j]];
			char key[TP_FORM_KEY_MAX + 1];
			const char *fig = srv_xlsx_form_part(row->indicator, key);
			if (!fig || strcmp(fig, "responses") != 0)
				continue;
			char *label = srv_xlsx_form_label(key, "已收集問卷", "forms collected");
			srv_xlsx_output_row(x, ws, r++, label, row);
			free(label);
		}
		r++;
	}
}

static const char *const srv_xlsx_outcomes_heads[] = {
	"指標\nIndicator", "百分率\nPercentage", "分子\nNumerator", "分母\nDenominator",
	"議定水平\nAgreed level", "達標率\nAchievement %", NULL,
};

static void srv_xlsx_outcomes(struct srv_xlsx *x, const struct srv_xlsx_scopes *sc)
{
	static const double widths[] = { 52, 14, 12, 12, 14, 14 };
	lxw_worksheet *ws = srv_xlsx_sheet(x, SRV_XLSX_SHEET_OUTCOMES,
					   "成效指標 Outcome indicators", widths, 6);
	if (!ws)
		return;
	lxw_row_t r = 3;
	for (size_t i = 0; i < sc->n; i++) {
		const struct srv_xlsx_scope *s = &sc->v[i];
		srv_xlsx_block_head(x, ws, &r, s, srv_xlsx_outcomes_heads);
		for (size_t j = 0; j < s->n; j++) {
			const struct srv_ind_row *row = &x->rep->rows[s->rows[j]];
			char key[TP_FORM_KEY_MAX + 1];
			const char *fig = srv_xlsx_form_part(row->indicator, key);
			bool positive = fig && strcmp(fig, "positive") == 0;
			if (!positive && !(fig && strcmp(fig, "improved") == 0))
				continue;
			char *label = positive ? srv_xlsx_form_label(key, "正面回應", "positive")
					       : srv_xlsx_form_label(key, "有改善", "improved");
			srv_xlsx_text(x, ws, r, 0, label, x->text);
			free(label);
			srv_xlsx_value(x, ws, r, 1, row, x->pct);
			srv_xlsx_part(x, ws, r, 2, row->has_num, row->num);
			srv_xlsx_part(x, ws, r, 3, row->has_den, row->den);
			srv_xlsx_level(x, ws, r, 4, row);
			srv_xlsx_achievement(x, ws, r, 5, row);
			r++;
		}
		r++;
	}
}

static const char *const srv_xlsx_prepost_heads[] = {
	"量表\nMeasure", "問卷數\nForms collected", "配對人數\nPairs", "改善\nImproved",
	"改善 %\nImproved %", "沒有變化\nNo change", "沒有變化 %\nNo change %", "變差\nWorse",
	"變差 %\nWorse %", "平均變化\nMean change", "t 值\nt", "自由度\ndf",
	"p 值（雙尾）\np (two-sided)", NULL,
};

static void srv_xlsx_prepost(struct srv_xlsx *x, const struct srv_xlsx_scopes *sc)
{
	static const double widths[] = { 36, 11, 11, 11, 11, 11, 11, 11, 11, 11, 11, 9, 13 };
	lxw_worksheet *ws = srv_xlsx_sheet(x, SRV_XLSX_SHEET_PREPOST,
					   "前測及後測 Pre/post changes", widths, 13);
	if (!ws)
		return;
	lxw_row_t r = 3;
	for (size_t i = 0; i < sc->n; i++) {
		const struct srv_xlsx_scope *s = &sc->v[i];
		srv_xlsx_block_head(x, ws, &r, s, srv_xlsx_prepost_heads);
		for (size_t j = 0; j < s->n; j++) {
			/* A scored form is one with pairs. */
			const struct srv_ind_row *pairs = &x->rep->rows[s->rows[j]];
			char key[TP_FORM_KEY_MAX + 1], name[TP_FORM_KEY_MAX + 32];
			const char *fig = srv_xlsx_form_part(pairs->indicator, key);
			if (!fig || strcmp(fig, "pairs") != 0)
				continue;
#define FIG(f) (snprintf(name, sizeof name, "%s.%s", key, f), \
		srv_xlsx_find(x->rep, s, name))
			char *label = srv_xlsx_form_label(key, NULL, NULL);
			srv_xlsx_text(x, ws, r, 0, label, x->text);
			free(label);
			srv_xlsx_value(x, ws, r, 1, FIG("responses"), x->count);
			srv_xlsx_value(x, ws, r, 2, pairs, x->count);
			static const char *const shares[] = { "improved", "no_change", "worse" };
			for (lxw_col_t k = 0; k < 3; k++) {
				const struct srv_ind_row *row = FIG(shares[k]);
				srv_xlsx_part(x, ws, r, 3 + 2 * k, row && row->has_num,
					      row ? row->num : 0);
				srv_xlsx_value(x, ws, r, 4 + 2 * k, row, x->pct);
			}
			srv_xlsx_value(x, ws, r, 9, FIG("mean_change"), x->dec2);
			srv_xlsx_value(x, ws, r, 10, FIG("t"), x->dec3);
			srv_xlsx_value(x, ws, r, 11, FIG("df"), x->count);
			srv_xlsx_value(x, ws, r, 12, FIG("p"), x->pval);
#undef FIG
			r++;
		}
		r++;
	}
}

/* Every row as the CSV has it: the same header, the same figures,
 * unrounded, as numbers; a status word where the CSV has one. */
static void srv_xlsx_data(struct srv_xlsx *x)
{
	static const double widths[] = { 30, 30, 12, 12, 14, 10, 16 };
	static const char *const heads[] = { "scope", "indicator", "numerator", "denominator",
					     "value", "target", "achievement_pct" };
	lxw_worksheet *ws = srv_xlsx_sheet(x, SRV_XLSX_SHEET_DATA,
					   "全部數字（與 CSV 相同） Every figure, as in the CSV",
					   widths, 7);
	if (!ws)
		return;
	const lxw_row_t top = 2;
	for (lxw_col_t c = 0; c < 7; c++)
		srv_xlsx_text(x, ws, top, c, heads[c], x->head);
	for (size_t i = 0; i < x->rep->count; i++) {
		const struct srv_ind_row *row = &x->rep->rows[i];
		lxw_row_t r = top + 1 + (lxw_row_t)i;
		srv_xlsx_text(x, ws, r, 0, row->scope, NULL);
		srv_xlsx_text(x, ws, r, 1, row->indicator, NULL);
		if (row->has_num)
			srv_xlsx_num(x, ws, r, 2, row->num, NULL);
		if (row->has_den)
			srv_xlsx_num(x, ws, r, 3, row->den, NULL);
		if (row->has_value)
			srv_xlsx_num(x, ws, r, 4, row->value, NULL);
		else if (row->status)
			srv_xlsx_text(x, ws, r, 4, row->status, NULL);
		if (row->has_target)
			srv_xlsx_num(x, ws, r, 5, row->target, NULL);
		if (row->has_target && row->has_value)
			srv_xlsx_num(x, ws, r, 6, row->achievement, NULL);
	}
	worksheet_freeze_panes(ws, top + 1, 0);
	srv_xlsx_check(x, worksheet_autofilter(ws, top, 0, top + (lxw_row_t)x->rep->count, 6));
}

static lxw_format *srv_xlsx_cell_fmt(lxw_workbook *wb, const char *num_format)
{
	lxw_format *f = workbook_add_format(wb);
	format_set_border(f, LXW_BORDER_THIN);
	format_set_align(f, LXW_ALIGN_VERTICAL_TOP);
	if (num_format)
		format_set_num_format(f, num_format);
	return f;
}

static void srv_xlsx_formats(struct srv_xlsx *x)
{
	lxw_workbook *wb = x->wb;
	x->title_fmt = workbook_add_format(wb);
	format_set_bold(x->title_fmt);
	format_set_font_size(x->title_fmt, 14);
	x->sub = workbook_add_format(wb);
	x->heading = workbook_add_format(wb);
	format_set_bold(x->heading);
	format_set_font_size(x->heading, 12);
	x->head = srv_xlsx_cell_fmt(wb, NULL);
	format_set_bold(x->head);
	format_set_text_wrap(x->head);
	format_set_bg_color(x->head, 0xE7E6E6);
	x->text = srv_xlsx_cell_fmt(wb, NULL);
	format_set_text_wrap(x->text);
	x->status = srv_xlsx_cell_fmt(wb, NULL);
	format_set_italic(x->status);
	format_set_font_color(x->status, 0x595959);
	x->count = srv_xlsx_cell_fmt(wb, "#,##0");
	x->general = srv_xlsx_cell_fmt(wb, "General");
	/* Shares keep the report's percent value (63.265...), shown 63.3%. */
	x->pct = srv_xlsx_cell_fmt(wb, "0.0\"%\"");
	x->dec2 = srv_xlsx_cell_fmt(wb, "0.00");
	x->dec3 = srv_xlsx_cell_fmt(wb, "0.000");
	x->pval = srv_xlsx_cell_fmt(wb, "[<0.001]\"<0.001\";0.000");
}

/* "期間 Period: 2025-04-01 至 to 2026-03-31　計劃 Programme: P1 Name", and
 * "　地點 Venue: ..." for a report cut to a venue. */
static char *srv_xlsx_title(sqlite3 *db, const struct srv_ind_report *rep,
			    int64_t programme_id)
{
	char from[11], to[11];
	tp_date_format_hk(rep->from, from);
	tp_date_format_hk(rep->to - 1, to);
	char *prog = NULL;
	if (programme_id) {
		sqlite3_stmt *st;
		if (tp_db_prepare(db, &st, "SELECT id, ref, name FROM programmes WHERE id = ?",
				  "i", programme_id) >= 0) {
			if (tp_db_step(st) == 1) {
				char *ref = srv_xlsx_ref(st, 1, programme_id);
				prog = tp_xasprintf("%s %s", ref, tp_db_col_text(st, 2));
				free(ref);
			}
			sqlite3_finalize(st);
		}
	}
	char *t = tp_xasprintf("期間 Period: %s 至 to %s　計劃 Programme: %s%s%s", from, to,
			       prog ? prog : "全部 All", rep->venue ? "　地點 Venue: " : "",
			       rep->venue ? rep->venue : "");
	free(prog);
	return t;
}

int srv_ind_xlsx_write(sqlite3 *db, const struct srv_ind_report *rep, int64_t programme_id,
		       const char *path)
{
	struct srv_xlsx_names names = { 0 };
	int r = srv_xlsx_names_load(db, programme_id, &names);
	if (r < 0) {
		srv_xlsx_names_release(&names);
		return r;
	}
	struct srv_xlsx_scopes scopes;
	srv_xlsx_scopes_build(rep, &names, &scopes);
	srv_xlsx_names_release(&names);

	struct srv_xlsx x = { .rep = rep, .err = LXW_NO_ERROR };
	char *title = srv_xlsx_title(db, rep, programme_id);
	x.title = title;
	x.wb = workbook_new(path);
	if (!x.wb) {
		tp_warn("indicators: cannot start the workbook %s", path);
		r = -EIO;
	} else {
		lxw_doc_properties props = { .title = "指標報告 Indicator report",
					     .comments = title };
		srv_xlsx_check(&x, workbook_set_properties(x.wb, &props));
		srv_xlsx_formats(&x);
		srv_xlsx_outputs(&x, &scopes);
		srv_xlsx_outcomes(&x, &scopes);
		srv_xlsx_prepost(&x, &scopes);
		srv_xlsx_data(&x);
		/* Close even after an error: it frees the workbook. */
		srv_xlsx_check(&x, workbook_close(x.wb));
		if (x.err != LXW_NO_ERROR) {
			tp_warn("indicators: cannot write the workbook %s: %s", path,
				lxw_strerror(x.err));
			r = -EIO;
		}
	}
	free(title);
	srv_xlsx_scopes_release(&scopes);
	return r;
}

void srv_ind_xlsx_filename(const struct srv_ind_report *rep, char out[64])
{
	char from[11], to[11];
	tp_date_format_hk(rep->from, from);
	tp_date_format_hk(rep->to - 1, to);
	snprintf(out, 64, "indicators_%s_%s.xlsx", from, to);
}

/* Reads the file at path into out. */
static int srv_xlsx_slurp(const char *path, struct tp_buf *out)
{
	FILE *f = fopen(path, "rb");
	if (!f)
		return -errno;
	char chunk[64 * 1024];
	size_t n;
	int r = 0;
	while (r >= 0 && (n = fread(chunk, 1, sizeof chunk, f)) > 0)
		r = tp_buf_append(out, chunk, n);
	if (r >= 0 && ferror(f))
		r = -EIO;
	fclose(f);
	return r;
}

/* Writes the workbook in a folder of its own under $TMPDIR (or /tmp) and
 * reads it back into out; the folder is removed. */
static int srv_xlsx_bytes(sqlite3 *db, const struct srv_ind_report *rep, int64_t pid,
			  struct tp_buf *out)
{
	const char *tmp = getenv("TMPDIR");
	char *dir = tp_xasprintf("%s/touchpoint-xlsx-XXXXXX", tmp && *tmp ? tmp : "/tmp");
	if (!mkdtemp(dir)) {
		int r = -errno;
		tp_warn("indicators: cannot make a temporary folder %s: %s", dir, strerror(-r));
		free(dir);
		return r;
	}
	char *path = tp_xasprintf("%s/report.xlsx", dir);
	int r = srv_ind_xlsx_write(db, rep, pid, path);
	if (r >= 0)
		r = srv_xlsx_slurp(path, out);
	unlink(path);
	rmdir(dir);
	free(path);
	free(dir);
	return r;
}

int srv_indicators_xlsx(struct tp_http_request *req)
{
	struct srv_ind_report rep = { 0 };
	int64_t pid = 0;
	int r = srv_ind_request(req, &rep, &pid);
	if (r != 0) {
		srv_ind_report_release(&rep);
		return r < 0 ? r : 0;
	}
	struct tp_buf xlsx;
	tp_buf_init(&xlsx, SRV_XLSX_MAX_BYTES);
	sqlite3 *db = srv_reader(req);
	r = db ? srv_xlsx_bytes(db, &rep, pid, &xlsx) : 1;
	char name[64];
	srv_ind_xlsx_filename(&rep, name);
	if (r == 0)
		r = srv_ind_audit_export(req, &rep, pid, "xlsx");
	srv_ind_report_release(&rep);
	if (r == 0) {
		char disp[128];
		snprintf(disp, sizeof disp, "attachment; filename=\"%s\"", name);
		tp_http_add_header(req, "Content-Disposition", disp);
		tp_http_reply(req, 200, "application/vnd.openxmlformats-officedocument."
			      "spreadsheetml.sheet", xlsx.data, xlsx.len);
	}
	tp_buf_release(&xlsx);
	return r < 0 ? r : 0;
}
