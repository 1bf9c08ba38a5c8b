// Preloaded into the plan process by `npm run bench` (whole-process mode): on exit, writes the
// process's own CPU time and peak RSS as JSON to the file named by PLAN_BENCH_STATS.
/* global require, process */
/* eslint-disable @typescript-eslint/no-require-imports */
"use strict";
const fs = require("fs");
const out = process.env.PLAN_BENCH_STATS;
if (out) {
  process.on("exit", () => {
    const u = process.resourceUsage();
    fs.writeFileSync(out, JSON.stringify({ userMs: u.userCPUTime / 1000, systemMs: u.systemCPUTime / 1000, maxRssKb: u.maxRSS }));
  });
}
