#!/usr/bin/env node
// The `tenantry` command (package.json "bin"). It loads the TypeScript CLI in this same
// process through tsx's loader, so signals (SIGTERM from a container runtime, Ctrl-C) reach
// the server directly and it drains in-flight requests; `npx tsx …` would put a wrapper
// process in between.
import { register } from 'tsx/esm/api';

register();
await import('../src/cli/main.ts');
