import { FakeHttpServer, type FakeReply, type FakeRequest } from '../../social/fakes/fake-server.js';

/**
 * A local NocoDB speaking the v2 REST API brandkit's importer reads: `xc-token` auth, table
 * metadata per base (GET /api/v2/meta/bases/{baseId}/tables → {list: [{id, title,
 * table_name}]}) and paged records (GET /api/v2/tables/{tableId}/records?offset&limit&sort →
 * {list, pageInfo: {totalRows, page, pageSize, isFirstPage, isLastPage}}), limit capped at
 * 1000 like NocoDB's default. Error bodies are NocoDB's ({msg}). Faults from FakeHttpServer.
 */

export class FakeNocoDb {
  readonly token = 'nc-test-token';
  readonly baseId = 'p_wizard01';
  readonly http = new FakeHttpServer('nocodb');
  /** title → { id, rows }. */
  readonly tables = new Map<string, { id: string; rows: Array<Record<string, unknown>> }>();
  private seq = 0;

  addTable(title: string, rows: Array<Record<string, unknown>>): string {
    const id = `m${(++this.seq).toString(36).padStart(8, 'x')}`;
    this.tables.set(title, { id, rows: rows.map((r, i) => ({ Id: i + 1, ...r })) });
    return id;
  }

  async start(): Promise<string> {
    const guard = (h: (req: FakeRequest) => FakeReply) => (req: FakeRequest) => (req.headers['xc-token'] === this.token ? h(req) : { status: 401, json: { msg: 'Authentication required - Invalid token' } });
    this.http.route('GET', '/api/v2/meta/bases/:base/tables', guard((req) => (req.params.base === this.baseId ? { json: { list: [...this.tables].map(([title, t]) => ({ id: t.id, title, table_name: `nc_${title.toLowerCase().replace(/\W+/g, '_')}`, type: 'table' })) } } : { status: 404, json: { msg: `Base '${req.params.base}' not found` } })));
    this.http.route('GET', '/api/v2/tables/:table/records', guard((req) => this.records(req)));
    return this.http.start();
  }

  close(): Promise<void> {
    return this.http.close();
  }

  get baseUrl(): string {
    return this.http.baseUrl;
  }

  private records(req: FakeRequest): FakeReply {
    const table = [...this.tables.values()].find((t) => t.id === req.params.table);
    if (!table) return { status: 404, json: { msg: `Table '${req.params.table}' not found` } };
    const offset = Number(req.query.get('offset') ?? 0);
    const limit = Math.min(1000, Number(req.query.get('limit') ?? 25));
    if (!Number.isInteger(offset) || offset < 0 || !Number.isInteger(limit) || limit < 1) return { status: 400, json: { msg: 'Invalid offset or limit' } };
    const sorted = req.query.get('sort') === 'Id' ? [...table.rows].sort((a, b) => Number(a.Id) - Number(b.Id)) : table.rows;
    const list = sorted.slice(offset, offset + limit);
    return { json: { list, pageInfo: { totalRows: table.rows.length, page: Math.floor(offset / limit) + 1, pageSize: limit, isFirstPage: offset === 0, isLastPage: offset + limit >= table.rows.length } } };
  }
}
