// @ts-check
// The deployment helpers (the container HEALTHCHECK) are plain Node ES modules like the CI
// scripts: the same untyped config (ESLint looks a file's config up from its folder).
export { default } from '../.ci/eslint.config.js';
