/* Names for opportunity event types and reasons. */
#include "autoconf.h"

#include "xarb.h"
#include "opp.h"

static const struct {
	const char *name;
	const char *key;
} opp_reasons[OPP_REASON_COUNT] = {
	[OPP_REASON_NONE] = { "none", "none" },
	[OPP_REASON_VENUE_DOWN] = { "venue down", "venue_down" },
	[OPP_REASON_STALE] = { "leg stale", "stale" },
	[OPP_REASON_BAD_QUOTE] = { "crossed or empty quote", "bad_quote" },
	[OPP_REASON_SPREAD] = { "spread gone", "spread" },
	[OPP_REASON_DEPTH] = { "depth gone", "depth" },
	[OPP_REASON_FUNDING] = { "funding gone", "funding" },
	[OPP_REASON_CONFIDENCE] = { "confidence low", "confidence" },
	[OPP_REASON_EDGE] = { "edge gone", "edge" },
	[OPP_REASON_SHUTDOWN] = { "shutdown", "shutdown" },
};

const char *
opp_type_name(unsigned type)
{
	switch (type) {
	case OPP_OPEN:
		return ("open");
	case OPP_UPDATE:
		return ("update");
	case OPP_CLOSE:
		return ("close");
	}
	return ("?");
}

const char *
opp_reason_name(unsigned reason)
{
	return (reason < OPP_REASON_COUNT ? opp_reasons[reason].name : "?");
}

const char *
opp_reason_key(unsigned reason)
{
	return (reason < OPP_REASON_COUNT ? opp_reasons[reason].key : "?");
}
