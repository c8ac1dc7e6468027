/*
 * Inside the simulator's venue layer: the session and market structures
 * shared by sim_venue.c (the machinery: timers, subscriptions, prices,
 * number formats, replay) and sim_proto.c (each venue's messages).  Loop
 * thread only.  Nothing outside these two files includes this.
 */
#ifndef XARB_SIM_PROTO_H
#define XARB_SIM_PROTO_H

#include <pthread.h>
#include <stddef.h>
#include <stdint.h>

#include <ev.h>

#include "json.h"
#include "types.h"
#include "pricegen.h"
#include "sim_script.h"

struct sim_conn;
struct symbols;

/* What a session sends for an instrument (struct sim_vinst.sub). */
#define SIM_SUB_BBO 0x01   /* top of book */
#define SIM_SUB_FUND 0x02  /* funding (Binance: markPrice@1s) */
#define SIM_SUB_FUND3 0x04 /* Binance markPrice: every third funding tick */
#define SIM_SUB_FUNDS (SIM_SUB_FUND | SIM_SUB_FUND3)

/* A growing text buffer for one outgoing message.  Runtime: may fail. */
struct sim_sb {
	char *p; /* owned */
	size_t len;
	size_t cap;
	int err; /* an append failed: the message is dropped */
};

void sim_sb_reset(struct sim_sb *b);
void sim_sb_printf(struct sim_sb *b, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
/* Appends s[0..len) escaped for the inside of a JSON string. */
void sim_sb_json(struct sim_sb *b, const char *s, size_t len);

/* How one instrument is written on one venue's wire. */
struct sim_leg {
	const char *sym; /* the venue's symbol, or NULL (not listed) */
	char lower[32];	 /* Binance stream names: "btcusdt" */
	unsigned px_dec; /* price decimals (the tick) */
	unsigned sz_dec; /* size decimals (0 for contracts and lots) */
	int64_t units;	 /* coins per quoted price unit (1000PEPE: 1000) */
	double coins;	 /* coins per wire size unit (contract, lot, 1) */
	int contracts;	 /* sizes are integers (OKX contracts, KuCoin lots) */
};

/* `replay FILE`: the file, read at start, and where its lines are. */
struct sim_replay {
	char *data;  /* owned */
	size_t *off; /* owned, n: line starts */
	size_t *len; /* owned, n: line lengths without the newline */
	unsigned n;
	double rate; /* lines per second; 0: all at once */
};

/* Per endpoint of the script. */
struct sim_mep {
	const struct sim_venue_spec *spec; /* borrowed from the script */
	const struct sim_proto *proto;	   /* NULL: not a venue endpoint */
	struct sim_replay replay;
	/* Effective settings: the spec's, else the venue's defaults. */
	double heartbeat, ping, rate, funding;
	int muted; /* sim_mute(): no pushes (atomic: any thread sets it) */
};

struct sim_market {
	const struct symbols *sym; /* borrowed, or own_sym */
	struct symbols *own_sym;   /* owned, or NULL */
	struct pricegen *gen;	   /* owned */
	unsigned ninst;
	const char **bases;   /* owned array; the strings are sym's */
	struct sim_leg *legs; /* owned, ninst * VENUE_COUNT */
	struct sim_mep *eps;  /* owned, neps */
	unsigned neps;
	struct json_doc *doc; /* owned: the request being answered */
	struct sim_sb sb;     /* the message being built */
	uint64_t sessions;    /* started: seeds per-session ids */

	pthread_mutex_t mu; /* guards the history: any thread reads it */
	struct pricegen_dislocation *dis; /* owned, ndis of cap */
	unsigned ndis, cap;
	unsigned started;    /* dislocations started, kept or not */
	uint64_t seen;	     /* pricegen's count at the last look */
	uint64_t jumps_seen; /* its funding jumps at the last look */
	struct pricegen_funding_jump jump; /* the latest, under mu */
	uint64_t jumps;			   /* how many, under mu */
	/* Per leg (ninst x VENUE_COUNT), under mu: its latest jump. */
	struct pricegen_funding_jump *leg_jump; /* owned */
};

/* One instrument of one session. */
struct sim_vinst {
	uint8_t sub;	 /* SIM_SUB_* being pushed */
	uint8_t fresh;	 /* SIM_SUB_* just subscribed: initial push due */
	uint8_t snap;	 /* Bybit: the tickers snapshot went out */
	uint64_t seq;	 /* the venue's sequence for this instrument */
	int64_t funding; /* the funding rate last sent (Bybit deltas) */
	int64_t next_ms; /* the next funding time last sent */
	double index;	 /* Paradex: the funding index */
};

struct sim_vconn {
	struct sim_conn *c;	       /* borrowed: owns this session */
	struct sim_market *m;	       /* borrowed */
	const struct sim_mep *ep;      /* borrowed */
	const struct sim_proto *proto; /* borrowed: ep->proto */
	struct sim_vinst *inst;	       /* owned, m->ninst */
	ev_timer push_w;	       /* top of book, every 1/rate s */
	ev_timer fund_w;	       /* funding, every ep->funding s */
	ev_timer hb_w;		       /* heartbeat or pong deadline */
	ev_timer ping_w;	       /* server pings (Paradex, Binance) */
	ev_timer replay_w;	       /* replay lines, 1/rate apart */
	unsigned nbbo, nfund;	       /* instruments with those bits */
	double rounds;		       /* pushes per instrument per tick */
	double carry;		       /* the fraction of a round owed */
	unsigned fund_ticks;	       /* funding timer firings */
	unsigned replay_next;	       /* next line; n: done */
	int replaying;		       /* started on the first subscribe */
	int pong_due;		       /* a ping is out, its pong awaited */
	uint8_t allmark;	       /* Binance !markPrice@arr: SIM_SUB_* */
	uint8_t allfresh;	       /* ... just subscribed */
	int combined;		       /* Binance /stream: wrap each push */
	uint64_t rng;		       /* per-session noise (xorshift) */
	uint64_t cs;		       /* Bybit cross sequence, ... */
	char id[48];		       /* conn_id / connId / connectId */
};

/* One venue's protocol (sim_proto.c). */
struct sim_proto {
	const char *name; /* as in `venue NAME` */
	enum venue_id venue;
	const char *path; /* the URL path the venue serves */
	double heartbeat; /* s: client heartbeat (or pong) deadline */
	double ping;	  /* s: server ping interval; 0: clients ping */
	double funding;	  /* s: between funding pushes */
	/* After the upgrade (KuCoin's welcome, Binance URL streams). */
	void (*open)(struct sim_vconn *vc, const char *path, size_t plen,
	    const char *query, size_t qlen);
	/* A client message: requests, heartbeats, garbage. */
	void (*text)(struct sim_vconn *vc, const char *msg, size_t len);
	/* Pushes of one instrument; NULL if the stream has no such data. */
	void (*bbo)(struct sim_vconn *vc, inst_id i,
	    const struct pricegen_tick *t);
	void (*fund)(struct sim_vconn *vc, inst_id i,
	    const struct pricegen_tick *t, uint8_t bits);
	/* Binance !markPrice@arr: every subscribed instrument at once. */
	void (*fund_all)(struct sim_vconn *vc, uint8_t bits);
};

extern const struct sim_proto *const sim_proto_table[SIM_VENUE_COUNT];

/* -- the machinery, for sim_proto.c (sim_venue.c) -------------------- */

/* Sends m->sb as a text frame (a push counts as one).  0 or -1. */
int sim_vc_send(struct sim_vconn *vc, int push);

/* Starts (on) or stops pushing bits for i; counts a subscription. */
void sim_vc_sub(struct sim_vconn *vc, inst_id i, uint8_t bits, int on);

/* Answers a heartbeat: counted, and the deadline moves. */
void sim_vc_heartbeat(struct sim_vconn *vc);

/* Counts an error ack. */
void sim_vc_error(struct sim_vconn *vc);

/* The quote of i on this session's venue now; 0 or -1. */
int sim_vc_quote(struct sim_vconn *vc, inst_id i, struct pricegen_tick *t);

/* Uniform in [0, n), from the session's own generator. */
unsigned sim_vc_rand(struct sim_vconn *vc, unsigned n);

/* i's leg on this session's venue. */
const struct sim_leg *sim_vc_leg(const struct sim_vconn *vc, inst_id i);

/* The instrument of a venue symbol, or -1. */
int sim_vc_lookup(const struct sim_vconn *vc, const char *sym, size_t len);

/*
 * Wire numbers of leg l into buf (>= 32 bytes), returned: a price per
 * quoted unit (dir < 0 rounds down to the tick, > 0 up, 0 nearest), a
 * size (at least one increment), a rate (per the venue's interval,
 * trailing zeros trimmed).
 */
const char *sim_fmt_px(char *buf, const struct sim_leg *l, int64_t px, int dir);
const char *sim_fmt_sz(char *buf, const struct sim_leg *l, int64_t qty);
const char *sim_fmt_rate(char *buf, int64_t rate);

/*
 * Copies token tok of the request being answered into b: a string's raw
 * text (quoted if quoted), a number or literal as is; dflt if tok is -1,
 * a container or too long.
 */
void sim_sb_tok(struct sim_sb *b, const struct json_doc *d, int tok, int quoted,
    const char *dflt);

/* The value of key in a URL query ("a=1&b=2"); 0, or -1 if absent. */
int sim_query(const char *q, size_t qlen, const char *key, const char **v,
    size_t *vlen);

/* CLOCK_REALTIME in ns and ms. */
int64_t sim_now_ns(void);
int64_t sim_now_ms(void);

#endif /* XARB_SIM_PROTO_H */
