/*
 * Mean, standard deviation and the paired t-test (see tp_stats.h). The
 * incomplete beta follows Numerical Recipes (2nd ed., 6.4): the continued
 * fraction converges fast for x < (a+1)/(a+b+2), and the symmetry
 * I_x(a,b) = 1 - I_{1-x}(b,a) covers the rest. The prefactor is computed
 * through lgamma so that large degrees of freedom do not overflow.
 */
#include "tp_stats.h"

#include <float.h>
#include <math.h>

#define BETACF_MAXIT 300
#define BETACF_EPS   1e-15
#define BETACF_FPMIN (DBL_MIN / DBL_EPSILON)

double tp_stats_mean(const double *x, size_t n)
{
	if (n == 0)
		return 0.0;
	double s = 0.0;
	for (size_t i = 0; i < n; i++)
		s += x[i];
	return s / (double)n;
}

double tp_stats_sd(const double *x, size_t n)
{
	if (n < 2)
		return 0.0;
	double m = tp_stats_mean(x, n);
	double ss = 0.0, comp = 0.0;
	for (size_t i = 0; i < n; i++) {
		double d = x[i] - m;
		ss += d * d;
		comp += d;
	}
	/* Corrected two-pass formula (Chan, Golub, LeVeque): comp removes the
	 * rounding left in the mean. */
	ss -= comp * comp / (double)n;
	if (ss < 0.0)
		ss = 0.0;
	return sqrt(ss / (double)(n - 1));
}

/* Continued fraction for the incomplete beta, modified Lentz's method. */
static double betacf(double a, double b, double x)
{
	double qab = a + b, qap = a + 1.0, qam = a - 1.0;
	double c = 1.0, d = 1.0 - qab * x / qap;
	if (fabs(d) < BETACF_FPMIN)
		d = BETACF_FPMIN;
	d = 1.0 / d;
	double h = d;
	for (int m = 1; m <= BETACF_MAXIT; m++) {
		int m2 = 2 * m;
		double aa = m * (b - m) * x / ((qam + m2) * (a + m2));
		d = 1.0 + aa * d;
		if (fabs(d) < BETACF_FPMIN)
			d = BETACF_FPMIN;
		c = 1.0 + aa / c;
		if (fabs(c) < BETACF_FPMIN)
			c = BETACF_FPMIN;
		d = 1.0 / d;
		h *= d * c;
		aa = -(a + m) * (qab + m) * x / ((a + m2) * (qap + m2));
		d = 1.0 + aa * d;
		if (fabs(d) < BETACF_FPMIN)
			d = BETACF_FPMIN;
		c = 1.0 + aa / c;
		if (fabs(c) < BETACF_FPMIN)
			c = BETACF_FPMIN;
		d = 1.0 / d;
		double del = d * c;
		h *= del;
		if (fabs(del - 1.0) < BETACF_EPS)
			break;
	}
	return h;
}

double tp_stats_ibeta(double a, double b, double x)
{
	if (!(a > 0.0) || !(b > 0.0) || !(x >= 0.0) || !(x <= 1.0))
		return NAN;
	if (x == 0.0)
		return 0.0;
	if (x == 1.0)
		return 1.0;
	double lbt = lgamma(a + b) - lgamma(a) - lgamma(b) +
		     a * log(x) + b * log1p(-x);
	double bt = exp(lbt);
	if (x < (a + 1.0) / (a + b + 2.0))
		return bt * betacf(a, b, x) / a;
	return 1.0 - bt * betacf(b, a, 1.0 - x) / b;
}

double tp_stats_t_p2(double t, double df)
{
	if (!(df > 0.0) || isnan(t))
		return NAN;
	if (isinf(t))
		return 0.0;
	double x = df / (df + t * t);
	double p = tp_stats_ibeta(df / 2.0, 0.5, x);
	if (p > 1.0)
		p = 1.0;
	return p;
}

/* Fills *out from n, the mean and the sample SD of the differences. */
static void paired_finish(struct tp_ttest *out, size_t n, double mean, double sd)
{
	out->n = n;
	out->mean_diff = mean;
	out->sd_diff = sd;
	out->df = n >= 1 ? (double)(n - 1) : 0.0;
	out->t = 0.0;
	out->p = 1.0;
	if (n < 2) {
		out->status = TP_TTEST_TOO_FEW;
		return;
	}
	/* All equal (exactly, or but for the rounding of the mean): no spread,
	 * so no t. */
	double scale = fabs(mean) > 1.0 ? fabs(mean) : 1.0;
	if (sd <= 64.0 * DBL_EPSILON * scale) {
		out->sd_diff = 0.0;
		out->status = TP_TTEST_NO_VARIANCE;
		return;
	}
	out->t = mean / (sd / sqrt((double)n));
	out->p = tp_stats_t_p2(out->t, out->df);
	out->status = TP_TTEST_OK;
}

void tp_stats_paired_t_diffs(const double *d, size_t n, struct tp_ttest *out)
{
	paired_finish(out, n, tp_stats_mean(d, n), tp_stats_sd(d, n));
}

void tp_stats_paired_t(const double *pre, const double *post, size_t n,
		       struct tp_ttest *out)
{
	/* Differences one at a time, so no buffer sized by input is needed:
	 * Welford's update. */
	double mean = 0.0, m2 = 0.0;
	for (size_t i = 0; i < n; i++) {
		double d = post[i] - pre[i];
		double delta = d - mean;
		mean += delta / (double)(i + 1);
		m2 += delta * (d - mean);
	}
	double sd = n >= 2 ? sqrt((m2 < 0.0 ? 0.0 : m2) / (double)(n - 1)) : 0.0;
	paired_finish(out, n, mean, sd);
}

const char *tp_ttest_status_name(enum tp_ttest_status s)
{
	switch (s) {
	case TP_TTEST_OK:          return "ok";
	case TP_TTEST_TOO_FEW:     return "too_few";
	case TP_TTEST_NO_VARIANCE: return "no_variance";
	}
	return "unknown";
}
