import { FakeHttpServer, type FakeReply, type FakeRequest } from '../../social/fakes/fake-server.js';

/**
 * A local GoHighLevel API v2 (services.leadconnectorhq.com) for one location: Bearer token
 * bound to the location, the `Version` header required, contacts with GHL's upsert rule (an
 * existing contact with the same email, else the same phone, is updated, not duplicated),
 * PUT /contacts/{id}, and contact custom fields per location (list with ?model=contact,
 * create). Error bodies look like GHL's ({statusCode, message}). Faults (429, 5xx, slow
 * answers) come from FakeHttpServer.
 */

export interface FakeContact {
  id: string;
  locationId: string;
  email?: string;
  phone?: string;
  name?: string;
  firstName?: string;
  lastName?: string;
  tags: string[];
  source?: string;
  customFields: Array<{ id: string; value: string }>;
  dateAdded: string;
  dateUpdated: string;
}

export class FakeGhl {
  readonly token = 'pit-test-token';
  readonly locationId = 'loc_TEST123';
  readonly http = new FakeHttpServer('ghl');
  readonly contacts = new Map<string, FakeContact>();
  readonly customFields: Array<{ id: string; name: string; fieldKey: string; dataType: string; model: string }> = [];
  /** Every accepted POST /contacts/upsert, in order: whose email, and whether it made a contact. */
  readonly upserts: Array<{ email?: string; contactId: string; created: boolean }> = [];
  private readonly waiters: Array<{ email: string; resolve: (contact: FakeContact) => void }> = [];
  private seq = 0;

  async start(): Promise<string> {
    const guard = (handler: (req: FakeRequest) => FakeReply) => (req: FakeRequest) => this.guard(req) ?? handler(req);
    this.http.route('POST', '/contacts/upsert', guard((req) => this.upsert(req)));
    this.http.route('PUT', '/contacts/:id', guard((req) => this.update(req)));
    this.http.route('GET', '/contacts/:id', guard((req) => (this.contacts.has(req.params.id) ? { json: { contact: this.contacts.get(req.params.id) } } : { status: 404, json: { statusCode: 404, message: 'Contact not found' } })));
    this.http.route('GET', '/locations/:loc/customFields', guard((req) => this.location(req) ?? { json: { customFields: this.customFields.filter((f) => (req.query.get('model') ?? 'contact') === f.model) } }));
    this.http.route('POST', '/locations/:loc/customFields', guard((req) => this.location(req) ?? this.createField(req)));
    return this.http.start();
  }

  close(): Promise<void> {
    return this.http.close();
  }

  get baseUrl(): string {
    return this.http.baseUrl;
  }

  /** Resolves with the contact at the first upsert of this email (at once if it came already). */
  upserted(email: string): Promise<FakeContact> {
    const done = this.upserts.find((u) => u.email === email.toLowerCase());
    if (done) return Promise.resolve(this.contacts.get(done.contactId)!);
    return new Promise((resolve) => this.waiters.push({ email: email.toLowerCase(), resolve }));
  }

  fieldValue(contact: FakeContact, name: string): string | undefined {
    const field = this.customFields.find((f) => f.name === name);
    return contact.customFields.find((c) => c.id === field?.id)?.value;
  }

  private guard(req: FakeRequest): FakeReply | undefined {
    if (req.bearer() !== this.token) return { status: 401, json: { statusCode: 401, message: 'Invalid JWT' } };
    if (req.headers.version !== '2021-07-28') return { status: 400, json: { statusCode: 400, message: 'Version header was not found' } };
    return undefined;
  }

  private location(req: FakeRequest): FakeReply | undefined {
    return req.params.loc === this.locationId ? undefined : { status: 403, json: { statusCode: 403, message: 'The token does not have access to this location.' } };
  }

  private id(prefix: string): string {
    return `${prefix}${String(++this.seq).padStart(6, '0')}`;
  }

  private apply(contact: FakeContact, body: Record<string, unknown>): FakeReply | undefined {
    for (const k of ['email', 'phone', 'name', 'firstName', 'lastName', 'source'] as const) if (typeof body[k] === 'string') contact[k] = body[k] as string;
    if (Array.isArray(body.tags)) contact.tags = [...new Set([...contact.tags, ...(body.tags as string[])])];
    if (Array.isArray(body.customFields)) {
      for (const cf of body.customFields as Array<{ id?: string; field_value?: unknown }>) {
        if (!cf.id || !this.customFields.some((f) => f.id === cf.id)) return { status: 422, json: { statusCode: 422, message: [`customFields: unknown custom field id ${cf.id}`], error: 'Unprocessable Entity' } };
        contact.customFields = contact.customFields.filter((c) => c.id !== cf.id).concat({ id: cf.id, value: String(cf.field_value) });
      }
    }
    contact.dateUpdated = new Date().toISOString();
    return undefined;
  }

  private upsert(req: FakeRequest): FakeReply {
    const body = req.json<Record<string, unknown>>();
    if (body.locationId !== this.locationId) return { status: 403, json: { statusCode: 403, message: 'The token does not have access to this location.' } };
    const email = typeof body.email === 'string' ? body.email.toLowerCase() : undefined;
    const phone = typeof body.phone === 'string' ? body.phone : undefined;
    if (email && !/^[^@\s]+@[^@\s]+\.[^@\s]+$/.test(email)) return { status: 422, json: { statusCode: 422, message: ['email must be an email'], error: 'Unprocessable Entity' } };
    if (!email && !phone) return { status: 400, json: { statusCode: 400, message: 'Either email or phone is required' } };
    const all = [...this.contacts.values()].filter((c) => c.locationId === this.locationId);
    let contact = (email && all.find((c) => c.email === email)) || (phone && all.find((c) => c.phone === phone)) || undefined;
    const created = !contact;
    if (!contact) {
      const now = new Date().toISOString();
      contact = { id: this.id('ct_'), locationId: this.locationId, tags: [], customFields: [], dateAdded: now, dateUpdated: now };
    }
    const bad = this.apply(contact, { ...body, ...(email ? { email } : {}) });
    if (bad) return bad;
    this.contacts.set(contact.id, contact);
    this.upserts.push({ email, contactId: contact.id, created });
    for (const w of this.waiters.filter((x) => x.email === email)) w.resolve(contact);
    this.waiters.splice(0, this.waiters.length, ...this.waiters.filter((x) => x.email !== email));
    return { status: created ? 201 : 200, json: { new: created, contact, traceId: this.id('tr_') } };
  }

  private update(req: FakeRequest): FakeReply {
    const contact = this.contacts.get(req.params.id);
    if (!contact) return { status: 404, json: { statusCode: 404, message: 'Contact not found' } };
    const body = req.json<Record<string, unknown>>();
    if ('locationId' in body) return { status: 422, json: { statusCode: 422, message: ['property locationId should not exist'], error: 'Unprocessable Entity' } };
    const bad = this.apply(contact, body);
    return bad ?? { json: { succeded: true, contact } };
  }

  private createField(req: FakeRequest): FakeReply {
    const body = req.json<{ name?: string; dataType?: string; model?: string }>();
    if (!body.name || !body.dataType) return { status: 422, json: { statusCode: 422, message: ['name should not be empty', 'dataType should not be empty'] } };
    if (this.customFields.some((f) => f.name === body.name)) return { status: 400, json: { statusCode: 400, message: 'Custom field with this name already exists' } };
    const field = { id: this.id('cf_'), name: body.name, fieldKey: `contact.${body.name.toLowerCase().replace(/\W+/g, '_')}`, dataType: body.dataType, model: body.model ?? 'contact' };
    this.customFields.push(field);
    return { status: 201, json: { customField: field } };
  }
}
