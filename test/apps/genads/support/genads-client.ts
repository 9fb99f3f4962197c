import type { LightMyRequestResponse } from 'fastify';
import type { TestPlatform, TestUser } from '../../../support/platform.js';
import { multipartForm, type FormFilePart } from '../../../support/multipart.js';
import { SAMPLE_GUIDELINES } from './documents.js';
import { buildPdf } from './pdf.js';
import { bottlePhoto, logoPng } from './images.js';

const PDF = 'application/pdf';

/** Calls to the GenAds API as a user, with the multipart forms the seed's endpoints take. */
export class GenAdsClient {
  constructor(private readonly t: TestPlatform, public readonly user: TestUser) {}

  form(method: 'POST' | 'PUT', url: string, fields: Record<string, string>, files: FormFilePart[]): Promise<LightMyRequestResponse> {
    const { payload, contentType } = multipartForm(fields, files);
    return this.t.server.inject({ method, url, payload, headers: { 'content-type': contentType, authorization: `Bearer ${this.user.token}` } });
  }

  get(url: string) {
    return this.t.request('GET', url, { token: this.user.token });
  }

  send(method: 'POST' | 'PUT' | 'DELETE', url: string, body?: unknown) {
    return this.t.request(method, url, { token: this.user.token, body });
  }

  async onboardForm(brandName: string, overrides: { logo?: FormFilePart | null; guidelines?: FormFilePart | null } = {}) {
    const files: FormFilePart[] = [];
    const logo = overrides.logo === undefined ? { field: 'logo', filename: 'logo.png', type: 'image/png', data: await logoPng() } : overrides.logo;
    const guidelines = overrides.guidelines === undefined ? { field: 'guidelines', filename: 'guidelines.pdf', type: PDF, data: buildPdf({ pages: [SAMPLE_GUIDELINES] }) } : overrides.guidelines;
    if (logo) files.push(logo);
    if (guidelines) files.push(guidelines);
    return this.form('POST', '/genads/api/brands/onboard', { brand_name: brandName }, files);
  }

  async onboard(brandName: string) {
    const res = await this.onboardForm(brandName);
    if (res.statusCode !== 201) throw new Error(`onboarding failed: ${res.statusCode} ${res.body}`);
    return res.json();
  }

  async perfumeForm(fields: Record<string, string>, images: Record<string, Buffer>) {
    const files = Object.entries(images).map(([angle, data]) => ({ field: `${angle}_image`, filename: `${angle}.png`, type: 'image/png', data }));
    return this.form('POST', '/genads/api/perfumes', fields, files);
  }

  async createPerfume(name: string, gender = 'feminine', extra: Record<string, Buffer> = {}) {
    const res = await this.perfumeForm({ perfume_name: name, perfume_gender: gender }, { front: await bottlePhoto(), ...extra });
    if (res.statusCode !== 201) throw new Error(`perfume creation failed: ${res.statusCode} ${res.body}`);
    return res.json();
  }

  async createCampaign(perfumeId: string, overrides: Record<string, unknown> = {}) {
    const res = await this.send('POST', '/genads/api/campaigns', {
      perfume_id: perfumeId,
      campaign_name: 'Summer Launch',
      creative_prompt: 'A golden sunset over the sea, warm and sensual, for evenings out',
      selected_style: 'gold_luxe',
      target_duration: 15,
      num_variations: 1,
      ...overrides,
    });
    if (res.statusCode !== 201) throw new Error(`campaign creation failed: ${res.statusCode} ${res.body}`);
    return res.json();
  }
}
