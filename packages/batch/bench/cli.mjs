#!/usr/bin/env node
// What apps/cli does with this package: a commander program with the batch verbs registered.
import { Command } from 'commander';
import { registerBatchCommands } from '../dist/cli-commands.js';

const program = new Command('jsfunc');
registerBatchCommands(program);
await program.parseAsync(process.argv);
