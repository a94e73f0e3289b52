import type { Command } from './command.js';

/** Commands beyond validate, score and test, one file each, registered here. */
export const extraCommands: Record<string, Command> = {};
