/* SPDX-License-Identifier: ISC
 *
 * Unit tests of the sources, envelope, amp and mixer modules, and of the
 * module registry. Every quality claim is measured: sine THD+N, aliasing
 * against a naive waveform, tuning, envelope stage times to the sample,
 * retrigger continuity, and identical output however frames are split.
 * sources_print_figures() prints the same measurements for docs/modules.md.
 */
#include "dsp/module.h"
#include "module_registry.h"
#include "spectrum.h"

#include "suites.h"

#include <CUnit/CUnit.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

extern const ModuleType module_sine, module_saw, module_square, module_triangle, module_noise,
	module_lfo, module_adsr, module_vca, module_mix, module_pan, module_op;

void sources_print_figures(FILE* f);
int  suite_sources(void);

#define FFT_N    65536
#define SETTLE   4096
#define PI       3.14159265358979323846
#define MS(r, t) ((long)llround((double)(t) * (r) / 1000.0))
#define OSC_TAPS_BOUND 32 /* samples a BLEP reaches: the start's correction is over by then */

/* CU_ASSERT with the measured values in the failure message. */
#define CHECK(cond, ...)                                                           \
	do {                                                                           \
		char msg_[256];                                                            \
		snprintf(msg_, sizeof msg_, __VA_ARGS__);                                  \
		CU_assertImplementation((cond) ? CU_TRUE : CU_FALSE, __LINE__, msg_,       \
		                        __FILE__, "", CU_FALSE);                           \
	} while (0)

/* ---- driving a module -------------------------------------------------- */

/* Per-sample input and parameter buffers for a whole render. */
typedef struct {
	const ModuleType* type;
	size_t            n;
	float*            in[MODULE_MAX_INPUTS];
	float*            par[MODULE_MAX_PARAMS];
} Feed;

/* Inputs at what the engine feeds unconnected ones (a held A4 at full
 * velocity), parameters at their defaults. */
static Feed
feed_new(const ModuleType* t, size_t n)
{
	Feed f = {.type = t, .n = n};
	for (unsigned j = 0; j < t->n_inputs; ++j) {
		const ImplicitSource src = t->inputs[j].implicit;
		const float v = src == IMPLICIT_PITCH ? 69.0f : (src == IMPLICIT_NONE ? 0.0f : 1.0f);
		f.in[j]       = malloc(n * sizeof(float));
		for (size_t i = 0; i < n; ++i) {
			f.in[j][i] = v;
		}
	}
	for (unsigned j = 0; j < t->n_params; ++j) {
		f.par[j] = malloc(n * sizeof(float));
		for (size_t i = 0; i < n; ++i) {
			f.par[j][i] = t->params[j].def;
		}
	}
	return f;
}

static void
feed_free(Feed* f)
{
	for (unsigned j = 0; j < MODULE_MAX_INPUTS; ++j) {
		free(f->in[j]);
	}
	for (unsigned j = 0; j < MODULE_MAX_PARAMS; ++j) {
		free(f->par[j]);
	}
}

static float*
feed_param(Feed* f, const char* name)
{
	const int j = module_param_index(f->type, name, strlen(name));
	if (j < 0) { /* a typo in this file; also used outside a CUnit run */
		fprintf(stderr, "%s has no parameter %s\n", f->type->name, name);
		abort();
	}
	return f->par[j];
}

static void
fill(float* buf, size_t from, size_t to, float v)
{
	for (size_t i = from; i < to; ++i) {
		buf[i] = v;
	}
}

static void*
instance(const ModuleType* t, double rate)
{
	void* s = calloc(1, t->state_size + 16);
	t->init(s, rate);
	return s;
}

/* Render frames [from, to) of the feed into out[from..to), in calls of
 * sizes[k] frames (cycled), or of CHRONUS_SUBBLOCK when sizes is NULL. */
static void
render_range(const Feed* f, void* state, float* out, size_t from, size_t to,
             const unsigned* sizes, size_t n_sizes)
{
	size_t k = 0;
	for (size_t i = from; i < to;) {
		unsigned n = sizes ? sizes[k++ % n_sizes] : CHRONUS_SUBBLOCK;
		n          = (size_t)n < to - i ? n : (unsigned)(to - i);
		ModuleIO io = {.out = out + i, .n = n, .lanes = 1, .sounding = 1u};
		for (unsigned j = 0; j < f->type->n_inputs; ++j) {
			io.in[j] = f->in[j] + i;
		}
		for (unsigned j = 0; j < f->type->n_params; ++j) {
			io.param[j] = f->par[j] + i;
		}
		f->type->process(state, &io);
		i += n;
	}
}

static float*
render(const Feed* f, double rate)
{
	void*  s   = instance(f->type, rate);
	float* out = malloc(f->n * sizeof(float));
	render_range(f, s, out, 0, f->n, NULL, 0);
	free(s);
	return out;
}

/* A held note at frequency hz, default parameters, at the given rate. */
static float*
render_tone(const ModuleType* t, double rate, double hz, size_t n)
{
	Feed f = feed_new(t, n);
	fill(f.in[0], 0, n, (float)(69.0 + 12.0 * log2(hz / 440.0)));
	float* out = render(&f, rate);
	feed_free(&f);
	return out;
}

/* ---- measurements (shared by the tests and the figures) --------------- */

static double
measure_sine_thd_n(void)
{
	float*       x = render_tone(&module_sine, 44100.0, 1000.0, SETTLE + FFT_N);
	const double d = spectrum_thd_n_db(x + SETTLE, FFT_N, 44100.0, 1000.0);
	free(x);
	return d;
}

/* The trivial waveform: what band limiting is measured against. */
static void
naive_wave(const ModuleType* t, double rate, double hz, float* x, size_t n)
{
	double p = 0.0;
	for (size_t i = 0; i < n; ++i) {
		if (t == &module_saw) {
			x[i] = (float)(2.0 * p - 1.0);
		} else if (t == &module_square) {
			x[i] = p < 0.5 ? 1.0f : -1.0f;
		} else {
			x[i] = (float)(1.0 - 4.0 * fabs(p - 0.5));
		}
		p += hz / rate;
		p -= floor(p);
	}
}

/* Worst alias of the module's wave and of the naive one, dB re fundamental. */
static void
measure_alias(const ModuleType* t, double rate, double hz, double* ours, double* naive)
{
	float*       x    = render_tone(t, rate, hz, SETTLE + FFT_N);
	*ours             = spectrum_worst_alias_db(x + SETTLE, FFT_N, rate, hz);
	naive_wave(t, rate, hz, x, FFT_N);
	*naive = spectrum_worst_alias_db(x, FFT_N, rate, hz);
	free(x);
}

/* Level of the saw's harmonic at hz (a 1 kHz saw at 44.1 kHz) against an
 * ideal saw's, 2 / (pi k), measured the same way (so the window's
 * scalloping cancels): what band limiting costs in treble. */
static double
measure_saw_droop_db(double hz)
{
	const double rate = 44100.0;
	float*       x    = render_tone(&module_saw, rate, 1000.0, SETTLE + FFT_N);
	const double lvl  = spectrum_level_db(x + SETTLE, FFT_N, rate, hz);
	const double amp  = 2.0 / (PI * round(hz / 1000.0));
	for (size_t i = 0; i < FFT_N; ++i) {
		x[i] = (float)(amp * sin(2.0 * PI * hz * (double)i / rate));
	}
	const double ideal = spectrum_level_db(x, FFT_N, rate, hz);
	free(x);
	return lvl - ideal;
}

/* Mean frequency from rising zero crossings, interpolated linearly. */
static double
zero_cross_hz(const float* x, size_t n, double rate)
{
	double first = -1.0, last = -1.0;
	long   count = 0;
	for (size_t i = 1; i < n; ++i) {
		if (x[i - 1] < 0.0f && x[i] >= 0.0f) {
			const double t = (double)(i - 1) + (double)x[i - 1] / (double)(x[i - 1] - x[i]);
			first          = first < 0.0 ? t : first;
			last           = t;
			++count;
		}
	}
	return count > 1 ? (double)(count - 1) * rate / (last - first) : 0.0;
}

/* Tuning error of note 69 at 48 kHz, in cents. */
static double
measure_a4_cents(const ModuleType* t)
{
	const double rate = 48000.0;
	const size_t n    = 2 * 48000;
	Feed         f    = feed_new(t, n); /* note defaults to 69 */
	float*       x    = render(&f, rate);
	const double hz   = zero_cross_hz(x + SETTLE, n - SETTLE, rate);
	free(x);
	feed_free(&f);
	return 1200.0 * log2(hz / 440.0);
}

/* Lag, in samples, of the wave's fundamental behind a sine's at the same
 * pitch, both started at phase 0 (saw, square and triangle all rise
 * through 0 there like the sine, so their fundamentals are in phase): the
 * band limit's group delay, plus any latency. 187.5 Hz at 48 kHz is 256
 * samples a cycle, so the sums run over whole cycles. */
static double
measure_fundamental_lag(const ModuleType* t)
{
	const double rate = 48000.0, hz = 187.5, w = 2.0 * PI * hz / rate;
	const size_t n    = SETTLE + 64 * 256;
	float*       x    = render_tone(t, rate, hz, n);
	float*       ref  = render_tone(&module_sine, rate, hz, n);
	double       xr = 0.0, xi = 0.0, rr = 0.0, ri = 0.0;
	for (size_t i = SETTLE; i < n; ++i) {
		xr += x[i] * cos(w * (double)i);
		xi -= x[i] * sin(w * (double)i);
		rr += ref[i] * cos(w * (double)i);
		ri -= ref[i] * sin(w * (double)i);
	}
	free(x);
	free(ref);
	double d = atan2(ri, rr) - atan2(xi, xr); /* phase of the sine minus the wave's */
	d        = d - 2.0 * PI * floor((d + PI) / (2.0 * PI));
	return d / w;
}

/* Where a saw's jump shows against where the naive saw has it (110 Hz at
 * 48 kHz: the naive jump lies between samples 218 and 219, at 218.18):
 * `first` is the first sample after the jump time whose second difference
 * leaves the straight ramp (nothing may move before the jump), `mid` where
 * the band-limited jump crosses its midpoint, both in samples after the
 * naive jump. */
static void
measure_saw_jump(double* first, double* mid, double* before)
{
	const double rate = 48000.0, hz = 110.0, at = 0.5 * rate / hz;
	const size_t n    = 512;
	float*       x    = render_tone(&module_saw, rate, hz, n);
	*first = *mid = 1e9;
	*before       = 0.0; /* largest second difference on the ramp before the jump */
	for (size_t i = 2 * OSC_TAPS_BOUND; i < n; ++i) {
		const double d2 = fabs((double)x[i] - 2.0 * x[i - 1] + x[i - 2]);
		if ((double)i < at) {
			*before = fmax(*before, d2);
		} else if (d2 > 1e-3 && *first > 1e8) {
			*first = (double)i - at;
		}
		if ((double)i > at && x[i - 1] >= 0.0f && x[i] < 0.0f && *mid > 1e8) {
			*mid = (double)(i - 1) + x[i - 1] / (double)(x[i - 1] - x[i]) - at;
		}
	}
	free(x);
}

/* Largest |sample| of the wave at 40 pitches from 50 Hz to 8 kHz (48 kHz,
 * 0.25 s each): what the band limit's ringing adds to the peak of 1. */
static double
measure_peak(const ModuleType* t)
{
	const size_t n    = 12000;
	double       peak = 0.0;
	for (double hz = 50.0; hz < 8000.0; hz *= 1.135) {
		float* x = render_tone(t, 48000.0, hz, n);
		for (size_t i = 0; i < n; ++i) {
			peak = fmax(peak, fabs(x[i]));
		}
		free(x);
	}
	return peak;
}

/* Mean of a 6 kHz wave at 48 kHz (8 samples a cycle) over 8192 cycles: a
 * minBLEP residual has a nonzero area, so a wave that left its ramps
 * untouched would carry an offset of 2 lag inc (about 0.58 here). */
static double
measure_dc(const ModuleType* t)
{
	const size_t n = SETTLE + 8 * 8192;
	float*       x = render_tone(t, 48000.0, 6000.0, n);
	double       sum = 0.0;
	for (size_t i = SETTLE; i < n; ++i) {
		sum += x[i];
	}
	free(x);
	return sum / (double)(n - SETTLE);
}

/* ---- adsr ---------------------------------------------------------------- */

#define ENV_RATE 48000.0

typedef struct {
	float  attack, decay, sustain, release; /* ms, ms, level, ms */
	long   gate_on, gate_off;               /* sample indices; -1: never */
	long   gate_on2;                        /* a second note-on, or -1 */
	size_t n;
} EnvCase;

/* Render an envelope case in one-frame calls, recording active() after
 * each frame. */
static float*
render_env(const EnvCase* c, bool* active)
{
	Feed f = feed_new(&module_adsr, c->n);
	fill(f.in[0], 0, c->n, 0.0f);
	const long on_end = c->gate_off >= 0 ? c->gate_off : (long)c->n;
	fill(f.in[0], (size_t)c->gate_on, (size_t)on_end, 1.0f);
	if (c->gate_on2 >= 0) {
		fill(f.in[0], (size_t)c->gate_on2, c->n, 1.0f);
	}
	fill(feed_param(&f, "attack"), 0, c->n, c->attack);
	fill(feed_param(&f, "decay"), 0, c->n, c->decay);
	fill(feed_param(&f, "sustain"), 0, c->n, c->sustain);
	fill(feed_param(&f, "release"), 0, c->n, c->release);
	void*          s     = instance(&module_adsr, ENV_RATE);
	float*         out   = malloc(c->n * sizeof(float));
	const unsigned one[] = {1};
	for (size_t i = 0; i < c->n; ++i) {
		render_range(&f, s, out, i, i + 1, one, 1);
		if (active) {
			active[i] = module_adsr.active(s);
		}
	}
	free(s);
	feed_free(&f);
	return out;
}

/* First index >= from where x == v exactly, or -1. */
static long
first_equal(const float* x, size_t n, long from, float v)
{
	for (size_t i = (size_t)from; i < n; ++i) {
		if (x[i] == v) {
			return (long)i;
		}
	}
	return -1;
}

static const float env_times[] = {0.0f, 1.0f, 5.0f, 100.0f, 1000.0f};
#define N_ENV_TIMES (sizeof env_times / sizeof env_times[0])

/* Largest error, in samples, of every stage's end over the time table: the
 * attack reaching 1, the decay reaching sustain, the release reaching 0. */
static long
measure_adsr_stage_error(void)
{
	long worst = 0;
	for (unsigned k = 0; k < N_ENV_TIMES; ++k) {
		const float t  = env_times[k];
		const long  on = 100;
		long        e;
		/* Attack: decay 100 ms so the peak shows. */
		EnvCase a  = {t, 100.0f, 0.5f, 100.0f, on, -1, -1, (size_t)(on + MS(ENV_RATE, t) + 1000)};
		float*  x  = render_env(&a, NULL);
		const long top = first_equal(x, a.n, 0, 1.0f);
		e = top < 0 ? 1000000 : labs(top - on - MS(ENV_RATE, t));
		worst = e > worst ? e : worst;
		free(x);
		/* Decay, after a 10 ms attack. */
		const long a_end = on + MS(ENV_RATE, 10.0);
		EnvCase    d     = {10.0f, t, 0.5f, 100.0f, on, -1, -1, (size_t)(a_end + MS(ENV_RATE, t) + 1000)};
		x                = render_env(&d, NULL);
		const long floor_at = first_equal(x, d.n, a_end, 0.5f);
		e     = floor_at < 0 ? 1000000 : labs(floor_at - a_end - MS(ENV_RATE, t));
		worst = e > worst ? e : worst;
		free(x);
		/* Release from sustain 0.6. */
		const long off = on + MS(ENV_RATE, 20.0);
		EnvCase    r   = {1.0f, 1.0f, 0.6f, t, on, off, -1, (size_t)(off + MS(ENV_RATE, t) + 1000)};
		x              = render_env(&r, NULL);
		const long zero = first_equal(x, r.n, off, 0.0f);
		e     = zero < 0 ? 1000000 : labs(zero - off - MS(ENV_RATE, t));
		worst = e > worst ? e : worst;
		free(x);
	}
	return worst;
}

/* Note on, off in the release, on again 120 ms into a 500 ms release: the
 * largest step at the retrigger over the largest step of an attack from 0
 * (<= 1: no click), and how far the retriggered attack ends from 20 ms. */
static void
measure_retrigger(double* step_ratio, long* attack_error, float* level_at)
{
	const long on = 100, off = on + MS(ENV_RATE, 200.0), on2 = off + MS(ENV_RATE, 120.0);
	EnvCase    c  = {20.0f, 100.0f, 0.8f, 500.0f, on, off, on2, (size_t)(on2 + MS(ENV_RATE, 200.0))};
	float*     x  = render_env(&c, NULL);
	double     attack_step = 0.0, retrig_step = 0.0;
	for (long i = on + 1; i <= on + MS(ENV_RATE, 20.0); ++i) {
		attack_step = fmax(attack_step, fabs(x[i] - x[i - 1]));
	}
	for (long i = on2 - 2; i <= on2 + 2; ++i) {
		retrig_step = fmax(retrig_step, fabs(x[i] - x[i - 1]));
	}
	*step_ratio        = retrig_step / attack_step;
	*level_at          = x[on2];
	const long top     = first_equal(x, c.n, on2, 1.0f);
	*attack_error      = top < 0 ? 1000000 : labs(top - on2 - MS(ENV_RATE, 20.0));
	free(x);
}

/* ---- split invariance ---------------------------------------------------- */

static uint32_t test_seed = 12345u;

static double
rnd(void)
{
	test_seed = test_seed * 1664525u + 1013904223u;
	return (double)(test_seed >> 8) / 16777216.0;
}

/* A busy feed: every parameter and input moves, ramps and jumps; gates
 * toggle, notes change, choices switch. Times are kept short (<= 20 ms)
 * so envelope stages come and go within the render. */
static Feed
busy_feed(const ModuleType* t, size_t n)
{
	Feed f = feed_new(t, n);
	for (unsigned j = 0; j < t->n_params; ++j) {
		const ParamSpec* p  = &t->params[j];
		const float      hi = strcmp(p->unit, "ms") == 0 ? 20.0f : p->max;
		double           v  = p->def;
		for (size_t i = 0; i < n; ++i) {
			if (rnd() < 0.002) {
				v = p->min + (hi - p->min) * rnd(); /* a jump */
			}
			v += (hi - p->min) * 0.001 * (rnd() - 0.5); /* a drift */
			v = v < p->min ? p->min : (v > hi ? hi : v);
			f.par[j][i] = p->choices ? (float)(int)(v + 0.5) : (float)v;
		}
	}
	for (unsigned j = 0; j < t->n_inputs; ++j) {
		const ImplicitSource src = t->inputs[j].implicit;
		float                v   = 0.0f;
		for (size_t i = 0; i < n; ++i) {
			if (src == IMPLICIT_PITCH) {
				v = rnd() < 0.003 ? (float)(30.0 + 80.0 * rnd()) : v + 0.01f;
			} else if (src == IMPLICIT_GATE) {
				v = rnd() < 0.004 ? 1.0f - v : v;
			} else if (src == IMPLICIT_VELOCITY) {
				v = rnd() < 0.003 ? (float)rnd() : v;
			} else {
				v = (float)(2.0 * rnd() - 1.0); /* audio */
			}
			f.in[j][i] = v;
		}
	}
	return f;
}

static const ModuleType* const my_types[] = {
	&module_sine, &module_saw, &module_square, &module_triangle, &module_noise,
	&module_lfo,  &module_adsr, &module_vca,   &module_mix, &module_pan, &module_op,
};
#define N_MY_TYPES (sizeof my_types / sizeof my_types[0])

/* Samples that differ between calls of 64 and calls of random 1..64
 * frames (and non-finite samples), over 4096 frames. */
static long
split_mismatches(const ModuleType* t)
{
	enum { N = 4096 };
	Feed     f = busy_feed(t, N);
	unsigned sizes[N];
	for (unsigned k = 0; k < N; ++k) {
		sizes[k] = 1u + (unsigned)(rnd() * CHRONUS_SUBBLOCK);
	}
	float* a  = malloc(N * sizeof(float));
	float* b  = malloc(N * sizeof(float));
	void*  sa = instance(t, 48000.0);
	void*  sb = instance(t, 48000.0);
	render_range(&f, sa, a, 0, N, NULL, 0);
	render_range(&f, sb, b, 0, N, sizes, N);
	long bad = 0;
	for (size_t i = 0; i < N; ++i) {
		bad += memcmp(&a[i], &b[i], sizeof(float)) != 0 || !isfinite(a[i]);
	}
	free(sa);
	free(sb);
	free(a);
	free(b);
	feed_free(&f);
	return bad;
}

/* ---- noise ---------------------------------------------------------------- */

/* Mean power density over [lo, hi) Hz. */
static double
band_density(const double* power, size_t n, double rate, double lo, double hi)
{
	const size_t k0 = (size_t)(lo * n / rate), k1 = (size_t)(hi * n / rate);
	double       sum = 0.0;
	for (size_t k = k0; k < k1; ++k) {
		sum += power[k];
	}
	return sum / (double)(k1 - k0);
}

/* Pink noise's slope in dB per octave, from 250-500 Hz to 4-8 kHz. */
static double
measure_pink_slope(void)
{
	const double rate = 48000.0;
	const size_t n    = 1u << 20;
	Feed         f    = feed_new(&module_noise, n);
	fill(feed_param(&f, "color"), 0, n, 1.0f);
	float*  x     = render(&f, rate);
	double* power = malloc((n / 2 + 1) * sizeof(double));
	spectrum_power(x, n, power);
	const double lo = band_density(power, n, rate, 250.0, 500.0);
	const double hi = band_density(power, n, rate, 4000.0, 8000.0);
	free(power);
	free(x);
	feed_free(&f);
	return 10.0 * log10(hi / lo) / 4.0;
}

/* ---- tests ------------------------------------------------------------------ */

static void
test_sine_thd_n(void)
{
	const double d = measure_sine_thd_n();
	CHECK(d <= -100.0, "sine THD+N at 1 kHz %.1f dB > -100 dB", d);
}

/* Worst alias bounds: the figures measured with the minimum-phase BLEP
 * (docs/modules.md) less about 5 dB, so a real regression fails. */
static const struct {
	const ModuleType* type;
	double            rate, hz, bound;
} alias_cases[] = {
	{&module_saw, 44100.0, 1000.0, -100.0},     {&module_saw, 44100.0, 2000.0, -94.0},
	{&module_saw, 44100.0, 5000.0, -88.0},      {&module_saw, 48000.0, 5000.0, -88.0},
	{&module_square, 44100.0, 1000.0, -100.0},  {&module_square, 44100.0, 2000.0, -94.0},
	{&module_square, 44100.0, 5000.0, -88.0},   {&module_triangle, 44100.0, 1000.0, -100.0},
	{&module_triangle, 44100.0, 2000.0, -94.0}, {&module_triangle, 44100.0, 5000.0, -88.0},
};
#define N_ALIAS_CASES (sizeof alias_cases / sizeof alias_cases[0])

static void
test_alias(void)
{
	for (unsigned c = 0; c < N_ALIAS_CASES; ++c) {
		double ours, naive;
		measure_alias(alias_cases[c].type, alias_cases[c].rate, alias_cases[c].hz, &ours, &naive);
		CHECK(ours <= alias_cases[c].bound && ours <= naive - 30.0,
		      "%s at %.0f Hz (%.1f kHz): worst alias %.1f dB, bound %.1f dB, naive %.1f dB",
		      alias_cases[c].type->name, alias_cases[c].hz, alias_cases[c].rate / 1000.0, ours,
		      alias_cases[c].bound, naive);
	}
}

/* No latency: nothing moves before the naive jump, the jump starts at once
 * and is half done within 3 samples (a linear-phase BLEP would start
 * ringing 16 samples early, or, delayed as it was, end 16 samples late);
 * every band-limited wave's fundamental is within the band limit's group
 * delay (2.45 samples) of a sine started with it; and no DC offset. */
static void
test_osc_latency(void)
{
	double first, mid, before;
	measure_saw_jump(&first, &mid, &before);
	CHECK(before < 1e-5, "saw ramp bends %.2g before its jump", before);
	CHECK(first >= 0.0 && first <= 2.0, "saw jump first moves %.2f samples after the naive jump", first);
	CHECK(mid >= 0.0 && mid <= 3.0, "saw jump half done %.2f samples after the naive jump", mid);
	const ModuleType* types[] = {&module_saw, &module_square, &module_triangle};
	for (unsigned t = 0; t < 3; ++t) {
		const double lag = measure_fundamental_lag(types[t]);
		CHECK(lag >= 0.0 && lag <= 3.0, "%s fundamental lags a sine by %.2f samples",
		      types[t]->name, lag);
		const double dc = measure_dc(types[t]);
		CHECK(fabs(dc) < 1e-3, "%s at 6 kHz has a DC offset of %.4f", types[t]->name, dc);
		/* The minimum-phase ringing: 21 % of a jump, and two of a square's
		 * jumps can meet. */
		const double peak = measure_peak(types[t]);
		CHECK(peak <= 1.7, "%s peaks at %.3f", types[t]->name, peak);
	}
}

static void
test_saw_treble(void)
{
	/* The BLEP filter is flat through the audible band's bulk. */
	const double d10 = measure_saw_droop_db(10000.0), d15 = measure_saw_droop_db(15000.0);
	CHECK(fabs(d10) < 0.05 && fabs(d15) < 0.2, "saw harmonic at 10 kHz %.2f dB, 15 kHz %.2f dB",
	      d10, d15);
}

static void
test_a4_tuning(void)
{
	const ModuleType* types[] = {&module_sine, &module_saw, &module_square, &module_triangle};
	for (unsigned t = 0; t < 4; ++t) {
		const double c = measure_a4_cents(types[t]);
		CHECK(fabs(c) <= 0.1, "%s: A4 off by %.4f cent", types[t]->name, c);
	}
}

static void
test_osc_params(void)
{
	/* pitch +12 and fine -100 cents: one octave up, one semitone down;
	 * track 0: note ignored (a low note still gives A4 + 11 semitones). */
	const double rate = 48000.0;
	const size_t n    = 48000;
	Feed         f    = feed_new(&module_sine, n);
	fill(f.in[0], 0, n, 40.0f);
	fill(feed_param(&f, "pitch"), 0, n, 12.0f);
	fill(feed_param(&f, "fine"), 0, n, -100.0f);
	fill(feed_param(&f, "track"), 0, n, 0.0f);
	fill(feed_param(&f, "level"), 0, n, 0.5f);
	float*       x    = render(&f, rate);
	const double hz   = zero_cross_hz(x, n, rate);
	const double want = 440.0 * exp2(11.0 / 12.0);
	float        peak = 0.0f;
	for (size_t i = 0; i < n; ++i) {
		peak = fmaxf(peak, fabsf(x[i]));
	}
	CHECK(fabs(1200.0 * log2(hz / want)) < 0.1, "sine at %.3f Hz, want %.3f Hz", hz, want);
	CHECK(fabsf(peak - 0.5f) < 1e-3f, "sine level 0.5 peaks at %.4f", peak);
	free(x);

	/* The frequency is clamped at 0.45 rate, never above Nyquist. */
	fill(f.in[0], 0, n, 200.0f);
	fill(feed_param(&f, "track"), 0, n, 1.0f);
	fill(feed_param(&f, "pitch"), 0, n, 48.0f);
	x          = render(&f, rate);
	double err = 0.0;
	for (size_t i = 0; i < 4096; ++i) {
		err = fmax(err, fabs(x[i] - 0.5 * sin(2.0 * PI * 0.45 * (double)i)));
	}
	CHECK(err < 1e-4, "a note far too high plays at 0.45 rate: error %.2g", err);
	free(x);
	feed_free(&f);

	/* Pulse width 0.25: a quarter of the cycle is high. */
	f = feed_new(&module_square, n);
	fill(feed_param(&f, "width"), 0, n, 0.25f);
	x         = render(&f, rate);
	long high = 0;
	for (size_t i = SETTLE; i < n; ++i) {
		high += x[i] > 0.0f;
	}
	const double duty = (double)high / (double)(n - SETTLE);
	CHECK(fabs(duty - 0.25) < 0.005, "square width 0.25 gives duty %.4f", duty);
	free(x);
	feed_free(&f);
}

static void
test_adsr_times(void)
{
	const long e = measure_adsr_stage_error();
	CHECK(e <= 1, "an adsr stage ends %ld samples off its set time", e);

	/* Monotone attack and decay with the default shape; exact 1 and 0.7. */
	EnvCase c = {30.0f, 50.0f, 0.7f, 80.0f, 0, 4800, -1, 9600};
	float*  x = render_env(&c, NULL);
	bool    mono = true;
	for (long i = 1; i <= MS(ENV_RATE, 30.0); ++i) {
		mono = mono && x[i] >= x[i - 1];
	}
	for (long i = MS(ENV_RATE, 30.0) + 1; i < 4800; ++i) {
		mono = mono && x[i] <= x[i - 1] && x[i] >= 0.7f;
	}
	CHECK(mono, "adsr attack rises and decay falls to sustain, monotonically");
	free(x);
}

static void
test_adsr_release_from_attack(void)
{
	/* Gate off 5 ms into a 20 ms attack: release from there to exactly 0
	 * after the release time, with no jump at the gate edge. */
	const long off = MS(ENV_RATE, 5.0);
	EnvCase    c   = {20.0f, 100.0f, 0.7f, 50.0f, 0, off, -1, (size_t)(off + MS(ENV_RATE, 60.0))};
	bool*      act = malloc(c.n * sizeof(bool));
	float*     x   = render_env(&c, act);
	const long zero = first_equal(x, c.n, off, 0.0f);
	CHECK(zero == off + MS(ENV_RATE, 50.0), "release from mid-attack ends at %ld, want %ld", zero,
	      off + MS(ENV_RATE, 50.0));
	CHECK(x[off] > 0.1f && x[off] < 1.0f && fabsf(x[off] - x[off - 1]) < 1e-3f,
	      "release starts from the attack's level %.4f (previous %.4f)", x[off], x[off - 1]);
	CHECK(act[zero - 1] && !act[zero] && !act[c.n - 1],
	      "active() true until the release ends, false after");
	free(act);
	free(x);
}

static void
test_adsr_retrigger(void)
{
	double ratio;
	long   err;
	float  level;
	measure_retrigger(&ratio, &err, &level);
	CHECK(ratio <= 1.0, "retrigger step is %.3f attack steps", ratio);
	CHECK(level > 0.1f, "retrigger starts from the release level, got %.4f", level);
	CHECK(err <= 1, "retriggered attack ends %ld samples off 20 ms", err);
}

static void
test_adsr_active(void)
{
	void* s = instance(&module_adsr, ENV_RATE);
	CU_ASSERT(!module_adsr.active(s)); /* a fresh envelope is quiet */
	free(s);
	/* Release 0: quiet on the very sample the gate falls. */
	EnvCase c   = {1.0f, 1.0f, 0.5f, 0.0f, 0, 480, -1, 960};
	bool    act[960];
	float*  x   = render_env(&c, act);
	CHECK(act[479] && !act[480] && x[479] == 0.5f && x[480] == 0.0f,
	      "release 0: active %d/%d, level %.3f/%.3f", act[479], act[480], x[479], x[480]);
	free(x);
}

/* A voice handed over at a swap (enter_held with its age) goes on exactly
 * where its own curve is that many samples after the gate rose: in the
 * attack (not restarted, not at sustain), the decay, or the sustain; the
 * same in one-frame calls and in 64-frame ones, and on a lane of a group. */
static void
test_adsr_enter_held(void)
{
	const float  attack = 300.0f, decay = 200.0f, sustain = 0.6f;
	const size_t n      = (size_t)MS(ENV_RATE, 1000.0);
	EnvCase      c      = {attack, decay, sustain, 100.0f, 0, -1, -1, n};
	float*       ref    = render_env(&c, NULL);
	const long   a = MS(ENV_RATE, attack), d = MS(ENV_RATE, decay);
	const long   ages[] = {0, 1, MS(ENV_RATE, 20.0), a - 1, a, a + 1, a + d / 2, a + d - 1, a + d,
	                       a + d + 1, (long)n - 4800, 100000000L};
	const size_t len    = 4800;
	Feed         f      = feed_new(&module_adsr, len);
	fill(feed_param(&f, "attack"), 0, len, attack);
	fill(feed_param(&f, "decay"), 0, len, decay);
	fill(feed_param(&f, "sustain"), 0, len, sustain);
	fill(feed_param(&f, "release"), 0, len, 100.0f);
	const unsigned one[] = {1};
	float          out[4800];
	for (size_t i = 0; i < sizeof ages / sizeof ages[0]; ++i) {
		for (int calls = 0; calls < 2; ++calls) {
			void* s = instance(&module_adsr, ENV_RATE);
			module_adsr.enter_held(s, 0, (uint32_t)ages[i]);
			CU_ASSERT(module_adsr.active(s));
			render_range(&f, s, out, 0, len, calls ? NULL : one, 1);
			double worst = 0.0;
			for (size_t j = 0; j < len; ++j) {
				const long  k    = ages[i] + (long)j;
				const float want = k < (long)n ? ref[k] : sustain;
				worst            = fmax(worst, fabs((double)out[j] - want));
			}
			CHECK(worst < 1e-5, "held for %ld samples: off its curve by %.2g", ages[i], worst);
			free(s);
		}
	}
	/* Struck 20 ms before: low, rising, far from sustain; long held: sustain. */
	void* s = instance(&module_adsr, ENV_RATE);
	module_adsr.enter_held(s, 0, (uint32_t)MS(ENV_RATE, 20.0));
	render_range(&f, s, out, 0, len, NULL, 0);
	CHECK(out[0] < 0.2f && out[0] > 0.0f && out[480] > out[0], "20 ms into the attack: %.3f then %.3f",
	      out[0], out[480]);
	free(s);
	s = instance(&module_adsr, ENV_RATE);
	module_adsr.enter_held(s, 0, 480000);
	render_range(&f, s, out, 0, len, NULL, 0);
	CHECK(out[0] == sustain && out[len - 1] == sustain, "held 10 s: %.3f", out[0]);
	free(s);
	/* A lane of a group, the others idle: only that lane moves. */
	s                 = instance(&module_adsr, ENV_RATE);
	const unsigned L  = CHRONUS_LANES, lane = 5, age = (unsigned)MS(ENV_RATE, 20.0);
	module_adsr.enter_held(s, lane, age);
	float       zeros[64 * CHRONUS_LANES], pars[4][64 * CHRONUS_LANES], lanes_out[64 * CHRONUS_LANES];
	const float vals[4] = {attack, decay, sustain, 100.0f};
	for (unsigned i = 0; i < 64 * L; ++i) {
		zeros[i] = (i % L) == lane ? 1.0f : 0.0f; /* the gate: high on that lane only */
		for (unsigned p = 0; p < 4; ++p) {
			pars[p][i] = vals[p];
		}
	}
	ModuleIO io = {.in = {zeros}, .param = {pars[0], pars[1], pars[2], pars[3]}, .out = lanes_out,
	               .n = 64, .lanes = L, .sounding = 1u << lane};
	module_adsr.process(s, &io);
	double worst = 0.0, others = 0.0;
	for (unsigned j = 0; j < 64; ++j) {
		for (unsigned l = 0; l < L; ++l) {
			const double v = lanes_out[j * L + l];
			if (l == lane) {
				worst = fmax(worst, fabs(v - ref[age + j]));
			} else {
				others = fmax(others, fabs(v));
			}
		}
	}
	CHECK(worst < 1e-5 && others == 0.0, "lane %u of a group: off its curve by %.2g, others %.2g", lane,
	      worst, others);
	free(s);
	feed_free(&f);
	free(ref);
}

static void
test_split_invariance(void)
{
	for (unsigned t = 0; t < N_MY_TYPES; ++t) {
		const long bad = split_mismatches(my_types[t]);
		CHECK(bad == 0, "%s: %ld of 4096 samples differ between splits (or are not finite)",
		      my_types[t]->name, bad);
	}
}

static void
test_noise(void)
{
	/* Deterministic after reset, white within [-1, 1) and zero-mean. */
	const size_t n = 1u << 16;
	Feed         f = feed_new(&module_noise, n);
	float*       a = render(&f, 48000.0);
	float*       b = render(&f, 48000.0);
	double       mean = 0.0, peak = 0.0;
	for (size_t i = 0; i < n; ++i) {
		mean += a[i] / (double)n;
		peak = fmax(peak, fabs(a[i]));
	}
	CU_ASSERT(memcmp(a, b, n * sizeof(float)) == 0);
	CHECK(fabs(mean) < 0.01 && peak <= 1.0 && peak > 0.99, "white mean %.4f peak %.4f", mean, peak);
	free(a);
	free(b);
	feed_free(&f);

	const double slope = measure_pink_slope();
	CHECK(fabs(slope + 3.01) < 0.5, "pink slope %.2f dB/oct", slope);
}

static void
test_lfo(void)
{
	/* 2 Hz over 10 s: 20 cycles in every shape, all within -1..1; sample &
	 * hold changes once a cycle. */
	const double rate = 48000.0;
	const size_t n    = 10 * 48000;
	for (int shape = 0; shape <= 4; ++shape) {
		Feed f = feed_new(&module_lfo, n);
		fill(feed_param(&f, "shape"), 0, n, (float)shape);
		float* x       = render(&f, rate);
		float  peak    = 0.0f;
		long   changes = 0;
		for (size_t i = 0; i < n; ++i) {
			peak = fmaxf(peak, fabsf(x[i]));
			changes += i > 0 && x[i] != x[i - 1];
		}
		CHECK(peak <= 1.0f, "lfo shape %d peaks at %.4f", shape, peak);
		if (shape == 4) {
			CHECK(changes == 20 || changes == 19, "lfo sh changed %ld times in 20 cycles", changes);
		} else if (shape != 3) {
			const double hz = zero_cross_hz(x, n, rate);
			CHECK(fabs(hz - 2.0) < 0.01, "lfo shape %d runs at %.4f Hz", shape, hz);
		}
		free(x);
		feed_free(&f);
	}
}

static void
test_vca_mix(void)
{
	const size_t n = 256;
	Feed         f = feed_new(&module_vca, n);
	for (size_t i = 0; i < n; ++i) {
		f.in[0][i] = 0.5f;
		f.in[1][i] = 0.25f;
		f.par[0][i] = 0.8f;
		f.par[1][i] = 1.0f;
	}
	float* x = render(&f, 48000.0);
	CHECK(fabsf(x[0] - 0.1f) < 1e-6f, "vca 0.5 * 0.8 * vel 0.25 = %.6f", x[0]);
	fill(f.par[1], 0, n, 0.0f);
	free(x);
	x = render(&f, 48000.0);
	CHECK(fabsf(x[0] - 0.4f) < 1e-6f, "vca velocity 0: %.6f", x[0]);
	free(x);
	feed_free(&f);

	f = feed_new(&module_mix, n);
	for (unsigned k = 0; k < 4; ++k) {
		fill(f.in[k], 0, n, (float)(k + 1));
		fill(f.par[k], 0, n, 0.5f * (float)k);
	}
	x = render(&f, 48000.0);
	CHECK(fabsf(x[5] - (0.0f + 1.0f + 3.0f + 6.0f)) < 1e-5f, "mix gives %.4f, want 10", x[5]);
	free(x);
	feed_free(&f);
}

/* Every spec of this set is self-consistent: defaults in range, choices
 * matching the range, smoothing only for continuous parameters. */
static void
test_specs(void)
{
	for (unsigned t = 0; t < N_MY_TYPES; ++t) {
		const ModuleType* m = my_types[t];
		CU_ASSERT(m->n_inputs <= MODULE_MAX_INPUTS && m->n_params <= MODULE_MAX_PARAMS);
		for (unsigned j = 0; j < m->n_params; ++j) {
			const ParamSpec* p = &m->params[j];
			CHECK(p->min <= p->def && p->def <= p->max, "%s.%s default", m->name, p->name);
			CHECK(p->curve != CURVE_EXP || p->min > 0.0f, "%s.%s exp curve", m->name, p->name);
			if (p->choices) {
				unsigned c = 0;
				while (p->choices[c]) {
					++c;
				}
				CHECK(p->min == 0.0f && p->max == (float)(c - 1) && p->smooth_ms == 0.0f,
				      "%s.%s choices", m->name, p->name);
			}
		}
	}
}

static void
test_registry(void)
{
	CU_ASSERT(module_registry_count() == 26);
	/* A lane-group module is registered as it is; a one-voice one
	 * through the adapter: the same name, ports and documentation. */
	for (unsigned t = 0; t < N_MY_TYPES; ++t) {
		const ModuleType* mine = my_types[t];
		const ModuleType* got  = module_registry_find(mine->name, strlen(mine->name));
		CU_ASSERT_FATAL(got != NULL);
		if (mine->flags & MODULE_LANES) {
			CU_ASSERT(got == mine);
		} else {
			CU_ASSERT(got != mine);
			CU_ASSERT(got->inputs == mine->inputs && got->params == mine->params);
			CU_ASSERT(got->summary == mine->summary);
			CU_ASSERT(got->flags == (mine->flags | MODULE_LANES));
			CU_ASSERT(got->state_size >= CHRONUS_LANES * mine->state_size);
		}
	}
	/* Every type the engine gets keeps the lane-group contract. */
	for (unsigned i = 0; i < module_registry_count(); ++i) {
		const ModuleType* m = module_registry_at(i);
		CU_ASSERT_FATAL(m != NULL);
		CU_ASSERT(module_registry_find(m->name, strlen(m->name)) == m);
		CU_ASSERT(m->flags & MODULE_LANES);
		if (m->flags & MODULE_STEREO) { /* a stereo master effect: both channels in one call */
			CU_ASSERT(m->init && m->reset && m->process_stereo && !m->process && (m->flags & MODULE_MASTER_ONLY));
		} else {
			CU_ASSERT(m->init && m->reset && m->process && m->reset_lane && !m->process_stereo);
		}
		CU_ASSERT(!m->active == !m->active_lane);
	}
	CU_ASSERT(module_registry_at(module_registry_count()) == NULL);
	CU_ASSERT(module_registry_find("svf", 3) != NULL);
	CU_ASSERT(module_registry_find("ladder", 6) != NULL);
	CU_ASSERT(module_registry_find("drive", 5) != NULL);
	CU_ASSERT(module_registry_find("sinewave", 4) == module_registry_find("sine", 4)); /* by length */
	CU_ASSERT(module_registry_find("Sine", 4) == NULL);             /* case counts */
	CU_ASSERT(module_registry_find("sin", 3) == NULL);

	const char* s;
	s = module_registry_suggest("swa", 3);
	CU_ASSERT(s && strcmp(s, "saw") == 0);
	s = module_registry_suggest("trinagle", 8);
	CU_ASSERT(s && strcmp(s, "triangle") == 0);
	s = module_registry_suggest("sqare", 5);
	CU_ASSERT(s && strcmp(s, "square") == 0);
	s = module_registry_suggest("adrs", 4);
	CU_ASSERT(s && strcmp(s, "adsr") == 0);
	CU_ASSERT(module_registry_suggest("xyzzy", 5) == NULL);
	CU_ASSERT(module_registry_suggest("vocoder", 7) == NULL);

	CU_ASSERT(module_input_index(&module_mix, "in3", 3) == 2);
	CU_ASSERT(module_input_index(&module_vca, "vel", 3) == 1);
	CU_ASSERT(module_input_index(&module_vca, "ve", 2) == -1);
	CU_ASSERT(module_param_index(&module_square, "width", 5) == 4);
	CU_ASSERT(module_param_index(&module_adsr, "sustain", 7) == 2);
	CU_ASSERT(module_param_index(&module_adsr, "sustainx", 8) == -1);
}

/* ---- figures ------------------------------------------------------------------ */

void
sources_print_figures(FILE* f)
{
	fprintf(f, "| sine THD+N at 1 kHz (44.1 kHz) | %.1f dB |\n", measure_sine_thd_n());
	for (unsigned c = 0; c < N_ALIAS_CASES; ++c) {
		double ours, naive;
		measure_alias(alias_cases[c].type, alias_cases[c].rate, alias_cases[c].hz, &ours, &naive);
		fprintf(f, "| %s worst alias at %.0f kHz (%.1f kHz) | %.1f dB (naive %.1f dB; test bound %.0f dB) |\n",
		        alias_cases[c].type->name, alias_cases[c].hz / 1000.0, alias_cases[c].rate / 1000.0,
		        ours, naive, alias_cases[c].bound);
	}
	fprintf(f, "| saw harmonic level vs ideal at 10 / 15 / 18 / 20 kHz (44.1 kHz) | "
	           "%.2f / %.2f / %.2f / %.2f dB |\n",
	        measure_saw_droop_db(10000.0), measure_saw_droop_db(15000.0),
	        measure_saw_droop_db(18000.0), measure_saw_droop_db(20000.0));
	const ModuleType* oscs[] = {&module_sine, &module_saw, &module_square, &module_triangle};
	double            worst  = 0.0;
	for (unsigned t = 0; t < 4; ++t) {
		worst = fmax(worst, fabs(measure_a4_cents(oscs[t])));
	}
	fprintf(f, "| A4 tuning error at 48 kHz (worst oscillator) | %.4f cent |\n", worst);
	double first, mid, before;
	measure_saw_jump(&first, &mid, &before);
	fprintf(f, "| saw jump after the naive one (110 Hz, 48 kHz): first moves / half done | "
	           "%.2f / %.2f samples |\n", first, mid);
	fprintf(f, "| fundamental's lag behind a sine started with it (187.5 Hz, 48 kHz): saw / square / triangle | "
	           "%.2f / %.2f / %.2f samples |\n",
	        measure_fundamental_lag(&module_saw), measure_fundamental_lag(&module_square),
	        measure_fundamental_lag(&module_triangle));
	fprintf(f, "| peak, 50 Hz..8 kHz (48 kHz): saw / square / triangle | %.3f / %.3f / %.3f |\n",
	        measure_peak(&module_saw), measure_peak(&module_square), measure_peak(&module_triangle));
	fprintf(f, "| DC offset at 6 kHz (48 kHz): saw / square / triangle | %.5f / %.5f / %.5f |\n",
	        measure_dc(&module_saw), measure_dc(&module_square), measure_dc(&module_triangle));
	fprintf(f, "| adsr stage end error (0..1000 ms, 48 kHz) | %ld samples |\n",
	        measure_adsr_stage_error());
	double ratio;
	long   err;
	float  level;
	measure_retrigger(&ratio, &err, &level);
	fprintf(f, "| adsr retrigger step / attack step | %.2f |\n", ratio);
	fprintf(f, "| pink noise slope (250 Hz..8 kHz) | %.2f dB/oct |\n", measure_pink_slope());
	long bad = 0;
	for (unsigned t = 0; t < N_MY_TYPES; ++t) {
		bad += split_mismatches(my_types[t]);
	}
	fprintf(f, "| samples differing between 64-frame and random splits | %ld |\n", bad);
}

/* The one-voice adapter: a lane group of an adapted module gives, in each
 * sounding lane, exactly the samples the one-voice module gives for that
 * lane's inputs, and 0 in the lanes that do not sound. */
static void
test_one_voice_adapter(void)
{
	enum { L = CHRONUS_LANES, SUB = CHRONUS_SUBBLOCK, BLOCKS = 3 };
	const unsigned sounding = 0xa6u; /* lanes 1, 2, 5, 7 */
	unsigned       checked  = 0;
	for (unsigned t = 0; t < N_MY_TYPES; ++t) {
		const ModuleType* one = my_types[t];
		if (one->flags & MODULE_LANES) {
			continue;
		}
		const ModuleType* wide = module_registry_find(one->name, strlen(one->name));
		CU_ASSERT_FATAL(wide && wide != one);
		void* ws = aligned_alloc(64, (wide->state_size + 63) & ~(size_t)63);
		void* os[L];
		wide->init(ws, 48000.0);
		static float in[MODULE_MAX_INPUTS][SUB * L], par[MODULE_MAX_PARAMS][SUB * L], out[SUB * L];
		static float lin[MODULE_MAX_INPUTS][SUB], lpar[MODULE_MAX_PARAMS][SUB], lout[SUB];
		for (unsigned l = 0; l < L; ++l) {
			os[l] = malloc(one->state_size + 16);
			one->init(os[l], 48000.0);
		}
		bool same = true, zero = true;
		for (unsigned b = 0; b < BLOCKS; ++b) {
			ModuleIO io = {.out = out, .n = SUB, .lanes = L, .sounding = sounding};
			for (unsigned i = 0; i < SUB; ++i) {
				for (unsigned l = 0; l < L; ++l) {
					for (unsigned j = 0; j < one->n_inputs; ++j) {
						in[j][i * L + l] = j == 0 ? 45.0f + 7.0f * (float)l : 0.25f * (float)(l + j);
					}
					for (unsigned j = 0; j < one->n_params; ++j) {
						par[j][i * L + l] = one->params[j].def;
					}
				}
			}
			for (unsigned j = 0; j < one->n_inputs; ++j) {
				io.in[j] = in[j];
			}
			for (unsigned j = 0; j < one->n_params; ++j) {
				io.param[j] = par[j];
			}
			memset(out, 0x7f, sizeof out); /* not 0: the adapter must write every lane */
			wide->process(ws, &io);
			for (unsigned l = 0; l < L; ++l) {
				if (!(sounding & (1u << l))) {
					for (unsigned i = 0; i < SUB; ++i) {
						zero = zero && out[i * L + l] == 0.0f;
					}
					continue;
				}
				ModuleIO lio = {.out = lout, .n = SUB, .lanes = 1, .sounding = 1u};
				for (unsigned j = 0; j < one->n_inputs; ++j) {
					for (unsigned i = 0; i < SUB; ++i) {
						lin[j][i] = in[j][i * L + l];
					}
					lio.in[j] = lin[j];
				}
				for (unsigned j = 0; j < one->n_params; ++j) {
					for (unsigned i = 0; i < SUB; ++i) {
						lpar[j][i] = par[j][i * L + l];
					}
					lio.param[j] = lpar[j];
				}
				one->process(os[l], &lio);
				for (unsigned i = 0; i < SUB; ++i) {
					same = same && out[i * L + l] == lout[i];
				}
			}
		}
		CHECK(same, "%s: adapted lanes differ from the one-voice module", one->name);
		CHECK(zero, "%s: a silent lane is not 0", one->name);
		++checked;
		for (unsigned l = 0; l < L; ++l) {
			free(os[l]);
		}
		free(ws);
	}
	CU_ASSERT(checked >= 4); /* sine, square, triangle, noise, lfo */
}

int
suite_sources(void)
{
	CU_pSuite s = CU_add_suite("sources", NULL, NULL);
	if (!s) {
		return -1;
	}
	const struct {
		const char* name;
		void (*fn)(void);
	} tests[] = {
		{"sine THD+N", test_sine_thd_n},
		{"saw/square/triangle aliasing vs naive", test_alias},
		{"saw/square/triangle latency, alignment, DC", test_osc_latency},
		{"saw treble", test_saw_treble},
		{"A4 tuning", test_a4_tuning},
		{"oscillator pitch, fine, track, level, width", test_osc_params},
		{"adsr stage times", test_adsr_times},
		{"adsr release from mid-attack", test_adsr_release_from_attack},
		{"adsr retrigger", test_adsr_retrigger},
		{"adsr active", test_adsr_active},
		{"adsr enters a handed-over note at its age", test_adsr_enter_held},
		{"split invariance", test_split_invariance},
		{"noise", test_noise},
		{"lfo", test_lfo},
		{"vca and mix", test_vca_mix},
		{"specs", test_specs},
		{"registry", test_registry},
		{"one-voice adapter", test_one_voice_adapter},
	};
	for (size_t i = 0; i < sizeof tests / sizeof tests[0]; ++i) {
		if (!CU_add_test(s, tests[i].name, tests[i].fn)) {
			return -1;
		}
	}
	return 0;
}
