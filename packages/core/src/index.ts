export * from './errors.js';
export * from './game-id.js';
export * from './ports/index.js';
export * from './protocol/index.js';
export * from './streams/index.js';
export * from './merge/index.js';
export * from './replay/index.js';
export * from './standalone/index.js';
