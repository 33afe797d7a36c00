// Preloaded (`node --require`) into an `npm run plan` process by tests: the process's clock reads 2028-10-01, after the
// ACS retirement date, so the plan's date-following rules run as they will then. Only `Date` moves; timers do not.
"use strict";
const FIXED = Date.parse("2028-10-01T09:00:00Z");
const RealDate = Date;
class FixedDate extends RealDate {
  constructor(...args) {
    if (args.length === 0) super(FIXED);
    else super(...args);
  }
  static now() {
    return FIXED;
  }
}
globalThis.Date = FixedDate;
