/* SPDX-License-Identifier: ISC
 *
 * The plugin instance, shared by the LV2 glue files. Which thread owns
 * which field is written beside it; the only fields two threads touch are
 * _Atomic, and the snapshot used by save() sits behind a mutex that only
 * non-real-time threads take.
 */
#ifndef CHRONUS_PLUGIN_H
#define CHRONUS_PLUGIN_H

#include "build_slot.h"
#include "controls.h"
#include "dsp/limiter.h"
#include "lv2/inline_display.h"
#include "live_set.h"
#include "mpe.h"
#include "osc.h"
#include "osc_ring.h"
#include "params.h"
#include "patch.h"
#include "slot.h"
#include "tuner.h"
#include "uris.h"
#include "voices.h"

#include <lv2/atom/forge.h>
#include <lv2/core/lv2.h>
#include <lv2/log/logger.h>
#include <lv2/state/state.h>
#include <lv2/worker/worker.h>

#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>

/* Ports 0-3; the control ports follow, in the order of the control table
 * (src/controls.h): port control_port(id) for ControlId id. */
typedef enum {
	PORT_CONTROL = 0, /* atom in: MIDI, patch:Set, patch:Get */
	PORT_NOTIFY,      /* atom out: patch:Set echoes and status */
	PORT_OUT_L,
	PORT_OUT_R,
	PORT_COUNT = CTRL_FIRST_PORT + CTRL_COUNT
} PortIndex;

#define REQUEST_POOL         3u   /* at most POOL-1 queued, one being filled */
#define PATH_MAX_LEN         4096u
#define STATUS_MAX           320u
#define TUNING_GLIDE_MS      20.0 /* held notes move to a new tuning over this */
#define ANNOUNCE_VALUES      1u   /* the patch text and file */
#define ANNOUNCE_STATUS      2u   /* the status (already sent with each outcome) */
#define ANNOUNCE_ALL         (ANNOUNCE_VALUES | ANNOUNCE_STATUS)
#define HOT_RELOAD_MS        100.0 /* how often run() asks the worker to look at the patch file */
#define SCOPE_POINTS         256u /* samples in one scope message at most */
#define SCOPE_HZ             30u  /* scope messages per second at most */
#define SPECTRUM_N           2048u /* contiguous frames in one spectrum message */
#define SPECTRUM_HZ          15u  /* spectrum messages per second at most */
#define SWAP_HZ              30u  /* crossfade progress messages per second at most */
#define LIVE_LOG             64u  /* live sets run() keeps: re-applied to a slot built before them */

/* The result of one build, handed from the worker to run() and back. */
typedef struct Outcome Outcome;
struct Outcome {
	uint32_t    generation;
	Slot*       slot;      /* NULL when the build failed */
	char        status_text[STATUS_MAX]; /* "Acid 303: primed in 0.8 ms" or the error */
	unsigned    error_line, error_column; /* of a rejected patch; 0: none, or the whole text */
	int         program;   /* the factory program this patch is, or -1 (CTRL_CUSTOM_PATCH) */
	char*       text;      /* the patch text (owned), for patch:Set echoes */
	size_t      text_len;
	char*       graph;     /* the compiled graph for the UI (graph_desc.h, owned), or NULL */
	uint32_t    graph_len;
	char        path[PATH_MAX_LEN]; /* the patch file, or "" */
	char        scale_path[PATH_MAX_LEN], keymap_path[PATH_MAX_LEN]; /* the tuning it plays, "" for none */
	double      prime_ms;
	/* The newest live set (live.c) its text holds (a rebuild), or that was
	 * made before it was requested (a new patch): run() applies the later
	 * ones when it swaps in. */
	uint32_t    live_seq;
	Outcome*    next;      /* retire lists */
};

typedef enum { REQ_FREE = 0, REQ_PENDING, REQ_QUEUED } RequestState;
typedef enum { REQ_TEXT = 0, REQ_FILE, REQ_REBUILD, REQ_PROGRAM } RequestKind;
typedef enum { TUNE_NONE = 0, TUNE_SCALE, TUNE_KEYMAP } TuneFile;

/* A build request. run() fills a FREE one (PENDING) and hands it over with
 * schedule_work (QUEUED); the worker sets it FREE when done with it. */
typedef struct {
	_Atomic int   state;
	bool          heap;     /* made by restore() or a hot reload: the worker frees it */
	uint32_t      live_seq; /* the newest live set when it was made: later ones are the new patch's */
	bool          reload;   /* a hot reload: the file changed on disk */
	RequestKind   kind;
	unsigned      program;  /* REQ_PROGRAM */
	BuildSettings settings;
	size_t        len;
	char          path[PATH_MAX_LEN]; /* the file the text came from, or "" */
	char          text[PATCH_MAX_TEXT + 1]; /* patch text or file path */
	/* Tuning files to load first ("" unloads), whatever the request is: a
	 * tuning change alone is a REQ_REBUILD, and one made while another
	 * request waits rides on it, so neither is lost. The worker loads them
	 * even when a newer request supersedes the build. */
	bool          set_scale, set_keymap;
	char          scale_path[PATH_MAX_LEN], keymap_path[PATH_MAX_LEN];
} Request;

typedef enum { WORK_BUILD = 1, WORK_RETIRE, WORK_PRIMED, WORK_REJECTED, WORK_CHECK_FILE, WORK_LIVE_SET,
               WORK_OSC_PORT } WorkType;

/* What a patch file was when it was read: a save (in place or by rename)
 * changes one of them. */
typedef struct {
	int64_t  mtime_ns;
	int64_t  size;
	uint64_t inode;
} FileStamp;

/* What crosses the worker ring: a WorkMessage, or a live set by value. */
typedef struct {
	uint32_t type;
	void*    ptr;
} WorkMessage;

typedef struct {
	uint32_t type;    /* WORK_LIVE_SET */
	uint32_t seq;     /* its number in run()'s log */
	uint32_t len;
	bool     applied; /* run() found it valid and applied it to the playing patch */
	char     text[LIVE_SET_MAX];
} LiveSetMessage;

/* A live set in run()'s log. */
typedef struct {
	uint32_t seq;
	uint32_t len;
	bool     applied;
	char     text[LIVE_SET_MAX];
} LiveRecord;

typedef struct Chronus {
	/* Ports (host-owned buffers). */
	const LV2_Atom_Sequence* control;
	LV2_Atom_Sequence*       notify;
	float*                   out[2];
	float*                   ctrl_port[CTRL_COUNT]; /* host buffers of the control ports */

	/* Features and constants (set at instantiate). */
	LV2_URID_Map*        map;
	LV2_Worker_Schedule* schedule; /* NULL: no worker */
	LV2_Log_Logger       logger;
	ChronusURIDs         uris;
	LV2_Atom_Forge       forge;
	LV2_Atom_Forge_Frame notify_frame; /* the sequence being written this block */
	double               rate;
	unsigned             nominal_block;

	/* Audio thread. */
	Outcome*    active;
	Outcome*    standby;   /* fading in, or NULL */
	Outcome*    waiting;   /* primed, waits for the current fade */
	Outcome*    retire_q;  /* outcomes to hand to the worker */
	Request*    pending;   /* filled, not yet scheduled */
	unsigned    fade_pos, fade_len;
	unsigned    active_index;
	/* Held keys by key index (VOICE_KEY: a note of a channel; the channel
	 * is 0 unless MPE is on) and what the next patch needs of them. */
	bool        notes_down[VOICE_KEY_COUNT];
	float       note_velocity[VOICE_KEY_COUNT];
	bool        sustain;
	float       bend;      /* the wheel, -1..1 */
	/* Controllers as the player left them (CTL ids, patch.h): a new patch
	 * starts from them at its swap. cc_msb: the last MSB of CCs 0..31, for
	 * 14-bit pairs; bank: Bank Select (CC 0 MSB, CC 32 LSB). */
	float       ctl_value[CTL_COUNT];
	uint8_t     cc_msb[32];
	uint8_t     bank_msb, bank_lsb;
	float       note_pressure[VOICE_KEY_COUNT]; /* poly aftertouch of each held key, < 0: none sent */
	/* MPE: the zones, and each channel's per-note expression as its
	 * controller left it (bend -1..1 of the zone's range, pressure and
	 * slide 0..1): a new patch starts its voices there. */
	Mpe         mpe;
	float       chan_bend[16], chan_pressure[16], chan_slide[16];
	float       ctrl[CTRL_COUNT]; /* every control's value in effect (inputs clamped; outputs to write) */
	uint64_t    param_seq;
	char        status[STATUS_MAX]; /* the last status sent, announced again on patch:Get */
	unsigned    announce;   /* ANNOUNCE_* bits: what to send with patch:Set next block */
	bool        unsupported; /* report "needs a worker" next block */
	ParamSpec   volume_spec; /* the volume port's range in gain */
	ParamState  volume;
	Limiter     limiter;    /* last thing before the output ports */
	float       buf_a[2][CHRONUS_SUBBLOCK], buf_b[2][CHRONUS_SUBBLOCK]; /* [channel][frame] */
	/* Handover at a swap (run.c, audio thread): the notes the pedal alone
	 * holds (key released while it was down), and the crossfade law of the
	 * swap under way: linear when the new slot took over the old one's
	 * voices (the same patch: the two play the same samples). */
	bool        notes_pedal[VOICE_KEY_COUNT];
	bool        fade_linear;
	/* Frames rendered since instantiation, and the frame each note's key
	 * went down: a held note's age at a swap, so it enters the new patch
	 * where the old voice was (its attack, decay or sustain). */
	uint64_t    frame;
	uint64_t    note_frame[VOICE_KEY_COUNT];
	uint32_t    reload_left; /* frames until the next patch-file check */
	/* Live sets (live.c): the last LIVE_LOG by number (seq % LIVE_LOG),
	 * the newest number, the newest handed to the worker, and whether
	 * some came faster than the worker took them. */
	LiveRecord  live_log[LIVE_LOG];
	uint32_t    live_seq, live_sent;
	bool        live_overflow;
	/* The last value each input port had: a change of the port is a
	 * change, whatever else (OSC) moved the control meanwhile. */
	float       port_seen[CTRL_COUNT];
	bool        osc_port_pending; /* the OSC port changed; the worker has not been told yet */
	/* The UI's scope (scope.c): on while a UI asked for it; output
	 * samples decimated into scope_buf, sent every scope_period frames. */
	bool        scope_on;
	uint32_t    scope_period, scope_left, scope_step, scope_phase;
	uint32_t    scope_n;
	float       scope_acc;
	float       scope_buf[SCOPE_POINTS];
	/* The UI's spectrum (spectrum.c): on while a UI asked for it; the
	 * first SPECTRUM_N frames of every spectrum_period, after the sample
	 * rate in spectrum_buf[0]. */
	bool        spectrum_on;
	uint32_t    spectrum_period, spectrum_left, spectrum_n;
	float       spectrum_buf[1 + SPECTRUM_N];
	/* The swap in progress (swap_state.c): the last chronus:swap value
	 * sent (-1 building, 0..1 crossfading, 1 done) and frames until the
	 * next crossfade progress may be sent. */
	float       swap_sent;
	uint32_t    swap_left;
	/* Ardour's inline display (inline_display.c): its own threads' fields. */
	InlineDisplay idisp;

	/* Shared between threads. */
	_Atomic(Outcome*) mailbox;      /* worker → run: the newest result */
	_Atomic(Outcome*) retire_stack; /* any thread → run: results to retire */
	_Atomic uint32_t  latest_generation; /* the newest request: older ones are stale */
	_Atomic uint32_t  generations;       /* counter shared by run() and restore() */
	/* Builds under way (worker, restore) and finished builds on their
	 * way back through the host's response ring: run() shows a swap in
	 * progress while either is non-zero (swap_state.c). */
	_Atomic int       builds_busy;
	_Atomic int       replies_busy;
	/* The program port value a restored state was saved with: when the
	 * host then sets the port to it, run() adopts it instead of loading the
	 * factory patch over the restored one. -1: none pending. */
	_Atomic int32_t   restored_program;
	/* A patch-file check is with the worker (run() sets it, the worker
	 * clears it when done): one at a time. */
	_Atomic bool      checking_file;
	/* run() → save() and restore(): every control's value in effect, as
	 * float bits, for the state and for a build made outside run(). */
	_Atomic uint32_t  shared[CTRL_COUNT];
	Request           requests[REQUEST_POOL];
	/* run() → the worker: the newest live set's number. */
	_Atomic uint32_t  live_seq_pub;
	/* Worker or OSC thread → run(): a status to show (a live set's
	 * outcome, the OSC server's): notice_ready 2 while one writes it, 1
	 * hands the text to run(), 0 back. */
	_Atomic int       notice_ready;
	char              notice[STATUS_MAX];
	/* OSC thread → run(): commands (osc_ring.h), and the text box a build
	 * command refers to (osc_box 1 from the push until run() took the
	 * text, 0 when the OSC thread may write it again); how many commands
	 * run() took, for /engine/status. */
	OscRing           osc_ring;
	_Atomic int       osc_box;
	char*             osc_text;      /* PATCH_MAX_TEXT + 1 bytes */
	uint32_t          osc_text_len;
	bool              osc_text_file; /* a file path, not a patch text */
	_Atomic uint32_t  osc_taken;

	/* Non-real-time threads only (worker, save, restore). */
	pthread_mutex_t snapshot_lock;
	char*           snapshot_text; /* the patch save() stores */
	size_t          snapshot_len;
	char            snapshot_path[PATH_MAX_LEN];
	uint32_t        snapshot_live_seq; /* the newest live set in snapshot_text */
	uint32_t        snapshot_version;  /* +1 at each change of snapshot_text */
	/* Hot reload (worker, under snapshot_lock): the file the playing patch
	 * came from, "" for none, and its stamp when it was read. */
	char            watch_path[PATH_MAX_LEN];
	FileStamp       watch_stamp;
	/* For /engine/status (OSC), behind snapshot_lock: the newest patch
	 * that built, its status and prime time, and the last error. */
	char            last_title[PATCH_MAX_TITLE + 1];
	char            last_status[STATUS_MAX];
	char            last_error[STATUS_MAX];
	double          last_prime_ms;
	ChronusOsc*     osc; /* the OSC server (worker, instantiate, cleanup) */
	/* The tuning every build plays (tuning.h), behind snapshot_lock too:
	 * the files loaded ("" for none), what they hold, and whether each is
	 * loaded (else twelve-tone equal temperament and the linear map). */
	Tuner*          tuner;
} Chronus;

/* run.c — audio thread */
void chronus_run(LV2_Handle instance, uint32_t n_samples);

/* worker.c */
LV2_Worker_Status chronus_work(LV2_Handle instance, LV2_Worker_Respond_Function respond,
                               LV2_Worker_Respond_Handle handle, uint32_t size, const void* data);
LV2_Worker_Status chronus_work_response(LV2_Handle instance, uint32_t size, const void* data);
/* Any thread: publish a result for run() to take (latest generation wins). */
void     chronus_publish(Chronus* self, Outcome* outcome);
/* Non-real-time: build an outcome directly from a request's contents
 * (text, file, factory program or the current snapshot). A caller that
 * runs beside run() counts builds_busy around it and until the result is
 * on its way (swap_state.c shows the swap in progress from that). */
Outcome* chronus_build_outcome(Chronus* self, const Request* request);
/* Any thread: a new generation number, made the latest. */
uint32_t chronus_new_generation(Chronus* self);

/* state.c */
LV2_State_Status chronus_save(LV2_Handle instance, LV2_State_Store_Function store, LV2_State_Handle handle,
                              uint32_t flags, const LV2_Feature* const* features);
LV2_State_Status chronus_restore(LV2_Handle instance, LV2_State_Retrieve_Function retrieve,
                                 LV2_State_Handle handle, uint32_t flags, const LV2_Feature* const* features);
void     chronus_outcome_free(Outcome* outcome);

/* notify.c — audio thread */
void notify_begin(Chronus* self);
void notify_patch_values(Chronus* self, const Outcome* o, unsigned what);
void notify_status(Chronus* self, const char* text);
void notify_scope(Chronus* self, const float* samples, uint32_t n);
/* One patch:Set of key to a vector of n floats, or nothing when it does
 * not fit; the same with a float value. */
void notify_floats(Chronus* self, LV2_URID key, const float* samples, uint32_t n);
void notify_float(Chronus* self, LV2_URID key, float value);

/* scope.c — audio thread: the UI's scope on or off; take n output
 * frames and send a scope message when one is due. */
void scope_enable(Chronus* self, bool on);
void scope_feed(Chronus* self, const float* left, const float* right, uint32_t n);

/* spectrum.c — audio thread: the UI's spectrum on or off; take n output
 * frames and send a spectrum message when one is due. */
void spectrum_enable(Chronus* self, bool on);
void spectrum_feed(Chronus* self, const float* left, const float* right, uint32_t n);

/* swap_state.c — audio thread, at the end of run(): send chronus:swap
 * when the swap in progress changed (and its crossfade at most SWAP_HZ
 * times a second). */
void swap_report(Chronus* self, uint32_t n_samples);

/* live.c — a live set (live_set.h). Audio thread: apply one at this frame
 * (the control port's patch:Set, OSC), hand the log to the worker, apply
 * to a slot swapping in what it lacks, show a worker's notice. */
void chronus_live_set(Chronus* self, const char* text, uint32_t len);
void chronus_live_flush(Chronus* self);
void chronus_live_reapply(Chronus* self, Outcome* next);
void chronus_take_notice(Chronus* self);
/* Worker: write a live set into the patch text, or say what is wrong. */
void chronus_live_remember(Chronus* self, const LiveSetMessage* m);
/* Non-real-time: a status for run() to show (dropped, and logged, when
 * one is still waiting). */
#if defined(__GNUC__)
__attribute__((format(printf, 2, 3)))
#endif
void chronus_post_notice(Chronus* self, const char* fmt, ...);
/* Audio thread: hand work to the worker; false when its ring is full. */
bool chronus_schedule(Chronus* self, const void* msg, uint32_t size);

/* plugin.c — non-real-time: the factory program whose text this is, or -1. */
int   chronus_factory_program(const char* text, size_t len);
/* Any thread: a control value run() last published. */
float chronus_shared_control(Chronus* self, ControlId id);
/* Non-real-time: build settings from the controls run() last published. */
void  chronus_shared_settings(Chronus* self, BuildSettings* bs);
/* Polyphony and macros of a build from control values (indexed by ControlId). */
void  chronus_settings_from(BuildSettings* bs, const float* ctrl);
/* Audio thread (and instantiate): publish self->ctrl into shared. */
void  chronus_publish_controls(Chronus* self);

#endif
