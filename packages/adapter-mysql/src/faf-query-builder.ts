import {
  DummyDriver,
  Kysely,
  MysqlAdapter,
  MysqlIntrospector,
  MysqlQueryCompiler,
  type DatabaseConnection,
} from 'kysely';
import type { FafSchema } from './faf-schema.js';

/** Kysely only builds and compiles here; `FafDatabase` runs the compiled queries. */
class CompileOnlyDriver extends DummyDriver {
  override acquireConnection(): Promise<DatabaseConnection> {
    return Promise.reject(
      new Error('fafQueryBuilder only compiles queries: run them with FafDatabase.select/write'),
    );
  }
}

/**
 * A query builder for the FAF schema that never executes anything itself, so that one place
 * (`FafDatabase`) owns timeouts, retries and error translation for every query.
 */
export const fafQueryBuilder: Kysely<FafSchema> = new Kysely<FafSchema>({
  dialect: {
    createAdapter: () => new MysqlAdapter(),
    createDriver: () => new CompileOnlyDriver(),
    createIntrospector: (db) => new MysqlIntrospector(db),
    createQueryCompiler: () => new MysqlQueryCompiler(),
  },
});
