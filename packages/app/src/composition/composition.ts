import { Container } from 'inversify';
import type { Token } from './tokens.js';

/** Resolves a token to its (singleton) value, typed by the token. */
export type Resolve = <T>(token: Token<T>) => T;

/**
 * The inversify container behind typed tokens: every binding is a factory of plain classes,
 * and every lookup's type comes from its token, never from a type argument at the call site.
 */
export class Composition {
  readonly #container = new Container({ defaultScope: 'Singleton' });

  bind<T>(token: Token<T>, build: (resolve: Resolve) => T): void {
    this.#container
      .bind<T>(token.id)
      .toDynamicValue((context) => build(<U>(dependency: Token<U>) => context.get<U>(dependency.id)));
  }

  constant<T>(token: Token<T>, value: T): void {
    this.#container.bind<T>(token.id).toConstantValue(value);
  }

  get<T>(token: Token<T>): T {
    return this.#container.get<T>(token.id);
  }
}
