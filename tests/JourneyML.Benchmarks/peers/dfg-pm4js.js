#!/usr/bin/env node
// The pm4js side of `journeyml-tools bench dfg`: reads the milestone log JourneyML wrote (CSV: case:concept:name,
// concept:name, time:timestamp; each case's events in order), imports it with pm4js's own CSV importer, discovers the
// directly-follows graph (frequency, and median time per edge) and the variants, and writes what it found and how
// long each part took as JSON. Run by the bench command after `npm ci` in this folder (pm4js pinned in package-lock.json).
//   node dfg-pm4js.js LOG.csv OUT.json
'use strict';
const fs = require('fs');
require('pm4js');

const [logPath, outPath] = process.argv.slice(2);
if (!logPath || !outPath) {
  console.error('usage: node dfg-pm4js.js LOG.csv OUT.json');
  process.exit(2);
}
const seconds = (start) => Number(process.hrtime.bigint() - start) / 1e9;

let t = process.hrtime.bigint();
const text = fs.readFileSync(logPath, 'utf8');
const log = CsvImporter.apply(text);
const importSeconds = seconds(t);

t = process.hrtime.bigint();
const dfg = PerformanceDfgDiscovery.apply(log, 'concept:name', 'time:timestamp', 'median');
const variants = GeneralLogStatistics.getVariants(log, 'concept:name');
const discoverSeconds = seconds(t);

let events = 0;
for (const trace of log.traces) {
  events += trace.events.length;
}
fs.writeFileSync(outPath, JSON.stringify({
  pm4js: require('pm4js/package.json').version,
  node: process.version,
  importSeconds,
  discoverSeconds,
  cases: log.traces.length,
  events,
  edges: dfg.pathsFrequency,
  medianSeconds: dfg.pathsPerformance,
  start: dfg.startActivities,
  end: dfg.endActivities,
  variantCount: Object.keys(variants).length,
  variants,
  peakMb: process.resourceUsage().maxRSS / 1024,
}));
