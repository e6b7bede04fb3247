export * from './errors.js';
export * from './game-id.js';
export * from './ports/index.js';
