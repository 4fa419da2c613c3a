#!/usr/bin/env node
// The bulwark command. The code is built into ../dist by `npm run build` (run by `npm ci`).
import { run } from '../dist/main.js';

// A closed pipe (`bulwark analyze m.json | head`) ends the output quietly, as other tools do.
for (const stream of [process.stdout, process.stderr]) {
  stream.on('error', (error) => {
    if (error.code === 'EPIPE') process.exit(process.exitCode ?? 0);
    throw error;
  });
}

process.exitCode = await run(process.argv.slice(2));
