/* SPDX-License-Identifier: ISC
 *
 * run(): AUDIO THREAD. Everything here is bounded and wait-free: no
 * allocation, no lock, no stdio, no log. It reads events in frame order and
 * renders between them, takes primed slots from the mailbox and crossfades
 * to them, and hands finished work (requests, retired slots) to the worker
 * with schedule_work, keeping anything that did not fit for the next block.
 */
#include "plugin.h"

#include "factory_patches.h"
#include "voices.h"
#include "handover.h"

#include <lv2/atom/util.h>

#include <math.h>
#include <string.h>

#if defined(__SSE__) || defined(__x86_64__)
#include <xmmintrin.h>
#endif

/* Denormals make a decaying voice cost 100x on x86: flush them while run()
 * runs, and give the host its own floating-point mode back afterwards. */
static unsigned
enable_flush_to_zero(void)
{
#if defined(__SSE__) || defined(__x86_64__)
	const unsigned csr = _mm_getcsr();
	_mm_setcsr(csr | 0x8040); /* FTZ | DAZ */
	return csr;
#else
	return 0;
#endif
}

static void
restore_fp_mode(unsigned csr)
{
#if defined(__SSE__) || defined(__x86_64__)
	_mm_setcsr(csr);
#else
	(void)csr;
#endif
}

/* ---- Handing work to the worker ------------------------------------- */

bool
chronus_schedule(Chronus* self, const void* msg, uint32_t size)
{
	return self->schedule &&
	       self->schedule->schedule_work(self->schedule->handle, size, msg) == LV2_WORKER_SUCCESS;
}

static bool
schedule(Chronus* self, WorkType type, void* ptr)
{
	const WorkMessage msg = {type, ptr};
	return chronus_schedule(self, &msg, sizeof(msg));
}

/* Retired outcomes go back to the worker to be freed; what does not fit in
 * the worker ring waits in retire_q for the next block. */
static void
flush_retired(Chronus* self)
{
	Outcome* incoming = atomic_exchange_explicit(&self->retire_stack, NULL, memory_order_acquire);
	while (incoming) {
		Outcome* next  = incoming->next;
		incoming->next = self->retire_q;
		self->retire_q = incoming;
		incoming       = next;
	}
	Outcome** link = &self->retire_q;
	while (*link) {
		Outcome* o = *link;
		Outcome* next = o->next;
		if (schedule(self, WORK_RETIRE, o)) {
			*link = next;
		} else {
			link = &o->next;
			if (!self->schedule) {
				break;
			}
		}
	}
}

static void
retire(Chronus* self, Outcome* o)
{
	if (o) {
		o->next        = self->retire_q;
		self->retire_q = o;
	}
}

static unsigned
queued_requests(const Chronus* self)
{
	unsigned n = 0;
	for (unsigned i = 0; i < REQUEST_POOL; ++i) {
		n += atomic_load_explicit(&self->requests[i].state, memory_order_acquire) == REQ_QUEUED;
	}
	return n;
}

/* A request is handed over only while another buffer stays free, so a newer
 * request can always be written somewhere (latest wins). */
static void
dispatch_pending(Chronus* self)
{
	Request* r = self->pending;
	if (!r || queued_requests(self) >= REQUEST_POOL - 1) {
		return;
	}
	atomic_store_explicit(&r->state, REQ_QUEUED, memory_order_release);
	if (schedule(self, WORK_BUILD, r)) {
		self->pending = NULL;
	} else {
		atomic_store_explicit(&r->state, REQ_PENDING, memory_order_release);
	}
}

/* Hot reload: every HOT_RELOAD_MS of frames, while it is on, the worker
 * looks at the playing patch's file (one look at a time); a change on
 * disk comes back as a build, through the mailbox like any other. */
static void
check_patch_file(Chronus* self, uint32_t n_samples)
{
	if (self->ctrl[CTRL_HOT_RELOAD] < 0.5f) {
		return;
	}
	if (self->reload_left > n_samples) {
		self->reload_left -= n_samples;
		return;
	}
	self->reload_left = (uint32_t)(HOT_RELOAD_MS * self->rate / 1000.0);
	if (atomic_load_explicit(&self->checking_file, memory_order_acquire)) {
		return;
	}
	atomic_store_explicit(&self->checking_file, true, memory_order_release);
	if (!schedule(self, WORK_CHECK_FILE, NULL)) {
		atomic_store_explicit(&self->checking_file, false, memory_order_release);
	}
}

static BuildSettings
current_settings(const Chronus* self)
{
	BuildSettings bs;
	build_settings_default(&bs, self->rate);
	chronus_settings_from(&bs, self->ctrl);
	bs.param_seq     = self->param_seq;
	bs.warmup_frames = self->nominal_block;
	return bs;
}

/* A new build request (text, file, program or rebuild), with a tuning file
 * to load first when `which` says so. The newest wins, but tuning files a
 * waiting request was to load stay with it, and a tuning change alone
 * (REQ_REBUILD) while another request waits joins it instead of replacing
 * it: no scale, map or patch the host sent is lost. */
static void
request_build_tuned(Chronus* self, RequestKind kind, const char* text, uint32_t len, unsigned program,
                    TuneFile which, const char* file, uint32_t file_len)
{
	if (!self->schedule) {
		self->unsupported = true;
		return;
	}
	Request* r = self->pending;
	for (unsigned i = 0; i < REQUEST_POOL && !r; ++i) {
		if (atomic_load_explicit(&self->requests[i].state, memory_order_acquire) == REQ_FREE) {
			r = &self->requests[i];
			r->set_scale  = false;
			r->set_keymap = false;
		}
	}
	if (!r) {
		return; /* cannot happen: dispatch keeps one buffer free */
	}
	if (which != TUNE_NONE) {
		char* dst = which == TUNE_KEYMAP ? r->keymap_path : r->scale_path;
		memcpy(dst, file, file_len);
		dst[file_len] = '\0';
		*(which == TUNE_KEYMAP ? &r->set_keymap : &r->set_scale) = true;
	}
	const bool join = which != TUNE_NONE && kind == REQ_REBUILD && r == self->pending;
	if (!join) {
		if (kind == REQ_TEXT || kind == REQ_FILE) {
			/* Text over the limit is cut one byte past it, so the parser
			 * still reports its size rather than a half statement. */
			len = len > PATCH_MAX_TEXT ? PATCH_MAX_TEXT + 1 : len;
			memcpy(r->text, text, len);
		} else {
			len = 0;
		}
		r->kind    = kind;
		r->program = program;
		r->len     = len;
		r->path[0] = '\0';
	}
	r->heap                = false;
	r->live_seq            = self->live_seq;
	r->settings            = current_settings(self);
	r->settings.generation = chronus_new_generation(self);
	atomic_store_explicit(&r->state, REQ_PENDING, memory_order_release);
	self->pending = r;
	dispatch_pending(self);
}

static void
request_build(Chronus* self, RequestKind kind, const char* text, uint32_t len, unsigned program)
{
	request_build_tuned(self, kind, text, len, program, TUNE_NONE, NULL, 0);
}

/* ---- Events ---------------------------------------------------------- */

static void
each_slot(Chronus* self, void (*fn)(Slot*, uint8_t, float), uint8_t a, float b)
{
	fn(self->active->slot, a, b);
	if (self->standby) {
		fn(self->standby->slot, a, b);
	}
}

static void sustain(Slot* s, uint8_t n, float v) { (void)v; voices_sustain(s, n != 0); }
static void bend(Slot* s, uint8_t n, float v) { (void)n; voices_bend(s, v); }
static void notes_off(Slot* s, uint8_t n, float v) { (void)n; (void)v; voices_all_notes_off(s); }
static void sound_off(Slot* s, uint8_t n, float v) { (void)n; (void)v; voices_all_sound_off(s); }
static void controller(Slot* s, uint8_t n, float v) { slot_set_controller(s, n, v, false); }

/* A controller moved: remembered for the next patch, passed to both slots
 * (a slot ignores a controller its patch does not read). */
static void
set_controller(Chronus* self, unsigned ctl, float value)
{
	self->ctl_value[ctl] = value;
	each_slot(self, controller, (uint8_t)ctl, value);
}

/* A note of a channel on both slots: on, off (velocity: release) or poly
 * aftertouch. */
typedef enum { KEY_ON, KEY_OFF, KEY_PRESSURE } KeyEvent;

static void
key_event(Chronus* self, KeyEvent what, uint8_t chan, uint8_t note, float value)
{
	Slot* slots[2] = {self->active->slot, self->standby ? self->standby->slot : NULL};
	for (unsigned i = 0; i < 2 && slots[i]; ++i) {
		if (what == KEY_ON) {
			voices_note_on_ch(slots[i], chan, note, value);
		} else if (what == KEY_OFF) {
			voices_note_off_ch(slots[i], chan, note, value);
		} else {
			voices_pressure(slots[i], chan, note, value);
		}
	}
}

/* The semitones a member channel's bend (-1..1) bends its notes. */
static float
channel_bend_semis(const Chronus* self, uint8_t chan)
{
	unsigned zone = 0;
	mpe_role(&self->mpe, chan, &zone);
	return self->chan_bend[chan] * self->mpe.bend[zone];
}

/* A channel's per-note expression (MPE) on both slots. */
static void
channel_expression(Chronus* self, uint8_t chan, ChannelExpression what, float value)
{
	voices_channel(self->active->slot, chan, what, value, false);
	if (self->standby) {
		voices_channel(self->standby->slot, chan, what, value, false);
	}
}

/* Every held note released and every channel's expression back to rest:
 * a change of the MPE zones changes which channel a note belongs to, so
 * the notes held under the old ones could never be released. */
static void
release_all_keys(Chronus* self)
{
	memset(self->notes_down, 0, sizeof(self->notes_down));
	memset(self->notes_pedal, 0, sizeof(self->notes_pedal));
	each_slot(self, notes_off, 0, 0.0f);
	for (uint8_t c = 0; c < 16; ++c) {
		self->chan_bend[c] = self->chan_pressure[c] = self->chan_slide[c] = 0.0f;
		channel_expression(self, c, CHAN_BEND, 0.0f);
		channel_expression(self, c, CHAN_PRESSURE, 0.0f);
		channel_expression(self, c, CHAN_SLIDE, 0.0f);
	}
}

/* The MPE zones as `mpe` says now, from what they were (`was`). */
static void
zones_changed(Chronus* self, const Mpe* was)
{
	if (was->members[0] != self->mpe.members[0] || was->members[1] != self->mpe.members[1]) {
		release_all_keys(self);
	} else {
		for (uint8_t c = 0; c < 16; ++c) { /* a new bend range bends the held notes at once */
			channel_expression(self, c, CHAN_BEND, channel_bend_semis(self, c));
		}
	}
}

/* A control change: the pedal and the channel mode messages act on the
 * notes; every CC (Bank Select too) is also a source, 0..1; CCs 0..31
 * become 14-bit when their LSB (CC 32..63) follows the MSB. CC 74 is also
 * the slide of the voices of its channel (note.slide: every voice's when
 * MPE is off). RPNs 0 and 6 configure MPE. */
static void
handle_cc(Chronus* self, uint8_t chan, uint8_t cc, uint8_t value)
{
	const Mpe was = self->mpe;
	if (mpe_control_change(&self->mpe, chan, cc, value)) {
		zones_changed(self, &was);
	}
	unsigned      zone = 0;
	const MpeRole role = mpe_role(&self->mpe, chan, &zone);
	if (cc == 74 && (role == MPE_ROLE_MEMBER || !mpe_active(&self->mpe))) {
		const uint8_t kc        = role == MPE_ROLE_MEMBER ? chan : 0;
		self->chan_slide[kc] = (float)value / 127.0f;
		channel_expression(self, kc, CHAN_SLIDE, self->chan_slide[kc]);
		if (role == MPE_ROLE_MEMBER) {
			return; /* a note's own: not the global controller */
		}
	}
	if (cc == 64) {
		self->sustain = value >= 64;
		if (!self->sustain) {
			memset(self->notes_pedal, 0, sizeof(self->notes_pedal));
		}
		each_slot(self, sustain, self->sustain, 0.0f);
	} else if (cc == 123 || cc == 120) {
		memset(self->notes_down, 0, sizeof(self->notes_down));
		memset(self->notes_pedal, 0, sizeof(self->notes_pedal));
		self->sustain = false;
		each_slot(self, cc == 120 ? sound_off : notes_off, 0, 0.0f);
	}
	if (cc == 0) {
		self->bank_msb = value;
	} else if (cc == 32) {
		self->bank_lsb = value;
	}
	if (cc < 32) {
		self->cc_msb[cc] = value;
	} else if (cc < 64) {
		const unsigned v14 = (unsigned)self->cc_msb[cc - 32] << 7 | value;
		set_controller(self, cc - 32u, (float)v14 / 16383.0f);
	}
	set_controller(self, cc, (float)value / 127.0f);
}

/* Program Change, with the bank: program (bank_msb * 128 + bank_lsb) * 128
 * + number of the factory list loads as the Program port does; one that
 * does not exist changes nothing. */
static void
handle_program_change(Chronus* self, uint8_t number)
{
	const uint32_t program = ((uint32_t)self->bank_msb * 128u + self->bank_lsb) * 128u + number;
	if (program < factory_patch_count) {
		request_build(self, REQ_PROGRAM, NULL, 0, program);
	}
}

/* One MIDI message. Audio thread. Every channel plays; with MPE on, a
 * note's channel is part of its identity, and a member channel's bend,
 * pressure and CC 74 are its notes' own (a master channel's, and those of
 * channels in no zone, are everybody's, as without MPE). */
static void
handle_midi(Chronus* self, const uint8_t* msg, uint32_t size)
{
	if (size < 1) {
		return;
	}
	const uint8_t status = msg[0] & 0xf0;
	const uint8_t chan   = msg[0] & 0x0f;
	unsigned      zone   = 0;
	const bool    member = mpe_role(&self->mpe, chan, &zone) == MPE_ROLE_MEMBER;
	const uint8_t kc     = mpe_active(&self->mpe) ? chan : 0; /* the key's channel */
	if (status == 0x90 && size >= 3 && msg[2] > 0) {
		const uint8_t  note = msg[1] & 0x7f;
		const unsigned k    = VOICE_KEY(kc, note);
		self->notes_down[k]    = true;
		self->notes_pedal[k]   = false;
		self->note_velocity[k] = (float)(msg[2] & 0x7f) / 127.0f;
		self->note_pressure[k] = -1.0f;
		self->note_frame[k]    = self->frame;
		key_event(self, KEY_ON, kc, note, self->note_velocity[k]);
	} else if ((status == 0x80 || status == 0x90) && size >= 3) {
		const uint8_t  note = msg[1] & 0x7f;
		const unsigned k    = VOICE_KEY(kc, note);
		/* Released under the pedal: the pedal holds it now. */
		self->notes_pedal[k] = self->sustain && (self->notes_down[k] || self->notes_pedal[k]);
		self->notes_down[k]  = false;
		key_event(self, KEY_OFF, kc, note, status == 0x80 ? (float)(msg[2] & 0x7f) / 127.0f : 0.0f);
	} else if (status == 0xb0 && size >= 3) {
		handle_cc(self, chan, msg[1] & 0x7f, msg[2] & 0x7f);
	} else if (status == 0xe0 && size >= 3) {
		const int   raw    = ((msg[2] & 0x7f) << 7 | (msg[1] & 0x7f)) - 8192;
		const float amount = (float)raw / (raw > 0 ? 8191.0f : 8192.0f); /* -1 .. 1 */
		if (member) {
			self->chan_bend[chan] = amount;
			channel_expression(self, chan, CHAN_BEND, channel_bend_semis(self, chan));
		} else {
			self->bend = amount;
			each_slot(self, bend, 0, self->bend);
			set_controller(self, CTL_BEND, self->bend);
		}
	} else if (status == 0xa0 && size >= 3) {
		const uint8_t note = msg[1] & 0x7f;
		self->note_pressure[VOICE_KEY(kc, note)] = (float)(msg[2] & 0x7f) / 127.0f;
		key_event(self, KEY_PRESSURE, kc, note, self->note_pressure[VOICE_KEY(kc, note)]);
	} else if (status == 0xd0 && size >= 2) {
		const float value = (float)(msg[1] & 0x7f) / 127.0f;
		if (member) {
			self->chan_pressure[chan] = value;
			channel_expression(self, chan, CHAN_PRESSURE, value);
		} else {
			set_controller(self, CTL_AFTERTOUCH, value);
		}
	} else if (status == 0xc0 && size >= 2) {
		handle_program_change(self, msg[1] & 0x7f);
	}
}

/* The value of an object's first property `key`, taken only from the
 * properties that lie wholly inside it (up to the first that does not):
 * what a UI or a host sends arrives as it was written, and
 * lv2_atom_object_get() trusts every size it reads. NULL: none. */
static const LV2_Atom*
object_property(const LV2_Atom_Object* obj, LV2_URID key)
{
	const uint8_t* body = (const uint8_t*)&obj->body;
	const size_t   size = obj->atom.size;
	size_t         off  = sizeof(LV2_Atom_Object_Body);
	while (off + sizeof(LV2_Atom_Property_Body) <= size) {
		const LV2_Atom_Property_Body* p = (const LV2_Atom_Property_Body*)(const void*)(body + off);
		if (p->value.size > size - off - sizeof(LV2_Atom_Property_Body)) {
			return NULL; /* runs past the end of the object */
		}
		if (p->key == key) {
			return &p->value;
		}
		off += sizeof(LV2_Atom_Property_Body) + lv2_atom_pad_size(p->value.size);
	}
	return NULL;
}

/* patch:property and patch:value of an object (the first of each). */
static void
get_set_properties(const Chronus* self, const LV2_Atom_Object* obj, const LV2_Atom** property,
                   const LV2_Atom** value)
{
	*property = object_property(obj, self->uris.patch_property);
	*value    = object_property(obj, self->uris.patch_value);
}

static void
handle_patch_set(Chronus* self, const LV2_Atom_Object* obj)
{
	const LV2_Atom* property = NULL;
	const LV2_Atom* value    = NULL;
	get_set_properties(self, obj, &property, &value);
	if (!property || property->type != self->uris.atom_URID || property->size < sizeof(LV2_URID) || !value) {
		return;
	}
	const LV2_URID key = ((const LV2_Atom_URID*)property)->body;
	const char*    str = (const char*)LV2_ATOM_BODY_CONST(value);
	uint32_t       len = value->size;
	while (len && str[len - 1] == '\0') {
		--len; /* the atom's terminating NUL */
	}
	if (key == self->uris.chronus_patchText && value->type == self->uris.atom_String) {
		request_build(self, REQ_TEXT, str, len, 0);
	} else if (key == self->uris.chronus_set && value->type == self->uris.atom_String) {
		chronus_live_set(self, str, len);
	} else if ((key == self->uris.chronus_scope || key == self->uris.chronus_spectrum) &&
	           (value->type == self->uris.atom_Bool || value->type == self->uris.atom_Int) &&
	           value->size >= sizeof(int32_t)) {
		int32_t on;
		memcpy(&on, LV2_ATOM_BODY_CONST(value), sizeof on); /* the host's buffer need not be aligned */
		(key == self->uris.chronus_scope ? scope_enable : spectrum_enable)(self, on != 0);
	} else if (key == self->uris.chronus_patchFile && value->type == self->uris.atom_Path && len > 0 &&
	           len < PATH_MAX_LEN) {
		request_build(self, REQ_FILE, str, len, 0);
	} else if ((key == self->uris.chronus_scaleFile || key == self->uris.chronus_keymapFile) &&
	           value->type == self->uris.atom_Path && len < PATH_MAX_LEN) {
		/* an empty path unloads the file */
		request_build_tuned(self, REQ_REBUILD, NULL, 0, 0,
		                    key == self->uris.chronus_keymapFile ? TUNE_KEYMAP : TUNE_SCALE, str, len);
	}
}

/* The host's transport (time:Position): its tempo becomes ctl.tempo. A
 * tempo that is not a number in 1..999 BPM changes nothing. */
static void
handle_position(Chronus* self, const LV2_Atom_Object* obj)
{
	const ChronusURIDs* u = &self->uris;
	const LV2_Atom*     a = object_property(obj, u->time_beatsPerMinute);
	if (!a) {
		return;
	}
	/* Copied out, not dereferenced: a host's buffer need not be aligned
	 * for a double. */
	const void* v   = a + 1;
	double      bpm = NAN;
	if (a->type == u->atom_Float && a->size >= sizeof(float)) {
		float f;
		memcpy(&f, v, sizeof f);
		bpm = f;
	} else if (a->type == u->atom_Double && a->size >= sizeof(double)) {
		memcpy(&bpm, v, sizeof bpm);
	} else if (a->type == u->atom_Int && a->size >= sizeof(int32_t)) {
		int32_t i;
		memcpy(&i, v, sizeof i);
		bpm = i;
	} else if (a->type == u->atom_Long && a->size >= sizeof(int64_t)) {
		int64_t l;
		memcpy(&l, v, sizeof l);
		bpm = (double)l;
	}
	if (bpm >= 1.0 && bpm <= 999.0) {
		set_controller(self, CTL_TEMPO, (float)bpm);
	}
}

static void
handle_event(Chronus* self, const LV2_Atom_Event* ev)
{
	const ChronusURIDs* u = &self->uris;
	if (ev->body.type == u->midi_MidiEvent) {
		handle_midi(self, (const uint8_t*)(ev + 1), ev->body.size);
	} else if ((ev->body.type == u->atom_Object || ev->body.type == u->atom_Blank) &&
	           ev->body.size >= sizeof(LV2_Atom_Object_Body)) {
		const LV2_Atom_Object* obj = (const LV2_Atom_Object*)&ev->body;
		if (obj->body.otype == u->patch_Set) {
			handle_patch_set(self, obj);
		} else if (obj->body.otype == u->patch_Get) {
			self->announce = ANNOUNCE_ALL; /* every readable value */
			self->swap_sent = 2.0f;        /* and the swap in progress again (swap_state.c) */
		} else if (obj->body.otype == u->time_Position) {
			handle_position(self, obj);
		}
	}
}

/* A macro knob moved (its port, or OSC): both slots follow it. */
static void
set_macro(Chronus* self, unsigned knob, float v)
{
	self->ctrl[CTRL_MACRO1 + knob] = v;
	++self->param_seq;
	slot_set_macro(self->active->slot, knob, v, false);
	if (self->standby) {
		slot_set_macro(self->standby->slot, knob, v, false);
	}
}

/* What the OSC thread sent (osc_ring.h), at the start of the block: every
 * command there is, as the same events from the host would do. */
static void
take_osc(Chronus* self)
{
	const OscCommand* c;
	uint32_t          n = 0;
	while (n < OSC_RING_SIZE && (c = osc_ring_peek(&self->osc_ring))) {
		switch (c->kind) {
		case OSC_CMD_SET: chronus_live_set(self, c->text, c->len < LIVE_SET_MAX ? c->len : LIVE_SET_MAX); break;
		case OSC_CMD_MIDI: handle_midi(self, c->midi, 3); break;
		case OSC_CMD_MACRO:
			if (c->number >= 0 && c->number < (int32_t)PATCH_MACRO_KNOBS) {
				set_macro(self, (unsigned)c->number, c->value < 0.0f ? 0.0f : (c->value > 1.0f ? 1.0f : c->value));
			}
			break;
		case OSC_CMD_PROGRAM:
			if (c->number >= 0 && (uint32_t)c->number < factory_patch_count) {
				request_build(self, REQ_PROGRAM, NULL, 0, (unsigned)c->number);
			}
			break;
		case OSC_CMD_BUILD:
			if (atomic_load_explicit(&self->osc_box, memory_order_acquire) == 1) {
				request_build(self, self->osc_text_file ? REQ_FILE : REQ_TEXT, self->osc_text,
				              self->osc_text_len, 0);
				atomic_store_explicit(&self->osc_box, 0, memory_order_release);
			}
			break;
		default: break;
		}
		osc_ring_drop(&self->osc_ring);
		++n;
	}
	if (n) {
		atomic_fetch_add_explicit(&self->osc_taken, n, memory_order_relaxed);
	}
}

/* A new OSC port for the worker to open; tried again next block while
 * the worker ring is full. */
static void
dispatch_osc_port(Chronus* self)
{
	if (self->osc_port_pending && schedule(self, WORK_OSC_PORT, (void*)(uintptr_t)self->ctrl[CTRL_OSC_PORT])) {
		self->osc_port_pending = false;
	}
}

/* ---- Controls --------------------------------------------------------- */

/* Control ports are read once per block: hosts split blocks where they
 * automate, so the change lands at the frame the host chose. Every input is
 * clamped by the control table; what a change does follows. */
static void
read_controls(Chronus* self)
{
	bool rebuild = false;
	for (unsigned i = 0; i < CTRL_COUNT; ++i) {
		if (!(controls[i].flags & CTRL_IN) || !self->ctrl_port[i]) {
			continue;
		}
		const float v = control_clamp((ControlId)i, *self->ctrl_port[i], self->ctrl[i], factory_patch_count);
		if (v == self->port_seen[i]) {
			continue;
		}
		self->port_seen[i] = v;
		if (v == self->ctrl[i]) {
			continue;
		}
		self->ctrl[i] = v;
		rebuild |= (controls[i].flags & CTRL_REBUILDS) != 0;
		if (i >= CTRL_MACRO1 && i <= CTRL_MACRO8) {
			set_macro(self, i - CTRL_MACRO1, v);
		} else if (i == CTRL_MPE_LOWER || i == CTRL_MPE_UPPER || i == CTRL_MPE_BEND) {
			const Mpe was = self->mpe;
			if (i == CTRL_MPE_BEND) {
				self->mpe.bend_default = v;
				self->mpe.bend[0] = self->mpe.bend[1] = v;
			} else {
				mpe_configure(&self->mpe, i == CTRL_MPE_LOWER ? MPE_LOWER : MPE_UPPER, (unsigned)v);
			}
			zones_changed(self, &was);
		} else if (i == CTRL_OSC_PORT) {
			self->osc_port_pending = true; /* the worker opens it (dispatch_osc_port) */
		} else if (i == CTRL_PROGRAM) {
			/* A change loads that factory patch through the worker, like
			 * any patch request; but a change to the value a restored
			 * state was saved with is adopted as it is (the state brought
			 * its own patch, which may not be the factory one). */
			const int32_t expect = atomic_exchange_explicit(&self->restored_program, -1, memory_order_acq_rel);
			if (expect != (int32_t)v) {
				request_build(self, REQ_PROGRAM, NULL, 0, (unsigned)v);
			}
		}
	}
	slot_set_expression_ports(self->active->slot, self->ctrl[CTRL_BEND_UP], self->ctrl[CTRL_BEND_DOWN],
	                          self->ctrl[CTRL_GLIDE]);
	if (self->standby) {
		slot_set_expression_ports(self->standby->slot, self->ctrl[CTRL_BEND_UP], self->ctrl[CTRL_BEND_DOWN],
		                          self->ctrl[CTRL_GLIDE]);
	}
	param_set(&self->volume, powf(10.0f, self->ctrl[CTRL_VOLUME] / 20.0f), false);
	limiter_set_enabled(&self->limiter, self->ctrl[CTRL_LIMITER] >= 0.5f);
	if (rebuild) {
		request_build(self, REQ_REBUILD, NULL, 0, 0);
	}
}

/* The output ports, kept inside their range in the table (a prime time
 * over the maximum shows as the maximum), and every value for save() and
 * restore(). */
static void
write_controls(Chronus* self)
{
	self->ctrl[CTRL_ACTIVE_SLOT] = (float)self->active_index;
	for (unsigned i = 0; i < CTRL_COUNT; ++i) {
		if ((controls[i].flags & CTRL_OUT) && self->ctrl_port[i]) {
			*self->ctrl_port[i] = control_clamp((ControlId)i, self->ctrl[i], controls[i].min, factory_patch_count);
		}
	}
	chronus_publish_controls(self);
}

/* ---- Swapping ------------------------------------------------------- */

/* Whether two outcomes hold the same patch text. */
static bool
same_text(const Outcome* a, const Outcome* b)
{
	return a->text && b->text && a->text_len == b->text_len && memcmp(a->text, b->text, a->text_len) == 0;
}

/* A held note's age in frames (since its key went down), as enter_held
 * takes it; ages past 2^32 frames (a day) are all "held for long". */
static uint32_t
note_age(const Chronus* self, unsigned k)
{
	const uint64_t age = self->frame - self->note_frame[k];
	return age > UINT32_MAX ? UINT32_MAX : (uint32_t)age;
}

/* The primed slot takes over what is playing, with the knobs, pedal and
 * bend as they are now. The same patch again (a polyphony change, the same
 * text): it takes the playing slot's voices as they are (handover.c), so
 * both render the same samples and a linear crossfade between them is
 * inaudible. Another patch: every note held by a key or by the pedal
 * starts on it where the old voice was, its envelopes at the point of their
 * own curves its age gives (voices_note_on_held: still in the attack if
 * struck just before, in the sustain if held for long), and the chord
 * morphs across the fade. */
static void
begin_swap(Chronus* self, Outcome* next)
{
	Slot*      s      = next->slot;
	const bool copied = same_text(self->active, next) && handover_copy_voices(s, self->active->slot);
	if (!copied) {
		if (slot_param_seq(s) != self->param_seq) {
			for (unsigned k = 0; k < PATCH_MACRO_KNOBS; ++k) {
				slot_set_macro(s, k, self->ctrl[CTRL_MACRO1 + k], true);
			}
		}
		voices_sustain(s, self->sustain);
	}
	/* The wheel, every controller and the expression ports as they are:
	 * the new patch starts from the player's positions. */
	slot_set_expression_ports(s, self->ctrl[CTRL_BEND_UP], self->ctrl[CTRL_BEND_DOWN], self->ctrl[CTRL_GLIDE]);
	for (unsigned c = 0; c < CTL_COUNT; ++c) {
		slot_set_controller(s, c, self->ctl_value[c], true);
	}
	slot_set_param_seq(s, self->param_seq);
	for (uint8_t c = 0; c < 16; ++c) { /* each channel's per-note expression (MPE) */
		voices_channel(s, c, CHAN_BEND, channel_bend_semis(self, c), true);
		voices_channel(s, c, CHAN_PRESSURE, self->chan_pressure[c], true);
		voices_channel(s, c, CHAN_SLIDE, self->chan_slide[c], true);
	}
	for (unsigned k = 0; k < VOICE_KEY_COUNT; ++k) {
		const uint8_t c = (uint8_t)(k >> 7), n = (uint8_t)(k & 0x7fu); /* VOICE_KEY back */
		if ((self->notes_down[k] || self->notes_pedal[k]) && !(copied && voices_note_held(s, c, n))) {
			voices_note_on_held(s, c, n, self->note_velocity[k], !self->notes_down[k], note_age(self, k));
			if (self->note_pressure[k] >= 0.0f) {
				voices_pressure(s, c, n, self->note_pressure[k]);
			}
		}
	}
	if (copied) {
		voices_trim(s);
		slot_retune(s, TUNING_GLIDE_MS); /* a new tuning: the held notes glide to it */
	}
	const float clamped = self->ctrl[CTRL_CROSSFADE]; /* clamped by read_controls */
	self->standby     = next;
	self->fade_pos    = 0;
	self->fade_linear = copied;
	self->fade_len    = (unsigned)lrint(clamped * 0.001 * self->rate);
	self->fade_len    = self->fade_len ? self->fade_len : 1;
}

/* The crossfade gains at fade position u (0..1), along a smoothstep-warped
 * curve: both gains start and end with zero slope, so neither slot gets a
 * corner at either end. Equal power (cos^2 + sin^2 = 1) keeps the level of
 * two different patches; two slots playing the same samples (voices taken
 * over) need equal amplitude (a + b = 1), or they would sum 3 dB louder. */
static inline void
fade_gains(const Chronus* self, double u, float* a, float* b)
{
	const double w = u * u * (3.0 - 2.0 * u);
	if (self->fade_linear) {
		*a = (float)(1.0 - w);
		*b = (float)w;
	} else {
		*a = (float)cos(1.5707963267948966 * w);
		*b = (float)sin(1.5707963267948966 * w);
	}
}

/* The status and the error outputs of an outcome, announced now. */
static void
report_outcome(Chronus* self, const Outcome* o)
{
	self->ctrl[CTRL_ERROR]        = o->slot ? 0.0f : 1.0f;
	self->ctrl[CTRL_ERROR_LINE]   = o->slot ? 0.0f : (float)o->error_line;
	self->ctrl[CTRL_ERROR_COLUMN] = o->slot ? 0.0f : (float)o->error_column;
	memcpy(self->status, o->status_text, sizeof(self->status));
	notify_status(self, self->status);
	inline_outcome(&self->idisp, o->slot ? slot_title(o->slot) : NULL);
}

/* Whether a primed outcome is older than the newest one run() already
 * took (waiting, else fading in, else playing). restore() without a worker
 * builds on its own thread and publishes when it is done, so its result
 * can arrive after a newer request's was taken: latest wins all the same. */
static bool
older_than_taken(const Chronus* self, const Outcome* o)
{
	const Outcome* newest = self->waiting ? self->waiting : (self->standby ? self->standby : self->active);
	return (int32_t)(o->generation - newest->generation) < 0;
}

static void
take_outcomes(Chronus* self)
{
	Outcome* o = atomic_exchange_explicit(&self->mailbox, NULL, memory_order_acq_rel);
	if (o) {
		if (!o->slot) {
			report_outcome(self, o);
			retire(self, o);
		} else if (older_than_taken(self, o)) {
			retire(self, o); /* stale: never swapped in */
		} else {
			retire(self, self->waiting); /* latest wins */
			self->waiting = o;
		}
	}
	if (self->waiting && !self->standby) {
		Outcome* next = self->waiting;
		self->waiting = NULL;
		self->ctrl[CTRL_PRIME_MS] = (float)next->prime_ms;
		self->ctrl[CTRL_PLAYING]  = (float)next->program;
		chronus_live_reapply(self, next);
		begin_swap(self, next);
		report_outcome(self, next);
		self->announce |= ANNOUNCE_VALUES;
	}
}

/* ---- Rendering ------------------------------------------------------ */

static void
render(Chronus* self, uint32_t from, uint32_t to)
{
	while (from < to) {
		const uint32_t n = to - from < CHRONUS_SUBBLOCK ? to - from : CHRONUS_SUBBLOCK;
		float* const l = self->buf_a[0];
		float* const r = self->buf_a[1];
		slot_render(self->active->slot, l, r, n);
		if (self->standby) {
			slot_render(self->standby->slot, self->buf_b[0], self->buf_b[1], n);
			const double inv = 1.0 / (double)self->fade_len;
			for (uint32_t i = 0; i < n; ++i) { /* both channels, the same gains */
				unsigned pos = self->fade_pos < self->fade_len ? ++self->fade_pos : self->fade_len;
				float    a, b;
				fade_gains(self, pos * inv, &a, &b);
				l[i] = a * l[i] + b * self->buf_b[0][i];
				r[i] = a * r[i] + b * self->buf_b[1][i];
			}
			if (self->fade_pos >= self->fade_len) {
				retire(self, self->active);
				self->active       = self->standby;
				self->standby      = NULL;
				self->active_index ^= 1u;
			}
		}
		self->frame += n;
		param_render(&self->volume, n);
		for (uint32_t i = 0; i < n; ++i) {
			const float g = self->volume.buf[i];
			self->out[0][from + i] = l[i] * g;
			self->out[1][from + i] = r[i] * g;
		}
		limiter_process(&self->limiter, self->out[0] + from, self->out[1] + from, n);
		from += n;
	}
}

void
chronus_run(LV2_Handle instance, uint32_t n_samples)
{
	Chronus*       self = (Chronus*)instance;
	const unsigned csr  = enable_flush_to_zero();
	notify_begin(self);
	chronus_take_notice(self);
	read_controls(self);
	take_outcomes(self);
	take_osc(self);

	uint32_t pos = 0;
	if (self->control) {
		LV2_ATOM_SEQUENCE_FOREACH (self->control, ev) {
			int64_t t = ev->time.frames;
			t         = t < (int64_t)pos ? (int64_t)pos : (t > (int64_t)n_samples ? (int64_t)n_samples : t);
			render(self, pos, (uint32_t)t);
			pos = (uint32_t)t;
			handle_event(self, ev);
		}
	}
	render(self, pos, n_samples);
	scope_feed(self, self->out[0], self->out[1], n_samples);
	spectrum_feed(self, self->out[0], self->out[1], n_samples);
	inline_feed(&self->idisp, self->out[0], self->out[1], n_samples);

	if (self->unsupported) {
		static const char why[] = "patch changes need the host's worker feature (worker:schedule), "
		                          "which this host does not provide";
		_Static_assert(sizeof(why) <= STATUS_MAX, "fits the status");
		self->unsupported = false;
		memcpy(self->status, why, sizeof(why));
		notify_status(self, self->status);
	}
	if (self->announce) {
		notify_patch_values(self, self->standby ? self->standby : self->active, self->announce);
		self->announce = 0;
	}
	dispatch_pending(self);
	chronus_live_flush(self);
	dispatch_osc_port(self);
	check_patch_file(self, n_samples);
	flush_retired(self);
	swap_report(self, n_samples);
	write_controls(self);
	restore_fp_mode(csr);
}
