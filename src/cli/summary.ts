/** Printing an evaluation's results table and writing its summary JSON (the run folder's, and `--summary` if given). */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { formatTable, summaryJson, type Summary } from '../eval/report.js';
import { ensureRunDir } from '../store/run-dir.js';
import { writeOutputFile } from './output-file.js';

export function printSummary(s: Summary, file?: string): void {
  process.stdout.write(formatTable(s));
  const json = summaryJson(s);
  writeFileSync(join(ensureRunDir(s.run).dir, 'summary.json'), json);
  if (file) writeOutputFile(file, json, '--summary');
}
