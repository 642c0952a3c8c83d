#!/usr/bin/env node
// The `sextant` command. A committed file (not dist/cli.js itself), so that `npm ci` can link the
// command before `npm run build` has produced dist/.
import '../dist/cli.js';
