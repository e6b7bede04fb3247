#!/usr/bin/env node
import { callerDirectory } from './caller-directory.js';
import { runCli } from './cli.js';

process.chdir(callerDirectory(process.env, process.cwd()));
process.exitCode = await runCli(process.argv.slice(2), process.env);
