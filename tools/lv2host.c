/* SPDX-License-Identifier: ISC
 *
 * The lilv host behind chronus-render, chronus-bench and the host tests.
 * The worker rings are single-producer single-consumer and lock-free, as in
 * jalv, so the host itself does nothing in run() that the plugin may not.
 */
#define _GNU_SOURCE
#include "lv2host.h"

#include <math.h>

#include <lv2/atom/atom.h>
#include <lv2/atom/forge.h>
#include <lv2/atom/util.h>
#include <lv2/buf-size/buf-size.h>
#include <lv2/log/log.h>
#include <lv2/midi/midi.h>
#include <lv2/options/options.h>
#include <lv2/parameters/parameters.h>
#include <lv2/patch/patch.h>
#include <lv2/time/time.h>
#include <lv2/worker/worker.h>

#include <dlfcn.h>
#include <pthread.h>
#include <semaphore.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define RING_SLOTS   256u
#define RING_MSG     256u
#define IN_CAPACITY  (1u << 18)
#define OUT_CAPACITY (1u << 18)
#define MAX_EVENTS   4096u
#define MAX_STATUS   4096u

typedef struct {
	uint32_t size;
	uint8_t  data[RING_MSG];
} RingMsg;

/* Single-producer single-consumer ring of small messages. */
typedef struct {
	RingMsg          slots[RING_SLOTS];
	_Atomic uint32_t head, tail;
} Ring;

static bool
ring_push(Ring* r, uint32_t size, const void* data)
{
	const uint32_t head = atomic_load_explicit(&r->head, memory_order_relaxed);
	const uint32_t tail = atomic_load_explicit(&r->tail, memory_order_acquire);
	if (size > RING_MSG || head - tail >= RING_SLOTS) {
		return false;
	}
	RingMsg* m = &r->slots[head % RING_SLOTS];
	m->size    = size;
	memcpy(m->data, data, size);
	atomic_store_explicit(&r->head, head + 1, memory_order_release);
	return true;
}

static bool
ring_pop(Ring* r, RingMsg* out)
{
	const uint32_t tail = atomic_load_explicit(&r->tail, memory_order_relaxed);
	const uint32_t head = atomic_load_explicit(&r->head, memory_order_acquire);
	if (head == tail) {
		return false;
	}
	*out = r->slots[tail % RING_SLOTS];
	atomic_store_explicit(&r->tail, tail + 1, memory_order_release);
	return true;
}

typedef struct {
	uint32_t frame;
	uint32_t type;
	uint32_t size;
	uint32_t offset; /* into event_data */
} PendingEvent;

typedef struct {
	char*    property;
	char*    value;
	uint32_t size;  /* the value atom's body size in bytes (a vector's floats too) */
	unsigned count;
} SeenValue;

typedef void (*GuardFn)(void);

struct Host {
	HostConfig cfg;

	/* The real-time guard (tests/rt), when preloaded: brackets the calls
	 * that must be real-time safe. */
	GuardFn rt_enter, rt_leave;

	/* URID map (host side; the plugin maps at instantiate only). */
	pthread_mutex_t map_lock;
	char**          uris;
	unsigned        n_uris;
	LV2_URID_Map    map;
	LV2_URID_Unmap  unmap;

	LilvWorld*         world;
	const LilvPlugin*  plugin;
	LilvInstance*      instance;
	const LV2_Worker_Interface* worker_iface;

	/* Features. */
	LV2_Log_Log         log;
	LV2_Worker_Schedule schedule;
	LV2_Options_Option  options[6];
	int32_t             opt_min, opt_max, opt_nominal, opt_seq;
	float               opt_rate;
	LV2_Feature         f_map, f_unmap, f_log, f_schedule, f_options, f_bounded;
	const LV2_Feature*  features[8];

	/* Ports. */
	uint32_t n_ports;
	float*   controls;   /* one per port */
	bool*    is_control;
	float*   audio[2];   /* the first two audio outputs */
	float*   silence;    /* what audio inputs read (synthv1 has two) */
	float*   discard;    /* audio outputs past the second */
	LV2_Atom_Sequence* in_seq;
	LV2_Atom_Sequence* out_seq;
	uint32_t in_port, out_port;
	LV2_URID urid_midi, urid_object, urid_set, urid_get, urid_property, urid_value, urid_string,
	         urid_path, urid_urid, urid_chunk, urid_sequence, urid_status;

	/* Events for the next run. */
	PendingEvent events[MAX_EVENTS];
	unsigned     n_events;
	uint8_t*     event_data;
	uint32_t     event_used;

	/* Worker. */
	Ring             requests, responses;
	sem_t            sem;
	pthread_t        thread;
	bool             thread_started;
	_Atomic bool     exit;
	_Atomic unsigned outstanding; /* scheduled, not yet worked */
	unsigned         refused, calls;
	_Atomic unsigned respond_calls;

	/* The worker gate (hold_worker): the worker thread alone waits on it. */
	pthread_mutex_t gate_lock;
	pthread_cond_t  gate_cond;
	bool            gate_closed;
	unsigned        gate_waiting;

	/* What the plugin said. */
	pthread_mutex_t log_lock;
	char*     log_lines[MAX_STATUS];
	unsigned  n_log;
	char*     statuses[MAX_STATUS];
	uint64_t  status_frames[MAX_STATUS]; /* when each arrived, in frames since the start */
	bool      status_errors[MAX_STATUS]; /* the error port was set after that block */
	int       error_port;                /* index of the "error" output, or -1 */
	unsigned  n_statuses;
	uint64_t  frames_run;
	SeenValue values[16];
	unsigned  n_values;
	uint64_t  notify_bytes; /* every event the plugin wrote on notify, headers included */
};

static void
no_guard(void)
{
}

/* ---- URID map --------------------------------------------------------- */

static LV2_URID
map_uri(LV2_URID_Map_Handle handle, const char* uri)
{
	Host* h = (Host*)handle;
	pthread_mutex_lock(&h->map_lock);
	for (unsigned i = 0; i < h->n_uris; ++i) {
		if (!strcmp(h->uris[i], uri)) {
			pthread_mutex_unlock(&h->map_lock);
			return i + 1;
		}
	}
	h->uris             = realloc(h->uris, sizeof(char*) * (h->n_uris + 1));
	h->uris[h->n_uris++] = strdup(uri);
	const LV2_URID id   = h->n_uris;
	pthread_mutex_unlock(&h->map_lock);
	return id;
}

static const char*
unmap_uri(LV2_URID_Unmap_Handle handle, LV2_URID urid)
{
	Host* h = (Host*)handle;
	pthread_mutex_lock(&h->map_lock);
	const char* s = (urid >= 1 && urid <= h->n_uris) ? h->uris[urid - 1] : NULL;
	pthread_mutex_unlock(&h->map_lock);
	return s;
}

/* ---- Log ------------------------------------------------------------ */

static int
log_vprintf(LV2_Log_Handle handle, LV2_URID type, const char* fmt, va_list ap)
{
	(void)type;
	Host*   h = (Host*)handle;
	char    line[1024];
	va_list copy;
	va_copy(copy, ap);
	const int n = vsnprintf(line, sizeof(line), fmt, copy);
	va_end(copy);
	pthread_mutex_lock(&h->log_lock);
	if (h->n_log < MAX_STATUS) {
		h->log_lines[h->n_log++] = strdup(line);
	}
	pthread_mutex_unlock(&h->log_lock);
	if (!h->cfg.quiet) {
		fprintf(stderr, "[plugin] %s", line);
	}
	return n;
}

static int
log_printf(LV2_Log_Handle handle, LV2_URID type, const char* fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	const int r = log_vprintf(handle, type, fmt, ap);
	va_end(ap);
	return r;
}

/* ---- Worker ------------------------------------------------------- */

static LV2_Worker_Status
respond(LV2_Worker_Respond_Handle handle, uint32_t size, const void* data)
{
	Host* h = (Host*)handle;
	const unsigned n = atomic_fetch_add(&h->respond_calls, 1) + 1;
	if (h->cfg.refuse_respond_every && n % h->cfg.refuse_respond_every == 0) {
		return LV2_WORKER_ERR_NO_SPACE; /* as a full response ring would */
	}
	return ring_push(&h->responses, size, data) ? LV2_WORKER_SUCCESS : LV2_WORKER_ERR_NO_SPACE;
}

static LV2_Worker_Status
schedule_work(LV2_Worker_Schedule_Handle handle, uint32_t size, const void* data)
{
	Host* h = (Host*)handle;
	++h->calls;
	if (h->cfg.refuse_every && h->calls % h->cfg.refuse_every == 0) {
		++h->refused;
		return LV2_WORKER_ERR_NO_SPACE;
	}
	if (h->cfg.worker == HOST_WORKER_INLINE) {
		/* Work done inline (an export) is not real-time: unguarded. */
		h->rt_leave();
		const LV2_Worker_Status st =
			h->worker_iface->work(lilv_instance_get_handle(h->instance), respond, h, size, data);
		h->rt_enter();
		return st;
	}
	if (!ring_push(&h->requests, size, data)) {
		++h->refused;
		return LV2_WORKER_ERR_NO_SPACE;
	}
	atomic_fetch_add(&h->outstanding, 1);
	sem_post(&h->sem);
	return LV2_WORKER_SUCCESS;
}

/* Worker thread: waits while the test holds the gate closed. */
static void
pass_gate(Host* h)
{
	pthread_mutex_lock(&h->gate_lock);
	++h->gate_waiting;
	while (h->gate_closed) {
		pthread_cond_wait(&h->gate_cond, &h->gate_lock);
	}
	--h->gate_waiting;
	pthread_mutex_unlock(&h->gate_lock);
}

static void*
worker_main(void* arg)
{
	Host* h = (Host*)arg;
	for (;;) {
		sem_wait(&h->sem);
		const bool exiting = atomic_load(&h->exit);
		RingMsg    m;
		while (ring_pop(&h->requests, &m)) { /* drained even when exiting: nothing leaks */
			pass_gate(h);
			h->worker_iface->work(lilv_instance_get_handle(h->instance), respond, h, m.size, m.data);
			if (h->cfg.worker == HOST_WORKER_CONCURRENT) {
				/* As Ardour's state worker: the response comes on this
				 * thread while the audio thread keeps calling run(). */
				RingMsg r;
				while (ring_pop(&h->responses, &r)) {
					h->rt_enter();
					h->worker_iface->work_response(lilv_instance_get_handle(h->instance), r.size, r.data);
					h->rt_leave();
				}
			}
			atomic_fetch_sub(&h->outstanding, 1);
		}
		if (exiting) {
			return NULL;
		}
	}
}

static void
deliver_responses(Host* h)
{
	RingMsg m;
	h->rt_enter();
	while (ring_pop(&h->responses, &m)) {
		h->worker_iface->work_response(lilv_instance_get_handle(h->instance), m.size, m.data);
	}
	if (h->worker_iface && h->worker_iface->end_run) {
		h->worker_iface->end_run(lilv_instance_get_handle(h->instance));
	}
	h->rt_leave();
}

/* ---- Set-up ------------------------------------------------------- */

void
host_config_default(HostConfig* cfg)
{
	*cfg           = (HostConfig){0};
	cfg->rate      = 48000.0;
	cfg->max_block = 4096;
	cfg->worker    = HOST_WORKER_THREAD;
}

static void
set_err(char* err, size_t size, const char* fmt, const char* arg)
{
	if (err && size) {
		snprintf(err, size, fmt, arg);
	}
}

Host*
host_new(const HostConfig* cfg, const char* uri, char* err, size_t err_size)
{
	Host* h = calloc(1, sizeof(Host));
	h->cfg  = *cfg;
	h->rt_enter = (GuardFn)dlsym(RTLD_DEFAULT, "rt_guard_enter");
	h->rt_leave = (GuardFn)dlsym(RTLD_DEFAULT, "rt_guard_leave");
	if (!h->rt_enter || !h->rt_leave) {
		h->rt_enter = h->rt_leave = no_guard;
	}
	pthread_mutex_init(&h->map_lock, NULL);
	pthread_mutex_init(&h->log_lock, NULL);
	pthread_mutex_init(&h->gate_lock, NULL);
	pthread_cond_init(&h->gate_cond, NULL);
	h->gate_closed = cfg->hold_worker;
	h->map   = (LV2_URID_Map){h, map_uri};
	h->unmap = (LV2_URID_Unmap){h, unmap_uri};
	h->log   = (LV2_Log_Log){h, log_printf, log_vprintf};
	h->event_data = malloc(IN_CAPACITY);

	h->world = lilv_world_new();
	lilv_world_load_all(h->world);
	LilvNode* uri_node = lilv_new_uri(h->world, uri);
	h->plugin = lilv_plugins_get_by_uri(lilv_world_get_all_plugins(h->world), uri_node);
	lilv_node_free(uri_node);
	if (!h->plugin) {
		set_err(err, err_size, "plugin <%s> not found (is LV2_PATH set to the folder holding its bundle?)", uri);
		host_free(h);
		return NULL;
	}

	h->urid_midi     = map_uri(h, LV2_MIDI__MidiEvent);
	h->urid_object   = map_uri(h, LV2_ATOM__Object);
	h->urid_set      = map_uri(h, LV2_PATCH__Set);
	h->urid_get      = map_uri(h, LV2_PATCH__Get);
	h->urid_property = map_uri(h, LV2_PATCH__property);
	h->urid_value    = map_uri(h, LV2_PATCH__value);
	h->urid_string   = map_uri(h, LV2_ATOM__String);
	h->urid_path     = map_uri(h, LV2_ATOM__Path);
	h->urid_urid     = map_uri(h, LV2_ATOM__URID);
	h->urid_chunk    = map_uri(h, LV2_ATOM__Chunk);
	h->urid_sequence = map_uri(h, LV2_ATOM__Sequence);

	h->opt_min     = 1;
	h->opt_max     = (int32_t)cfg->max_block;
	h->opt_nominal = (int32_t)(cfg->max_block < 256 ? cfg->max_block : 256);
	h->opt_seq     = (int32_t)OUT_CAPACITY;
	h->opt_rate    = (float)cfg->rate;
	const LV2_URID t_int = map_uri(h, LV2_ATOM__Int), t_float = map_uri(h, LV2_ATOM__Float);
	h->options[0] = (LV2_Options_Option){LV2_OPTIONS_INSTANCE, 0, map_uri(h, LV2_BUF_SIZE__minBlockLength), sizeof(int32_t), t_int, &h->opt_min};
	h->options[1] = (LV2_Options_Option){LV2_OPTIONS_INSTANCE, 0, map_uri(h, LV2_BUF_SIZE__maxBlockLength), sizeof(int32_t), t_int, &h->opt_max};
	h->options[2] = (LV2_Options_Option){LV2_OPTIONS_INSTANCE, 0, map_uri(h, LV2_BUF_SIZE_PREFIX "nominalBlockLength"), sizeof(int32_t), t_int, &h->opt_nominal};
	h->options[3] = (LV2_Options_Option){LV2_OPTIONS_INSTANCE, 0, map_uri(h, LV2_BUF_SIZE__sequenceSize), sizeof(int32_t), t_int, &h->opt_seq};
	h->options[4] = (LV2_Options_Option){LV2_OPTIONS_INSTANCE, 0, map_uri(h, LV2_PARAMETERS__sampleRate), sizeof(float), t_float, &h->opt_rate};
	h->options[5] = (LV2_Options_Option){LV2_OPTIONS_INSTANCE, 0, 0, 0, 0, NULL};

	h->schedule = (LV2_Worker_Schedule){h, schedule_work};
	h->f_map      = (LV2_Feature){LV2_URID__map, &h->map};
	h->f_unmap    = (LV2_Feature){LV2_URID__unmap, &h->unmap};
	h->f_log      = (LV2_Feature){LV2_LOG__log, &h->log};
	h->f_schedule = (LV2_Feature){LV2_WORKER__schedule, &h->schedule};
	h->f_options  = (LV2_Feature){LV2_OPTIONS__options, h->options};
	h->f_bounded  = (LV2_Feature){LV2_BUF_SIZE__boundedBlockLength, NULL};
	unsigned nf = 0;
	h->features[nf++] = &h->f_map;
	h->features[nf++] = &h->f_unmap;
	h->features[nf++] = &h->f_log;
	h->features[nf++] = &h->f_bounded;
	if (!cfg->no_options) {
		h->features[nf++] = &h->f_options;
	}
	if (cfg->worker != HOST_WORKER_NONE) {
		h->features[nf++] = &h->f_schedule;
	}
	if (cfg->extra_feature) {
		h->features[nf++] = cfg->extra_feature;
	}
	h->features[nf] = NULL;

	h->instance = lilv_plugin_instantiate(h->plugin, cfg->rate, h->features);
	if (!h->instance) {
		set_err(err, err_size, "plugin <%s> failed to instantiate", uri);
		host_free(h);
		return NULL;
	}
	h->worker_iface = (const LV2_Worker_Interface*)lilv_instance_get_extension_data(h->instance, LV2_WORKER__interface);
	if ((cfg->worker == HOST_WORKER_THREAD || cfg->worker == HOST_WORKER_CONCURRENT) && h->worker_iface) {
		sem_init(&h->sem, 0, 0);
		pthread_create(&h->thread, NULL, worker_main, h);
		h->thread_started = true;
	}

	/* Ports: controls at their defaults, audio and atom buffers. */
	h->n_ports    = lilv_plugin_get_num_ports(h->plugin);
	h->controls   = calloc(h->n_ports, sizeof(float));
	h->is_control = calloc(h->n_ports, sizeof(bool));
	float* defaults = calloc(h->n_ports, sizeof(float));
	lilv_plugin_get_port_ranges_float(h->plugin, NULL, NULL, defaults);
	LilvNode* c_control = lilv_new_uri(h->world, LV2_CORE__ControlPort);
	LilvNode* c_audio   = lilv_new_uri(h->world, LV2_CORE__AudioPort);
	LilvNode* c_atom    = lilv_new_uri(h->world, LV2_ATOM__AtomPort);
	LilvNode* c_input   = lilv_new_uri(h->world, LV2_CORE__InputPort);
	h->in_seq  = aligned_alloc(64, IN_CAPACITY);
	h->out_seq = aligned_alloc(64, OUT_CAPACITY);
	h->in_port = h->out_port = UINT32_MAX;
	unsigned n_audio = 0;
	for (uint32_t i = 0; i < h->n_ports; ++i) {
		const LilvPort* port = lilv_plugin_get_port_by_index(h->plugin, i);
		if (lilv_port_is_a(h->plugin, port, c_control)) {
			h->is_control[i] = true;
			h->controls[i]   = defaults[i] == defaults[i] ? defaults[i] : 0.0f;
			lilv_instance_connect_port(h->instance, i, &h->controls[i]);
		} else if (lilv_port_is_a(h->plugin, port, c_audio)) {
			/* Every audio port gets a buffer: inputs read silence, outputs
			 * past the first two write into a scratch buffer. */
			float** buf = lilv_port_is_a(h->plugin, port, c_input) ? &h->silence
			              : n_audio < 2                                ? &h->audio[n_audio++]
			                                                           : &h->discard;
			if (!*buf) {
				*buf = calloc(cfg->max_block, sizeof(float));
			}
			lilv_instance_connect_port(h->instance, i, *buf);
		} else if (lilv_port_is_a(h->plugin, port, c_atom)) {
			const bool in = lilv_port_is_a(h->plugin, port, c_input);
			if (in) {
				h->in_port = i;
			} else {
				h->out_port = i;
			}
			lilv_instance_connect_port(h->instance, i, in ? (void*)h->in_seq : (void*)h->out_seq);
		} else {
			lilv_instance_connect_port(h->instance, i, NULL);
		}
	}
	free(defaults);
	LilvNode*       error_sym  = lilv_new_string(h->world, "error");
	const LilvPort* error_port = lilv_plugin_get_port_by_symbol(h->plugin, error_sym);
	lilv_node_free(error_sym);
	h->error_port = error_port && !lilv_port_is_a(h->plugin, error_port, c_input) &&
	                        h->is_control[lilv_port_get_index(h->plugin, error_port)]
	                    ? (int)lilv_port_get_index(h->plugin, error_port)
	                    : -1;
	lilv_node_free(c_control);
	lilv_node_free(c_audio);
	lilv_node_free(c_atom);
	lilv_node_free(c_input);
	lilv_instance_activate(h->instance);
	return h;
}

void
host_free(Host* h)
{
	if (!h) {
		return;
	}
	if (h->thread_started) {
		host_worker_release(h); /* a held worker finishes what it holds */
		atomic_store(&h->exit, true);
		sem_post(&h->sem);
		pthread_join(h->thread, NULL);
		sem_destroy(&h->sem);
	}
	if (h->instance) {
		/* Retired slots the worker never freed are freed by cleanup. */
		deliver_responses(h);
		lilv_instance_deactivate(h->instance);
		lilv_instance_free(h->instance);
	}
	if (h->world) {
		lilv_world_free(h->world);
	}
	for (unsigned i = 0; i < h->n_uris; ++i) {
		free(h->uris[i]);
	}
	for (unsigned i = 0; i < h->n_statuses; ++i) {
		free(h->statuses[i]);
	}
	for (unsigned i = 0; i < h->n_log; ++i) {
		free(h->log_lines[i]);
	}
	pthread_mutex_destroy(&h->log_lock);
	pthread_mutex_destroy(&h->gate_lock);
	pthread_cond_destroy(&h->gate_cond);
	for (unsigned i = 0; i < h->n_values; ++i) {
		free(h->values[i].property);
		free(h->values[i].value);
	}
	free(h->uris);
	free(h->controls);
	free(h->is_control);
	free(h->audio[0]);
	free(h->audio[1]);
	free(h->silence);
	free(h->discard);
	free(h->in_seq);
	free(h->out_seq);
	free(h->event_data);
	pthread_mutex_destroy(&h->map_lock);
	free(h);
}

LilvWorld*         host_world(Host* h) { return h->world; }
const LilvPlugin*  host_plugin(Host* h) { return h->plugin; }
LilvInstance*      host_instance(Host* h) { return h->instance; }
LV2_URID_Map*      host_map(Host* h) { return &h->map; }
LV2_URID_Unmap*    host_unmap(Host* h) { return &h->unmap; }

bool
host_log_contains(Host* h, const char* needle)
{
	bool found = false;
	pthread_mutex_lock(&h->log_lock);
	for (unsigned i = 0; i < h->n_log && !found; ++i) {
		found = strstr(h->log_lines[i], needle) != NULL;
	}
	pthread_mutex_unlock(&h->log_lock);
	return found;
}
const LV2_Feature* const* host_features(Host* h) { return h->features; }

/* ---- Events -------------------------------------------------------- */

void
host_raw_event(Host* h, uint32_t frame, LV2_URID type, const void* body, uint32_t size)
{
	if (h->n_events >= MAX_EVENTS || h->event_used + size > IN_CAPACITY / 2) {
		fprintf(stderr, "host: too many events queued for one block\n");
		return;
	}
	h->events[h->n_events++] = (PendingEvent){frame, type, size, h->event_used};
	memcpy(h->event_data + h->event_used, body, size);
	h->event_used += size;
}

void
host_midi(Host* h, uint32_t frame, const uint8_t* msg, uint32_t size)
{
	host_raw_event(h, frame, h->urid_midi, msg, size);
}

void
host_note_on(Host* h, uint32_t frame, uint8_t note, uint8_t velocity)
{
	const uint8_t msg[3] = {0x90, note, velocity};
	host_midi(h, frame, msg, 3);
}

void
host_note_off(Host* h, uint32_t frame, uint8_t note)
{
	const uint8_t msg[3] = {0x80, note, 0};
	host_midi(h, frame, msg, 3);
}

void
host_note_off_velocity(Host* h, uint32_t frame, uint8_t note, uint8_t velocity)
{
	const uint8_t msg[3] = {0x80, note, velocity};
	host_midi(h, frame, msg, 3);
}

void
host_cc(Host* h, uint32_t frame, uint8_t number, uint8_t value)
{
	const uint8_t msg[3] = {0xb0, number, value};
	host_midi(h, frame, msg, 3);
}

void
host_bend(Host* h, uint32_t frame, float amount)
{
	amount        = amount < -1.0f ? -1.0f : (amount > 1.0f ? 1.0f : amount);
	const int raw = 8192 + (int)lrintf(amount * (amount > 0.0f ? 8191.0f : 8192.0f));
	const uint8_t msg[3] = {0xe0, (uint8_t)(raw & 0x7f), (uint8_t)(raw >> 7)};
	host_midi(h, frame, msg, 3);
}

void
host_aftertouch(Host* h, uint32_t frame, uint8_t value)
{
	const uint8_t msg[2] = {0xd0, value};
	host_midi(h, frame, msg, 2);
}

void
host_poly_aftertouch(Host* h, uint32_t frame, uint8_t note, uint8_t value)
{
	const uint8_t msg[3] = {0xa0, note, value};
	host_midi(h, frame, msg, 3);
}

void
host_program_change(Host* h, uint32_t frame, uint8_t program)
{
	const uint8_t msg[2] = {0xc0, program};
	host_midi(h, frame, msg, 2);
}

/* Builds an object event with the forge into a scratch buffer. */
static void
queue_object(Host* h, uint32_t frame, LV2_URID otype, LV2_URID property, LV2_URID vtype, const char* value,
             uint32_t len)
{
	uint8_t*       buf = malloc(len + 256);
	LV2_Atom_Forge forge;
	lv2_atom_forge_init(&forge, &h->map);
	lv2_atom_forge_set_buffer(&forge, buf, len + 256);
	LV2_Atom_Forge_Frame f;
	LV2_Atom* obj = (LV2_Atom*)lv2_atom_forge_deref(&forge, lv2_atom_forge_object(&forge, &f, 0, otype));
	if (property) {
		lv2_atom_forge_key(&forge, h->urid_property);
		lv2_atom_forge_urid(&forge, property);
		lv2_atom_forge_key(&forge, h->urid_value);
		lv2_atom_forge_typed_string(&forge, vtype, value, len);
	}
	lv2_atom_forge_pop(&forge, &f);
	host_raw_event(h, frame, obj->type, LV2_ATOM_BODY(obj), obj->size);
	free(buf);
}

void
host_patch_set(Host* h, uint32_t frame, const char* property, bool is_path, const char* value, uint32_t len)
{
	queue_object(h, frame, h->urid_set, map_uri(h, property), is_path ? h->urid_path : h->urid_string, value,
	             len);
}

void
host_patch_get(Host* h, uint32_t frame)
{
	queue_object(h, frame, h->urid_get, 0, 0, NULL, 0);
}

void
host_patch_set_bool(Host* h, uint32_t frame, const char* property, bool value)
{
	uint8_t        buf[256];
	LV2_Atom_Forge forge;
	lv2_atom_forge_init(&forge, &h->map);
	lv2_atom_forge_set_buffer(&forge, buf, sizeof buf);
	LV2_Atom_Forge_Frame f;
	LV2_Atom* obj = (LV2_Atom*)lv2_atom_forge_deref(&forge, lv2_atom_forge_object(&forge, &f, 0, h->urid_set));
	lv2_atom_forge_key(&forge, h->urid_property);
	lv2_atom_forge_urid(&forge, map_uri(h, property));
	lv2_atom_forge_key(&forge, h->urid_value);
	lv2_atom_forge_bool(&forge, value);
	lv2_atom_forge_pop(&forge, &f);
	host_raw_event(h, frame, obj->type, LV2_ATOM_BODY(obj), obj->size);
}

void
host_time_position(Host* h, uint32_t frame, float bpm, bool rolling)
{
	uint8_t        buf[256];
	LV2_Atom_Forge forge;
	lv2_atom_forge_init(&forge, &h->map);
	lv2_atom_forge_set_buffer(&forge, buf, sizeof buf);
	LV2_Atom_Forge_Frame f;
	LV2_Atom* obj = (LV2_Atom*)lv2_atom_forge_deref(&forge, lv2_atom_forge_object(&forge, &f, 0,
	                                                                               map_uri(h, LV2_TIME__Position)));
	lv2_atom_forge_key(&forge, map_uri(h, LV2_TIME__speed));
	lv2_atom_forge_float(&forge, rolling ? 1.0f : 0.0f);
	lv2_atom_forge_key(&forge, map_uri(h, LV2_TIME__beatsPerMinute));
	lv2_atom_forge_float(&forge, bpm);
	lv2_atom_forge_pop(&forge, &f);
	host_raw_event(h, frame, obj->type, LV2_ATOM_BODY(obj), obj->size);
}

static int
port_by_symbol(Host* h, const char* symbol)
{
	LilvNode*       sym  = lilv_new_string(h->world, symbol);
	const LilvPort* port = lilv_plugin_get_port_by_symbol(h->plugin, sym);
	lilv_node_free(sym);
	return port ? (int)lilv_port_get_index(h->plugin, port) : -1;
}

bool
host_set_control(Host* h, const char* symbol, float value)
{
	const int i = port_by_symbol(h, symbol);
	if (i < 0 || !h->is_control[i]) {
		return false;
	}
	h->controls[i] = value;
	return true;
}

bool
host_is_input_control(Host* h, const char* symbol)
{
	LilvNode*       sym  = lilv_new_string(h->world, symbol);
	const LilvPort* port = lilv_plugin_get_port_by_symbol(h->plugin, sym);
	lilv_node_free(sym);
	if (!port || !h->is_control[lilv_port_get_index(h->plugin, port)]) {
		return false;
	}
	LilvNode*  c_input = lilv_new_uri(h->world, LV2_CORE__InputPort);
	const bool input   = lilv_port_is_a(h->plugin, port, c_input);
	lilv_node_free(c_input);
	return input;
}

void
host_input_controls(Host* h, char* buf, size_t size)
{
	size_t used = 0;
	if (size) {
		buf[0] = '\0';
	}
	for (uint32_t i = 0; i < h->n_ports && size; ++i) {
		const LilvPort* port = lilv_plugin_get_port_by_index(h->plugin, i);
		const char*     sym  = lilv_node_as_string(lilv_port_get_symbol(h->plugin, port));
		if (h->is_control[i] && host_is_input_control(h, sym) && used < size) {
			used += (size_t)snprintf(buf + used, size - used, "%s%s", used ? ", " : "", sym);
		}
	}
}

float
host_get_control(Host* h, const char* symbol)
{
	const int i = port_by_symbol(h, symbol);
	return (i >= 0 && h->is_control[i]) ? h->controls[i] : 0.0f;
}

/* ---- Notify ------------------------------------------------------- */

static void
remember_value(Host* h, const char* property, const char* value, uint32_t len, uint32_t size)
{
	SeenValue* v = NULL;
	for (unsigned i = 0; i < h->n_values; ++i) {
		if (!strcmp(h->values[i].property, property)) {
			v = &h->values[i];
		}
	}
	if (!v) {
		if (h->n_values >= sizeof(h->values) / sizeof(h->values[0])) {
			return;
		}
		v           = &h->values[h->n_values++];
		v->property = strdup(property);
	}
	free(v->value);
	/* the whole body (a vector's floats too, zeros included), NUL after
	 * the string's length */
	v->value = malloc((size > len ? size : len) + 1);
	if (v->value) {
		memcpy(v->value, value, size > len ? size : len);
		v->value[len] = '\0';
	}
	v->size  = size;
	++v->count;
}

static void
read_notify(Host* h)
{
	LV2_ATOM_SEQUENCE_FOREACH (h->out_seq, ev) {
		h->notify_bytes += sizeof(LV2_Atom_Event) + lv2_atom_pad_size(ev->body.size);
		if (ev->body.type != h->urid_object) {
			continue;
		}
		const LV2_Atom_Object* obj = (const LV2_Atom_Object*)&ev->body;
		if (obj->body.otype != h->urid_set) {
			continue;
		}
		const LV2_Atom* prop = NULL;
		const LV2_Atom* val  = NULL;
		lv2_atom_object_get(obj, h->urid_property, &prop, h->urid_value, &val, 0);
		if (!prop || prop->type != h->urid_urid || !val) {
			continue;
		}
		const char* key = unmap_uri(h, ((const LV2_Atom_URID*)prop)->body);
		const char* str = (const char*)LV2_ATOM_BODY_CONST(val);
		uint32_t    len = val->size;
		while (len && str[len - 1] == '\0') {
			--len;
		}
		if (key && strstr(key, "#status") && h->n_statuses < MAX_STATUS) {
			h->status_frames[h->n_statuses] = h->frames_run + ev->time.frames;
			h->statuses[h->n_statuses++]    = strndup(str, len);
		}
		if (key) {
			remember_value(h, key, str, len, val->size);
		}
	}
}

/* ---- Running -------------------------------------------------------- */

uint32_t
host_max_block(const Host* h)
{
	return h->cfg.max_block;
}

void
host_reactivate(Host* h)
{
	lilv_instance_deactivate(h->instance);
	lilv_instance_activate(h->instance);
}

void
host_run(Host* h, uint32_t n, float* left, float* right)
{
	if (n > h->cfg.max_block) {
		fprintf(stderr, "host: block of %u frames exceeds the maximum of %u\n", n, h->cfg.max_block);
		abort(); /* a bug in the caller, never in the plugin */
	}
	/* The input sequence, events in frame order (stable). */
	h->in_seq->atom.type = h->urid_sequence;
	h->in_seq->atom.size = sizeof(LV2_Atom_Sequence_Body);
	h->in_seq->body.unit = 0;
	h->in_seq->body.pad  = 0;
	for (uint32_t pass_frame = 0, done = 0; done < h->n_events; ++pass_frame) {
		(void)pass_frame;
		uint32_t best = UINT32_MAX;
		for (unsigned i = 0; i < h->n_events; ++i) {
			if (h->events[i].type && h->events[i].frame < best) {
				best = h->events[i].frame;
			}
		}
		for (unsigned i = 0; i < h->n_events; ++i) {
			PendingEvent* e = &h->events[i];
			if (!e->type || e->frame != best) {
				continue;
			}
			LV2_Atom_Event* ev = (LV2_Atom_Event*)((uint8_t*)LV2_ATOM_CONTENTS(LV2_Atom_Sequence, h->in_seq) +
			                                       h->in_seq->atom.size - sizeof(LV2_Atom_Sequence_Body));
			ev->time.frames = e->frame;
			ev->body.type   = e->type;
			ev->body.size   = e->size;
			memcpy(ev + 1, h->event_data + e->offset, e->size);
			h->in_seq->atom.size += (uint32_t)lv2_atom_pad_size(sizeof(LV2_Atom_Event) + e->size);
			e->type = 0;
			++done;
		}
	}
	h->n_events   = 0;
	h->event_used = 0;

	h->out_seq->atom.type = h->urid_chunk;
	h->out_seq->atom.size = OUT_CAPACITY - sizeof(LV2_Atom);

	h->rt_enter();
	lilv_instance_run(h->instance, n);
	h->rt_leave();

	const unsigned statuses_before = h->n_statuses;
	if (h->out_port != UINT32_MAX) { /* without an atom output, out_seq holds no sequence */
		read_notify(h);
	}
	for (unsigned i = statuses_before; i < h->n_statuses; ++i) {
		h->status_errors[i] = h->error_port >= 0 && h->controls[h->error_port] != 0.0f;
	}
	h->frames_run += n;
	if (h->worker_iface && h->cfg.worker != HOST_WORKER_CONCURRENT) {
		deliver_responses(h);
	}
	if (left) {
		memcpy(left, h->audio[0], n * sizeof(float));
	}
	if (right) { /* a mono plugin: its one output on both sides */
		memcpy(right, h->audio[1] ? h->audio[1] : h->audio[0], n * sizeof(float));
	}
}

double
host_now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

/* Polls the outstanding count: the wait is bounded by wall-clock time, not
 * by a number of polls, which a loaded machine stretches or shrinks. */
bool
host_settle(Host* h)
{
	if (!h->worker_iface) {
		return true;
	}
	const double deadline = host_now() + HOST_SETTLE_SECONDS;
	bool         done     = atomic_load(&h->outstanding) == 0;
	while (!done && host_now() < deadline) {
		usleep(200);
		done = atomic_load(&h->outstanding) == 0;
	}
	if (h->cfg.worker != HOST_WORKER_CONCURRENT) {
		deliver_responses(h);
	}
	return done;
}

void
host_worker_release(Host* h)
{
	pthread_mutex_lock(&h->gate_lock);
	h->gate_closed = false;
	pthread_cond_broadcast(&h->gate_cond);
	pthread_mutex_unlock(&h->gate_lock);
}

void
host_worker_hold(Host* h)
{
	pthread_mutex_lock(&h->gate_lock);
	h->gate_closed = true;
	pthread_mutex_unlock(&h->gate_lock);
}

unsigned
host_worker_waiting(Host* h)
{
	pthread_mutex_lock(&h->gate_lock);
	const unsigned n = h->gate_closed ? h->gate_waiting : 0;
	pthread_mutex_unlock(&h->gate_lock);
	return n;
}

unsigned    host_status_count(const Host* h) { return h->n_statuses; }
uint64_t    host_status_frame(const Host* h, unsigned i) { return i < h->n_statuses ? h->status_frames[i] : 0; }
uint64_t    host_frames_run(const Host* h) { return h->frames_run; }
const char* host_status(const Host* h, unsigned i) { return i < h->n_statuses ? h->statuses[i] : NULL; }
unsigned    host_refused(const Host* h) { return h->refused; }
bool        host_status_is_error(const Host* h, unsigned i) { return i < h->n_statuses && h->status_errors[i]; }

const char*
host_last_value(const Host* h, const char* property)
{
	for (unsigned i = 0; i < h->n_values; ++i) {
		if (!strcmp(h->values[i].property, property)) {
			return h->values[i].value;
		}
	}
	return NULL;
}

uint32_t
host_value_size(const Host* h, const char* property)
{
	uint32_t size = 0;
	for (unsigned i = 0; i < h->n_values; ++i) {
		if (!strcmp(h->values[i].property, property)) {
			size = h->values[i].size;
		}
	}
	return size;
}

uint64_t
host_notify_bytes(const Host* h)
{
	return h->notify_bytes;
}

unsigned
host_value_count(const Host* h, const char* property)
{
	for (unsigned i = 0; i < h->n_values; ++i) {
		if (!strcmp(h->values[i].property, property)) {
			return h->values[i].count;
		}
	}
	return 0;
}
