export type {
  TestDatabase,
  TestDatabaseConfig,
  TestDatabaseResult,
  UnavailableTestDatabase,
} from './test-database.js';
export { createTestDatabase, fafSchemaPath, requireDatabase, suiteTitle } from './test-database.js';
export type { TestServer, TestServerLookup } from './test-server.js';
export { findTestServer, parseServerUrl } from './test-server.js';
export { closedPort, unreachableDatabaseOptions } from './closed-port.js';
