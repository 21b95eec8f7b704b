/*
 * Statistics for the indicator report: mean, sample standard deviation and
 * the paired t-test with a two-sided p from Student's t distribution. The p
 * comes from the regularized incomplete beta function, evaluated with the
 * continued fraction of Numerical Recipes (Lentz's method), in double
 * precision; no library beyond libm. Not a general statistics package: only
 * what the funder's pre/post tables need.
 */
#ifndef TP_STATS_H
#define TP_STATS_H

#include <stddef.h>

/* What a paired test could say about its sample. */
enum tp_ttest_status {
	TP_TTEST_OK = 0,
	TP_TTEST_TOO_FEW,       /* fewer than two pairs */
	TP_TTEST_NO_VARIANCE,   /* every difference is the same: t undefined */
};

struct tp_ttest {
	enum tp_ttest_status status;
	size_t n;               /* pairs */
	double mean_diff;       /* mean of post - pre (valid when n >= 1) */
	double sd_diff;         /* sample SD of the differences (n >= 2) */
	double t;               /* valid only when status == TP_TTEST_OK */
	double df;              /* n - 1 */
	double p;               /* two-sided; valid only when status == TP_TTEST_OK */
};

/* Mean of n values; 0 when n == 0. x is borrowed. */
double tp_stats_mean(const double *x, size_t n);

/* Sample standard deviation (n - 1 in the denominator), two-pass; 0 when
 * n < 2. x is borrowed. */
double tp_stats_sd(const double *x, size_t n);

/* Regularized incomplete beta I_x(a, b) for a, b > 0 and 0 <= x <= 1;
 * NaN outside that domain. */
double tp_stats_ibeta(double a, double b, double x);

/* Two-sided p of Student's t with df > 0 degrees of freedom:
 * P(|T| >= |t|) = I_{df/(df+t^2)}(df/2, 1/2). NaN when df <= 0. */
double tp_stats_t_p2(double t, double df);

/* Paired t-test on n pairs, differences taken as post[i] - pre[i]. Arrays
 * are borrowed. Fills *out; the status says whether t and p mean anything
 * (they are set to 0 and 1 when they do not, never NaN). */
void tp_stats_paired_t(const double *pre, const double *post, size_t n,
		       struct tp_ttest *out);

/* Same, from the differences directly. */
void tp_stats_paired_t_diffs(const double *d, size_t n, struct tp_ttest *out);

/* A short English word for a status: "ok", "too_few", "no_variance". */
const char *tp_ttest_status_name(enum tp_ttest_status s);

#endif
