/* SPDX-License-Identifier: ISC
 *
 * MPE zones and the RPNs that set them (see mpe.h). AUDIO THREAD: no
 * allocation, locks or stdio.
 */
#include "mpe.h"

void
mpe_init(Mpe* mpe, float bend_default)
{
	*mpe              = (Mpe){0};
	mpe->bend_default = bend_default;
	mpe->bend[0] = mpe->bend[1] = bend_default;
	for (unsigned c = 0; c < 16; ++c) {
		mpe->rpn_msb[c] = mpe->rpn_lsb[c] = 127;
	}
}

void
mpe_configure(Mpe* mpe, unsigned zone, unsigned members)
{
	zone &= 1u;
	members = members > 15u ? 15u : members;
	mpe->members[zone] = (uint8_t)members;
	mpe->bend[zone]    = mpe->bend_default;
	/* Lower members are channels 2..1+n, upper ones 15-n..15 (1-based):
	 * together with both masters they fit in 16 channels when n + m <= 14. */
	const unsigned other = mpe->members[zone ^ 1u];
	if (members && other && members + other > 14u) {
		mpe->members[zone ^ 1u] = (uint8_t)(members >= 14u ? 0u : 14u - members);
	}
}

bool
mpe_active(const Mpe* mpe)
{
	return mpe->members[0] || mpe->members[1];
}

MpeRole
mpe_role(const Mpe* mpe, uint8_t chan, unsigned* zone)
{
	chan &= 0x0f;
	if (mpe->members[MPE_LOWER]) {
		if (chan == 0) {
			*zone = MPE_LOWER;
			return MPE_ROLE_MASTER;
		}
		if (chan <= mpe->members[MPE_LOWER]) {
			*zone = MPE_LOWER;
			return MPE_ROLE_MEMBER;
		}
	}
	if (mpe->members[MPE_UPPER]) {
		if (chan == 15) {
			*zone = MPE_UPPER;
			return MPE_ROLE_MASTER;
		}
		if (chan >= 15u - mpe->members[MPE_UPPER]) {
			*zone = MPE_UPPER;
			return MPE_ROLE_MEMBER;
		}
	}
	return MPE_ROLE_NONE;
}

/* Data entry for the selected RPN of `chan`, the MSB (and the LSB when
 * `lsb` >= 0): RPN 6 on channel 1 or 16 is an MCM, RPN 0 on a zone's
 * member channel sets the zone's bend range (semitones + cents). */
static bool
rpn_data(Mpe* mpe, uint8_t chan, int lsb)
{
	const uint8_t msb = mpe->rpn_msb[chan], num = mpe->rpn_lsb[chan], value = mpe->data_msb[chan];
	if (msb == 0 && num == 6 && (chan == 0 || chan == 15)) {
		if (lsb < 0) { /* the MCM is the MSB alone; an LSB after it changes nothing */
			mpe_configure(mpe, chan == 0 ? MPE_LOWER : MPE_UPPER, value);
		}
		return true;
	}
	if (msb == 0 && num == 0) {
		unsigned zone = 0;
		if (mpe_role(mpe, chan, &zone) == MPE_ROLE_MEMBER) {
			const float semis = (float)value + (lsb > 0 ? (float)lsb / 100.0f : 0.0f);
			mpe->bend[zone]   = semis > MPE_MAX_BEND ? MPE_MAX_BEND : semis;
		}
		return true;
	}
	return false;
}

bool
mpe_control_change(Mpe* mpe, uint8_t chan, uint8_t cc, uint8_t value)
{
	chan &= 0x0f;
	value &= 0x7f;
	switch (cc) {
	case 101: mpe->rpn_msb[chan] = value; return true;
	case 100: mpe->rpn_lsb[chan] = value; return true;
	case 99:
	case 98: /* an NRPN: data entry is not for an RPN any more */
		mpe->rpn_msb[chan] = mpe->rpn_lsb[chan] = 127;
		return false;
	case 6:
		mpe->data_msb[chan] = value;
		return rpn_data(mpe, chan, -1);
	case 38: return rpn_data(mpe, chan, value);
	default: return false;
	}
}
