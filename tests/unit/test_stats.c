/* Tests for tp_stats: mean and SD, the incomplete beta against closed
 * forms, two-sided p of Student's t against printed tables and exact
 * formulas for df 1 and 2, the paired t-test on Student's own sleep data
 * (Cushny and Peebles, as in R's t.test(..., paired = TRUE): t = 4.0621,
 * df = 9, p = 0.002833), and the samples where the test is undefined. */
#include "tp_stats.h"
#include "../tap.h"

#include <math.h>
#include <stdio.h>

#define PI 3.14159265358979323846

static void near(double got, double want, double tol, const char *what)
{
	ok(fabs(got - want) <= tol, "%s: got %.12g, want %.12g (tol %g)",
	   what, got, want, tol);
}

static void test_mean_sd(void)
{
	double x[] = { 2, 4, 4, 4, 5, 5, 7, 9 };
	near(tp_stats_mean(x, 8), 5.0, 1e-15, "mean");
	near(tp_stats_sd(x, 8), sqrt(32.0 / 7.0), 1e-14, "sample sd");
	near(tp_stats_mean(x, 0), 0.0, 0, "mean of nothing is 0");
	near(tp_stats_sd(x, 1), 0.0, 0, "sd of one is 0");
	double big[] = { 1e9 + 4, 1e9 + 7, 1e9 + 13, 1e9 + 16 };
	near(tp_stats_sd(big, 4), sqrt(90.0 / 3.0),
	     1e-6, "sd with a large offset");
}

static void test_ibeta(void)
{
	/* I_x(1, 1) = x; I_x(a, 1) = x^a; I_x(1, b) = 1 - (1-x)^b. */
	near(tp_stats_ibeta(1, 1, 0.3), 0.3, 1e-14, "I_0.3(1,1)");
	near(tp_stats_ibeta(3, 1, 0.6), 0.216, 1e-14, "I_0.6(3,1)");
	near(tp_stats_ibeta(1, 4, 0.2), 1 - pow(0.8, 4), 1e-14, "I_0.2(1,4)");
	near(tp_stats_ibeta(2.5, 2.5, 0.5), 0.5, 1e-14, "symmetric at 0.5");
	near(tp_stats_ibeta(5, 3, 0.0), 0.0, 0, "I_0 = 0");
	near(tp_stats_ibeta(5, 3, 1.0), 1.0, 0, "I_1 = 1");
	ok(isnan(tp_stats_ibeta(0, 1, 0.5)), "a = 0 is outside the domain");
	ok(isnan(tp_stats_ibeta(1, 1, 1.5)), "x > 1 is outside the domain");
}

static void test_t_p(void)
{
	/* Exact: df 1 is Cauchy, p = 1 - 2/pi atan|t|; df 2: p = 1 - |t|/sqrt(t^2+2). */
	near(tp_stats_t_p2(1.0, 1), 0.5, 1e-14, "t=1, df=1");
	near(tp_stats_t_p2(-1.0, 1), 0.5, 1e-14, "t=-1, df=1");
	near(tp_stats_t_p2(3.7, 1), 1 - 2 / PI * atan(3.7), 1e-13, "t=3.7, df=1");
	near(tp_stats_t_p2(1.0, 2), 1 - 1 / sqrt(3.0), 1e-13, "t=1, df=2");
	near(tp_stats_t_p2(25.0, 2), 1 - 25 / sqrt(627.0), 1e-13, "t=25, df=2");
	near(tp_stats_t_p2(0.0, 7), 1.0, 1e-15, "t=0 gives p=1");
	/* Critical values from the printed table (two-sided 0.05 and 0.01). */
	near(tp_stats_t_p2(2.228, 10), 0.05, 2e-4, "t=2.228, df=10");
	near(tp_stats_t_p2(12.706, 1), 0.05, 2e-4, "t=12.706, df=1");
	near(tp_stats_t_p2(4.303, 2), 0.05, 2e-4, "t=4.303, df=2");
	near(tp_stats_t_p2(2.086, 20), 0.05, 2e-4, "t=2.086, df=20");
	near(tp_stats_t_p2(3.169, 10), 0.01, 2e-5, "t=3.169, df=10");
	near(tp_stats_t_p2(2.756, 29), 0.01, 2e-5, "t=2.756, df=29");
	/* Large df tends to the normal: 1.959964 gives 0.05. */
	near(tp_stats_t_p2(1.959964, 1e7), 0.05, 1e-6, "t=1.96, df=1e7");
	ok(tp_stats_t_p2(40.0, 30) > 0 && tp_stats_t_p2(40.0, 30) < 1e-25,
	   "a huge t gives a tiny positive p");
	ok(isnan(tp_stats_t_p2(1.0, 0)), "df = 0 is undefined");
}

static void test_paired(void)
{
	double g1[] = { 0.7, -1.6, -0.2, -1.2, -0.1, 3.4, 3.7, 0.8, 0.0, 2.0 };
	double g2[] = { 1.9, 0.8, 1.1, 0.1, -0.1, 4.4, 5.5, 1.6, 4.6, 3.4 };
	struct tp_ttest r;
	tp_stats_paired_t(g1, g2, 10, &r);
	is_int(r.status, TP_TTEST_OK, "sleep data: defined");
	is_int(r.n, 10, "sleep data: 10 pairs");
	near(r.mean_diff, 1.58, 1e-12, "sleep data: mean difference");
	near(r.t, 4.062128, 5e-6, "sleep data: t");
	near(r.df, 9, 0, "sleep data: df");
	near(r.p, 0.002832890, 5e-9, "sleep data: p");

	double d[10];
	for (int i = 0; i < 10; i++)
		d[i] = g2[i] - g1[i];
	struct tp_ttest r2;
	tp_stats_paired_t_diffs(d, 10, &r2);
	near(r2.t, r.t, 1e-9, "from differences: same t");
	near(r2.p, r.p, 1e-12, "from differences: same p");

	/* Reversed direction: t changes sign, p does not. */
	tp_stats_paired_t(g2, g1, 10, &r2);
	near(r2.t, -r.t, 1e-9, "reversed: t negated");
	near(r2.p, r.p, 1e-12, "reversed: same p");
}

static void test_undefined(void)
{
	struct tp_ttest r;
	double a[] = { 10 }, b[] = { 7 };
	tp_stats_paired_t(a, b, 1, &r);
	is_int(r.status, TP_TTEST_TOO_FEW, "one pair: too few");
	near(r.mean_diff, -3, 0, "one pair: the mean is still the difference");
	ok(!isnan(r.t) && !isnan(r.p), "one pair: no NaN");
	tp_stats_paired_t(a, b, 0, &r);
	is_int(r.status, TP_TTEST_TOO_FEW, "no pairs: too few");
	ok(!isnan(r.mean_diff) && !isnan(r.p), "no pairs: no NaN");

	double pre[] = { 20, 15, 9, 27 }, post[] = { 18, 13, 7, 25 };
	tp_stats_paired_t(pre, post, 4, &r);
	is_int(r.status, TP_TTEST_NO_VARIANCE, "equal differences: no variance");
	near(r.mean_diff, -2, 0, "equal differences: mean -2");
	ok(!isnan(r.t) && !isnan(r.p), "equal differences: no NaN");
	double z[] = { 0.1, 0.1, 0.1 };
	tp_stats_paired_t_diffs(z, 3, &r);
	is_int(r.status, TP_TTEST_NO_VARIANCE, "0.1 three times: no variance");
	is_str(tp_ttest_status_name(TP_TTEST_NO_VARIANCE), "no_variance", "status name");
}

int main(void)
{
	test_mean_sd();
	test_ibeta();
	test_t_p();
	test_paired();
	test_undefined();
	return done_testing();
}
