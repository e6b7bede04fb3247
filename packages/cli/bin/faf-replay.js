#!/usr/bin/env node
// The bin links to this file, which exists before the build (pnpm links bins at install time).
import '../dist/main.js';
