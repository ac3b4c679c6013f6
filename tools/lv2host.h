/* SPDX-License-Identifier: ISC
 *
 * A small, real LV2 host on lilv, shared by chronus-render, chronus-bench
 * and the host tests: world → plugin by URI → instantiate with urid:map,
 * urid:unmap, log:log, options (bufsz limits) and worker:schedule backed by
 * a real thread, or run inline (as hosts do while exporting), or absent.
 * It drives the plugin the way jalv does: events in, run(), then the
 * worker's responses delivered after run().
 */
#ifndef CHRONUS_LV2HOST_H
#define CHRONUS_LV2HOST_H

#include <lilv/lilv.h>
#include <lv2/urid/urid.h>

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef enum {
	HOST_WORKER_THREAD = 0, /* a worker thread, responses after run() */
	HOST_WORKER_INLINE,     /* work() inside schedule_work(), as in exports */
	HOST_WORKER_NONE,       /* no worker:schedule feature at all */
	HOST_WORKER_CONCURRENT, /* work_response() on the worker thread, while run() runs */
} HostWorkerMode;

typedef struct {
	double         rate;
	uint32_t       max_block;    /* bufsz:maxBlockLength */
	HostWorkerMode worker;
	bool           no_options;   /* do not pass options:options */
	unsigned       refuse_every; /* schedule_work answers "no space" every Nth call */
	unsigned       refuse_respond_every; /* respond() answers "no space" every Nth call */
	bool           quiet;        /* do not print the plugin's log */
	/* The worker thread waits at a gate before each work() call, closed from
	 * the start: a test decides when a slow worker proceeds
	 * (host_worker_release), instead of guessing how slow it is. */
	bool           hold_worker;
	/* One more feature to offer (e.g. Ardour's inline display queue_draw),
	 * or NULL. */
	const LV2_Feature* extra_feature;
} HostConfig;

typedef struct Host Host;

void  host_config_default(HostConfig* cfg);
/* NULL and a message in err when the plugin cannot be found or started. */
Host* host_new(const HostConfig* cfg, const char* uri, char* err, size_t err_size);
void  host_free(Host* host);

LilvWorld*          host_world(Host* host);
const LilvPlugin*   host_plugin(Host* host);
LilvInstance*       host_instance(Host* host);
LV2_URID_Map*       host_map(Host* host);
LV2_URID_Unmap*     host_unmap(Host* host);
/* Whether any line the plugin logged contains needle. */
bool                host_log_contains(Host* host, const char* needle);
const LV2_Feature* const* host_features(Host* host);

/* Events for the next host_run, at frames relative to its start. */
void host_midi(Host* host, uint32_t frame, const uint8_t* msg, uint32_t size);
void host_note_on(Host* host, uint32_t frame, uint8_t note, uint8_t velocity);
void host_note_off(Host* host, uint32_t frame, uint8_t note);
void host_note_off_velocity(Host* host, uint32_t frame, uint8_t note, uint8_t velocity);
/* Channel 1 messages: a control change, the pitch wheel (-1 .. 1), channel
 * and polyphonic aftertouch, program change. */
void host_cc(Host* host, uint32_t frame, uint8_t number, uint8_t value);
void host_bend(Host* host, uint32_t frame, float amount);
void host_aftertouch(Host* host, uint32_t frame, uint8_t value);
void host_poly_aftertouch(Host* host, uint32_t frame, uint8_t note, uint8_t value);
void host_program_change(Host* host, uint32_t frame, uint8_t program);
/* patch:Set of a plugin parameter (property URI) to a string or path. */
void host_patch_set(Host* host, uint32_t frame, const char* property, bool is_path, const char* value,
                    uint32_t len);
void host_patch_get(Host* host, uint32_t frame);
/* patch:Set of property (a full URI) to an atom:Bool. */
void host_patch_set_bool(Host* host, uint32_t frame, const char* property, bool value);
/* The transport as Ardour and jalv send it: a time:Position object with
 * the speed (rolling or not) and the tempo in BPM. */
void host_time_position(Host* host, uint32_t frame, float bpm, bool rolling);
/* Append raw bytes as an event of the given type (for malformed input). */
void host_raw_event(Host* host, uint32_t frame, LV2_URID type, const void* body, uint32_t size);

/* Control ports by symbol; false if there is no such port. */
bool  host_set_control(Host* host, const char* symbol, float value);
float host_get_control(Host* host, const char* symbol);
/* Whether symbol names an input control port (one a host may set); the
 * symbols of all of them, separated by ", ", into buf. */
bool  host_is_input_control(Host* host, const char* symbol);
void  host_input_controls(Host* host, char* buf, size_t size);

uint32_t host_max_block(const Host* host);

/* deactivate() then activate(), as a host does when it stops and restarts
 * the plugin (transport, device change); the worker must be idle
 * (host_settle first). */
void host_reactivate(Host* host);

/* Run one block (n <= max_block) into left/right (may be NULL). */
void host_run(Host* host, uint32_t n, float* left, float* right);

/* Wait (without running) until the worker has done everything scheduled,
 * then deliver its responses, as a host does between two cycles. The wait
 * ends at a wall-clock bound of HOST_SETTLE_SECONDS: false if the worker
 * had not finished by then (or is held at its gate). */
#define HOST_SETTLE_SECONDS 60.0
bool host_settle(Host* host);

/* The worker gate (HostConfig.hold_worker): open it, close it again, and
 * how many work() calls are waiting at it now. */
void     host_worker_release(Host* host);
void     host_worker_hold(Host* host);
unsigned host_worker_waiting(Host* host);

/* Seconds of wall-clock time since an arbitrary start (CLOCK_MONOTONIC):
 * the one clock tests measure their generous bounds with. */
double host_now(void);

/* Statuses and patch:Set values the plugin sent on its notify port. */
unsigned    host_status_count(const Host* host);
const char* host_status(const Host* host, unsigned i);
/* The frame (counted from the first run) at which status i was sent: for a
 * swap, the first frame of its crossfade. */
uint64_t    host_status_frame(const Host* host, unsigned i);
/* Frames run so far, on the same count: the next block's first frame. */
uint64_t    host_frames_run(const Host* host);
/* Whether the plugin's "error" output port (if it has one) was set after
 * the block that brought status i: the status reports a rejected patch. */
bool        host_status_is_error(const Host* host, unsigned i);
const char* host_last_value(const Host* host, const char* property); /* NULL if none seen */
unsigned    host_value_count(const Host* host, const char* property);
/* The body size in bytes of the last value of property (0 if none seen). */
uint32_t    host_value_size(const Host* host, const char* property);
/* Bytes the plugin wrote on its notify port so far (events and headers). */
uint64_t    host_notify_bytes(const Host* host);

/* Counters for tests. */
unsigned host_refused(const Host* host);    /* refused ones */

#endif
