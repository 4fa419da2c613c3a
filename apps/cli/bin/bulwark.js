#!/usr/bin/env node
// The bulwark command. The code is built into ../dist by `npm run build` (run by `npm ci`).
import { run } from '../dist/main.js';

process.exitCode = await run(process.argv.slice(2));
