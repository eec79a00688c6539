import type * as v from 'valibot';
import type { ErrorDetail } from './errors.js';

type AnyIssue = v.BaseIssue<unknown>;

/** Valibot issues as the API's `details`: a dotted path (`readings.3.co2`) and a short message. */
export function issuesToDetails(issues: readonly AnyIssue[], prefix = ''): ErrorDetail[] {
  return issues.map((issue) => {
    const keys = (issue.path ?? []).map((item) => String(item.key));
    const path = [prefix, ...keys].filter((part) => part !== '').join('.');
    // strictObject reports an unknown key as "expected never".
    const message = issue.expected === 'never' ? 'unknown field' : issue.message;
    return { path, message };
  });
}
