#!/usr/bin/env node
// The packages ship TypeScript sources (no build step): tsx loads them.
import { register } from 'tsx/esm/api';

register();
await import('../src/main.ts');
