/**
 * The aggregates route's bucket widths and limit, apart from its schemas so
 * that the dashboard's bundle takes these numbers without valibot.
 */

/** Bucket widths the aggregates route accepts, in seconds. */
export const AGGREGATE_STEPS = [60, 300, 900, 3600, 86400] as const;
export type AggregateStep = (typeof AGGREGATE_STEPS)[number];
/** Most buckets one request may span. */
export const MAX_AGGREGATE_BUCKETS = 2000;
