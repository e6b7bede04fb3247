import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { FastifyInstance } from 'fastify';
import { matchesEtag } from './segment-etags.js';

interface PageFile {
  readonly url: string;
  readonly type: string;
  readonly body: Buffer;
  readonly etag: string;
}

const publicDir = new URL('../public/', import.meta.url);

/**
 * The live-games page: plain HTML, one script and one stylesheet, read once and served from
 * memory. `watchAddress` fills the page's `gpgnet://` lines (the page's host when empty).
 */
export function registerPageRoutes(app: FastifyInstance, watchAddress: string | undefined): void {
  const files = [
    pageFile('/', 'index.html', 'text/html; charset=utf-8', (html) =>
      html.replace('content="{{watchAddress}}"', `content="${escapeAttribute(watchAddress ?? '')}"`),
    ),
    pageFile('/live-games.js', 'live-games.js', 'text/javascript; charset=utf-8'),
    pageFile('/live-games.css', 'live-games.css', 'text/css; charset=utf-8'),
  ];
  for (const file of files) {
    app.route({
      method: ['GET', 'HEAD'],
      url: file.url,
      schema: { hide: true },
      handler: (request, reply) => {
        reply.header('cache-control', 'no-cache').header('etag', file.etag).type(file.type);
        if (matchesEtag(request.headers['if-none-match'], file.etag)) return reply.code(304).send();
        return reply.send(file.body);
      },
    });
  }
}

function pageFile(url: string, name: string, type: string, edit?: (text: string) => string): PageFile {
  const text = readFileSync(new URL(name, publicDir), 'utf8');
  const body = Buffer.from(edit === undefined ? text : edit(text));
  return { url, type, body, etag: `"${createHash('sha256').update(body).digest('base64url').slice(0, 22)}"` };
}

function escapeAttribute(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;');
}
