import { batch } from './batch.js';
import type { Command } from './command.js';
import { diff } from './diff.js';
import { exportCommand } from './export.js';
import { planCommand } from './plan.js';
import { reportCommand } from './report.js';
import { schema } from './schema.js';
import { template } from './template.js';

/** Commands beyond validate, score and test, one file each, registered here. */
export const extraCommands: Record<string, Command> = { template, batch, schema, export: exportCommand, diff, plan: planCommand, report: reportCommand };
