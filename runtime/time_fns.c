/* Calendar time for scripts: ctime() in UTC, as SystemTap formats it. */
#include "functions.h"

/* Days since 1970-01-01 to a proleptic Gregorian date, by 400-year eras
   (146097 days each) that start on March 1st, so February is the year's last month. */
static void civil_from_days(int64_t days, int64_t *year, int *month, int *mday)
{
	int64_t z = days + 719468; /* days since 0000-03-01 */
	int64_t era = (z >= 0 ? z : z - 146096) / 146097;
	int64_t doe = z - era * 146097;                                 /* [0, 146096] */
	int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365; /* [0, 399] */
	int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);           /* [0, 365] */
	int64_t mp = (5 * doy + 2) / 153;                                /* March = 0 */
	*mday = (int)(doy - (153 * mp + 2) / 5 + 1);
	*month = (int)(mp < 10 ? mp + 3 : mp - 9);
	*year = yoe + era * 400 + (*month <= 2);
}

/* "Thu Jan  1 00:00:00 1970": always 24 characters.  Like SystemTap, only times a
   32-bit time_t can hold are converted; others are a script error. */
const char *tap_fn_ctime(struct tap_ctx *c, char *out, int64_t t)
{
	static const char wdays[] = "ThuFriSatSunMonTueWed"; /* day 0 was a Thursday */
	static const char months[] = "JanFebMarAprMayJunJulAugSepOctNovDec";
	int64_t days, secs, year;
	int month, mday, wday;
	struct tap_fmt_arg args[6];
	char buf[32];

	out[0] = '\0';
	if (t > 2147483647LL) {
		tap_error(c, "Time too far in the future to be converted", NULL);
		return out;
	}
	if (t < -2147483648LL) {
		tap_error(c, "Time too far in the past to be converted", NULL);
		return out;
	}
	days = t >= 0 ? t / 86400 : -((-t + 86399) / 86400);
	secs = t - days * 86400;
	civil_from_days(days, &year, &month, &mday);
	wday = (int)(((days % 7) + 7) % 7);
	memcpy(out, wdays + 3 * wday, 3);
	out[3] = ' ';
	memcpy(out + 4, months + 3 * (month - 1), 3);
	out[7] = '\0';
	args[0] = (struct tap_fmt_arg){ 1, 0, out };
	args[1] = (struct tap_fmt_arg){ 0, mday, NULL };
	args[2] = (struct tap_fmt_arg){ 0, secs / 3600, NULL };
	args[3] = (struct tap_fmt_arg){ 0, secs / 60 % 60, NULL };
	args[4] = (struct tap_fmt_arg){ 0, secs % 60, NULL };
	args[5] = (struct tap_fmt_arg){ 0, year, NULL };
	size_t n = tap_format(buf, sizeof buf, "%s %2d %02d:%02d:%02d %d", args, 6);
	if (n >= sizeof buf)
		n = sizeof buf - 1;
	memcpy(out, buf, n);
	out[n] = '\0';
	return out;
}
