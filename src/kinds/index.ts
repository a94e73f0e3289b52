import type { AnyRuleKind } from './define.js';
import { bonus } from './bonus.js';
import { check } from './check.js';
import { checklist } from './checklist.js';
import { count } from './count.js';
import { deduct } from './deduct.js';
import { levels } from './levels.js';
import { projects } from './projects.js';
import { rate } from './rate.js';
import { states } from './states.js';
import { sum } from './sum.js';
import { tiers } from './tiers.js';

/** The built-in rule kinds, in the order they are documented. */
export const builtinKinds: readonly AnyRuleKind[] = [check, tiers, states, rate, count, deduct, levels, bonus, projects, checklist, sum];

export { bonus, check, checklist, count, deduct, levels, projects, rate, states, sum, tiers };
