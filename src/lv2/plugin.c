/* SPDX-License-Identifier: ISC
 *
 * LV2 entry points that are not real-time: the descriptor, instantiate,
 * port connection, activate and cleanup. Factory program 0 is built here,
 * synchronously, so a new instance plays at once with or without a worker.
 */
#include "plugin.h"

#include "factory_patches.h"
#include "voices.h"

#include <lv2/core/lv2_util.h>
#include <lv2/options/options.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

_Static_assert(CTRL_MACRO8 - CTRL_MACRO1 + 1 == PATCH_MACRO_KNOBS, "one macro port per macro knob");

/* The volume port's smoothing: its range in gain, from the table's dB range. */
static void
volume_spec_init(ParamSpec* spec)
{
	const ControlSpec* c = &controls[CTRL_VOLUME];
	*spec = (ParamSpec){"volume", "dB", "output level", powf(10.0f, c->min / 20.0f),
	                          powf(10.0f, c->max / 20.0f), powf(10.0f, c->def / 20.0f), CURVE_EXP, 20.0f, NULL};
}

void
chronus_settings_from(BuildSettings* bs, const float* ctrl)
{
	bs->polyphony = (unsigned)ctrl[CTRL_POLYPHONY];
	for (unsigned k = 0; k < PATCH_MACRO_KNOBS; ++k) {
		bs->macros[k] = ctrl[CTRL_MACRO1 + k];
	}
	bs->tune_key = ctrl[CTRL_TUNE_KEY];
	bs->tune_hz  = ctrl[CTRL_TUNE_HZ];
}

int
chronus_factory_program(const char* text, size_t len)
{
	for (unsigned k = 0; k < factory_patch_count; ++k) {
		if (factory_patches[k].len == len && !memcmp(factory_patches[k].text, text, len)) {
			return (int)k;
		}
	}
	return (int)CTRL_CUSTOM_PATCH;
}

float
chronus_shared_control(Chronus* self, ControlId id)
{
	const uint32_t bits = atomic_load_explicit(&self->shared[id], memory_order_relaxed);
	float          v;
	memcpy(&v, &bits, sizeof(v));
	return v;
}

void
chronus_shared_settings(Chronus* self, BuildSettings* bs)
{
	float ctrl[CTRL_COUNT];
	for (unsigned i = 0; i < CTRL_COUNT; ++i) {
		ctrl[i] = chronus_shared_control(self, (ControlId)i);
	}
	chronus_settings_from(bs, ctrl);
}

void
chronus_publish_controls(Chronus* self)
{
	for (unsigned i = 0; i < CTRL_COUNT; ++i) {
		uint32_t bits;
		memcpy(&bits, &self->ctrl[i], sizeof(bits));
		atomic_store_explicit(&self->shared[i], bits, memory_order_relaxed);
	}
}

static void
read_options(Chronus* self, const LV2_Options_Option* options)
{
	self->nominal_block = BUILD_WARMUP_FRAMES;
	for (const LV2_Options_Option* o = options; o && o->key; ++o) {
		if (o->type == self->uris.atom_Int && o->size == sizeof(int32_t) &&
		    (o->key == self->uris.bufsz_nominalBlockLength || o->key == self->uris.bufsz_maxBlockLength)) {
			const int32_t v = *(const int32_t*)o->value;
			if (v >= 16 && v <= 4 * (int32_t)BUILD_WARMUP_FRAMES &&
			    (o->key == self->uris.bufsz_nominalBlockLength || self->nominal_block == BUILD_WARMUP_FRAMES)) {
				self->nominal_block = (unsigned)v;
			}
		}
	}
}

static LV2_Handle
instantiate(const LV2_Descriptor* descriptor, double rate, const char* bundle_path,
            const LV2_Feature* const* features)
{
	(void)descriptor;
	(void)bundle_path;
	Chronus* self = calloc(1, sizeof(Chronus));
	if (!self) {
		return NULL;
	}
	const LV2_Options_Option* options = NULL;
	LV2_Log_Log*              log     = NULL;
	const LV2_Inline_Display* idisp   = NULL;
	const char* missing = lv2_features_query(features,
	                                         LV2_LOG__log, &log, false,
	                                         LV2_URID__map, &self->map, true,
	                                         LV2_WORKER__schedule, &self->schedule, false,
	                                         LV2_OPTIONS__options, &options, false,
	                                         LV2_INLINEDISPLAY__queue_draw, &idisp, false,
	                                         NULL);
	lv2_log_logger_init(&self->logger, self->map, log);
	if (missing) {
		lv2_log_error(&self->logger, "Chronus: the host lacks required feature <%s>\n", missing);
		free(self);
		return NULL;
	}
	if (!(rate >= 1000.0 && rate <= 1536000.0)) { /* NaN too */
		lv2_log_error(&self->logger, "Chronus: sample rate %.0f Hz is not supported\n", rate);
		free(self);
		return NULL;
	}
	chronus_map_uris(&self->uris, self->map);
	lv2_atom_forge_init(&self->forge, self->map);
	read_options(self, options);
	self->rate = rate;
	self->swap_sent = 1.0f; /* nothing under way (swap_state.c) */
	pthread_mutex_init(&self->snapshot_lock, NULL);

	Request* req   = calloc(1, sizeof(Request));
	self->tuner    = tuner_new();
	self->osc      = osc_new(self);
	self->osc_text = malloc(PATCH_MAX_TEXT + 1);
	if (!req || !self->tuner || !self->osc || !self->osc_text) {
		free(req);
		osc_free(self->osc);
		free(self->osc_text);
		tuner_free(self->tuner);
		pthread_mutex_destroy(&self->snapshot_lock);
		free(self);
		return NULL;
	}
	build_settings_default(&req->settings, rate);
	req->settings.warmup_frames = self->nominal_block;
	req->kind                   = REQ_PROGRAM;
	req->program                = 0;
	for (unsigned i = 0; i < CTRL_COUNT; ++i) {
		self->ctrl[i]      = controls[i].def; /* program 0, the default, is built below */
		self->port_seen[i] = controls[i].def;
	}
	chronus_publish_controls(self);
	atomic_store(&self->restored_program, -1);
	mpe_init(&self->mpe, controls[CTRL_MPE_BEND].def);
	self->ctl_value[CTL_TEMPO] = CTL_TEMPO_DEFAULT; /* until the host sends its transport */
	Outcome* o           = chronus_build_outcome(self, req);
	free(req);
	if (!o || !o->slot) {
		lv2_log_error(&self->logger, "Chronus: factory program 0 failed: %s\n",
		              o ? o->status_text : "out of memory");
		chronus_outcome_free(o);
		osc_free(self->osc);
		free(self->osc_text);
		tuner_free(self->tuner);
		pthread_mutex_destroy(&self->snapshot_lock);
		free(self);
		return NULL;
	}
	self->active   = o;
	self->announce = ANNOUNCE_ALL; /* the first block tells the host what plays */
	self->ctrl[CTRL_PRIME_MS] = (float)o->prime_ms;
	self->ctrl[CTRL_PLAYING]  = (float)o->program;
	snprintf(self->status, sizeof(self->status), "%s", o->status_text);
	inline_init(&self->idisp, idisp, rate);
	inline_outcome(&self->idisp, slot_title(o->slot));
	volume_spec_init(&self->volume_spec);
	param_init(&self->volume, &self->volume_spec, rate, self->volume_spec.def);
	limiter_init(&self->limiter, rate);
	if (!self->schedule) {
		lv2_log_note(&self->logger,
		             "Chronus: no worker feature; the patch can only change on restore\n");
	}
	return (LV2_Handle)self;
}

static void
connect_port(LV2_Handle instance, uint32_t port, void* data)
{
	Chronus* self = (Chronus*)instance;
	switch ((PortIndex)port) {
	case PORT_CONTROL: self->control = (const LV2_Atom_Sequence*)data; break;
	case PORT_NOTIFY: self->notify = (LV2_Atom_Sequence*)data; break;
	case PORT_OUT_L: self->out[0] = (float*)data; break;
	case PORT_OUT_R: self->out[1] = (float*)data; break;
	default:
		if (port >= CTRL_FIRST_PORT && port < PORT_COUNT) {
			self->ctrl_port[port - CTRL_FIRST_PORT] = (float*)data;
		}
		break;
	}
}

static void
activate(LV2_Handle instance)
{
	Chronus* self = (Chronus*)instance;
	voices_reset(self->active->slot);
	memset(self->notes_down, 0, sizeof(self->notes_down));
	memset(self->notes_pedal, 0, sizeof(self->notes_pedal));
	self->sustain = false;
	self->bend    = 0.0f;
	self->ctl_value[CTL_BEND] = 0.0f; /* the voices' bend is reset too; other controllers keep their place */
	memset(self->chan_bend, 0, sizeof(self->chan_bend)); /* and so are the channels' (MPE) */
	memset(self->chan_pressure, 0, sizeof(self->chan_pressure));
	memset(self->chan_slide, 0, sizeof(self->chan_slide));
	limiter_reset(&self->limiter);
}

static void
free_list(Outcome* o)
{
	while (o) {
		Outcome* next = o->next;
		chronus_outcome_free(o);
		o = next;
	}
}

static void
cleanup(LV2_Handle instance)
{
	Chronus* self = (Chronus*)instance;
	osc_free(self->osc); /* its thread first: it reads the snapshot */
	free(self->osc_text);
	chronus_outcome_free(self->active);
	chronus_outcome_free(self->standby);
	chronus_outcome_free(self->waiting);
	chronus_outcome_free(atomic_load(&self->mailbox));
	free_list(self->retire_q);
	free_list(atomic_load(&self->retire_stack));
	free(self->snapshot_text);
	tuner_free(self->tuner);
	inline_free(&self->idisp);
	pthread_mutex_destroy(&self->snapshot_lock);
	free(self);
}

static const void*
extension_data(const char* uri)
{
	static const LV2_Worker_Interface worker = {chronus_work, chronus_work_response, NULL};
	static const LV2_State_Interface  state  = {chronus_save, chronus_restore};
	if (!strcmp(uri, LV2_WORKER__interface)) {
		return &worker;
	}
	if (!strcmp(uri, LV2_STATE__interface)) {
		return &state;
	}
	if (!strcmp(uri, LV2_INLINEDISPLAY__interface)) {
		return &inline_display_interface;
	}
	return NULL;
}

static const LV2_Descriptor descriptor = {
	CHRONUS_URI, instantiate, connect_port, activate, chronus_run, NULL, cleanup, extension_data,
};

LV2_SYMBOL_EXPORT const LV2_Descriptor*
lv2_descriptor(uint32_t index)
{
	return index == 0 ? &descriptor : NULL;
}
