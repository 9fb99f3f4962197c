import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { extractGuidelinesText } from '../../../../src/apps/genads/guidelines/extract-text.js';
import { analyzeGuidelinesText, RulesGuidelinesAnalyzer } from '../../../../src/apps/genads/guidelines/rules-analyzer.js';
import { SAMPLE_GUIDELINES } from '../support/documents.js';
import { buildDocx } from './support/docx.js';
import { buildPdf } from '../support/pdf.js';

const DOCX = 'application/vnd.openxmlformats-officedocument.wordprocessingml.document' as const;

describe('RulesGuidelinesAnalyzer on real documents', () => {
  it('PDF → text → style: colours by prominence, tone, dos and donts', async () => {
    const text = await extractGuidelinesText(buildPdf({ pages: [SAMPLE_GUIDELINES] }), 'application/pdf');
    const { style, cost } = await new RulesGuidelinesAnalyzer().analyze(text);
    assert.equal(cost, 0);
    assert.deepEqual(style, {
      colors: ['#c9a227', '#111111', '#f5f0e6'],
      tone: 'elegant, sophisticated, timeless',
      dos: ['Use soft, warm lighting', 'Show luxury materials such as silk and marble'],
      donts: ['Avoid harsh neon colours', 'Never use cluttered backgrounds'],
      source: 'rules',
    });
  });

  it('DOCX with Word headings and list items (no bullet glyphs in the text)', async () => {
    const docx = buildDocx([
      { text: 'MAISON NOIR BRAND BOOK', style: 'Title' },
      { text: 'Brand Colours', style: 'Heading1' },
      { text: 'Primary palette', style: 'Heading2' },
      'Midnight Navy: HEX 1B2A4A',
      'Champagne: RGB 247, 231, 206',
      { text: 'Secondary palette', style: 'Heading2' },
      'Burgundy #800020, used for accents.',
      'We sometimes add rose gold accents, never silver.',
      { text: 'Tone of Voice', style: 'Heading1' },
      'Mysterious, sensual and bold. We never sound playful or cheap.',
      { text: "Do's and Don'ts", style: 'Heading1' },
      { text: 'Do', style: 'Heading2' },
      { text: 'Use candlelit, warm lighting', bullet: true },
      { text: 'Show the bottle on dark velvet or marble', bullet: true },
      { text: "Don't", style: 'Heading2' },
      { text: 'Use neon or harsh colours', bullet: true },
      { text: 'Show cluttered backgrounds', bullet: true },
      { text: 'Avoid people in the frame', bullet: true },
      { text: 'Typography', style: 'Heading1' },
      'Headlines are set in Playfair Display. Always place the logo in champagne or white. Never stretch the logo. Use of the monogram is restricted.',
    ]);
    const { style } = await new RulesGuidelinesAnalyzer().analyze(await extractGuidelinesText(docx, DOCX));
    assert.deepEqual(style.colors, ['#1b2a4a', '#f7e7ce', '#800020', '#b76e79'], 'primary codes, then secondary, then the colour word; silver is negated');
    assert.equal(style.tone, 'mysterious, sensual, bold');
    assert.deepEqual(style.dos, ['Use candlelit, warm lighting', 'Show the bottle on dark velvet or marble', 'Always place the logo in champagne or white']);
    assert.deepEqual(style.donts, ['Use neon or harsh colours', 'Show cluttered backgrounds', 'Avoid people in the frame', 'Never stretch the logo']);
  });

  it('PDF with wrapped prose, codes in parentheses and bulleted lists', async () => {
    const pdf = buildPdf({
      pages: [
        [
          'BRAND GUIDELINES 2024',
          'Introduction',
          'Lumière is a house of light. Founded in Paris, we craft fragrances that feel',
          'luminous, refined and quietly confident.',
          'Colour Palette',
          'Our primary colour is Champagne (#F7E7CE), supported by Noir (#0B0B0B)',
          'and a touch of Rose Gold (#B76E79) for highlights.',
        ],
        [
          'Photography',
          'Always shoot with natural daylight. Use soft shadows and clean surfaces.',
          'Never show the bottle next to food or drink.',
          'Do’s',
          '\u2022 Keep the composition airy and minimal',
          '\u2022 Let the bottle breathe with generous negative space',
          'Don’ts',
          '\u2022 Use heavy filters or vignettes',
          '\u2022 Crop the cap or the logo',
          'Contact',
          'press@lumiere.example',
        ],
      ],
    });
    const { style } = await new RulesGuidelinesAnalyzer().analyze(await extractGuidelinesText(pdf, 'application/pdf'));
    assert.deepEqual(style, {
      colors: ['#f7e7ce', '#0b0b0b', '#b76e79'],
      tone: 'refined, confident',
      dos: ['Always shoot with natural daylight', 'Use soft shadows and clean surfaces', 'Keep the composition airy and minimal', 'Let the bottle breathe with generous negative space'],
      donts: ['Never show the bottle next to food or drink', 'Use heavy filters or vignettes', 'Crop the cap or the logo'],
      source: 'rules',
    });
  });
});

describe('analyzeGuidelinesText: colours', () => {
  it('reads #abc, #aabbcc, #aabbccdd, rgb() and R/G/B forms as lower-case #rrggbb', () => {
    const { colors } = analyzeGuidelinesText(
      ['Colour palette', 'Accent one #FA0', 'Accent two #0A1B2CFF', 'Accent three rgb(201, 162, 39)', 'Accent four R 17 G 17 B 17', 'Accent five #aabbcc'].join('\n'),
    );
    assert.deepEqual(colors, ['#ffaa00', '#0a1b2c', '#c9a227', '#111111', '#aabbcc']);
  });

  it('names count only where the text talks about colour, not as perfume notes or idioms', () => {
    const { colors } = analyzeGuidelinesText(
      [
        'The fragrance opens with rose and amber over a black tie evening.',
        'Our signature colours are gold and ivory, with navy accents.',
      ].join('\n'),
    );
    assert.deepEqual(colors, ['#d4af37', '#fffff0', '#000080']);
  });

  it('a name labelling a code is that code, later mentions of the name too', () => {
    const { colors } = analyzeGuidelinesText(['Primary colour: Gold #C9A227.', 'Gold accents and gold tones everywhere, with blush accents.'].join('\n'));
    assert.deepEqual(colors, ['#c9a227', '#f4c2c2']);
  });

  it('primary and secondary mentions come before more frequent accents', () => {
    const { colors } = analyzeGuidelinesText(
      ['Accent colour #e5e4e2 appears often.', 'Accent #e5e4e2 again.', 'Accent #e5e4e2 once more.', 'Secondary colour: #222222.', 'Primary colour: #c9a227.'].join('\n'),
    );
    assert.deepEqual(colors, ['#c9a227', '#222222', '#e5e4e2']);
  });

  it('ignores colours in things to avoid and numbers that look like short codes', () => {
    const { colors } = analyzeGuidelinesText(['See rule #123 on page 4.', 'Our palette is champagne.', "Don'ts", '- Use red or #ff0000 colours'].join('\n'));
    assert.deepEqual(colors, ['#f7e7ce']);
  });

  it('is empty when the guidelines name no colour', () => {
    assert.deepEqual(analyzeGuidelinesText('We write in a warm, confident voice.').colors, []);
  });
});

describe('analyzeGuidelinesText: tone', () => {
  it('prefers what the text says about its voice over incidental adjectives', () => {
    const style = analyzeGuidelinesText(
      ['Our brand personality is playful and modern.', 'Photography uses warm light, warm skin tones and fresh flowers, fresh linen.'].join('\n'),
    );
    assert.equal(style.tone, 'playful, modern');
  });

  it('keeps at most four words, drops negated ones', () => {
    const style = analyzeGuidelinesText('Our voice is elegant, sensual, bold, timeless, romantic and refined, never playful.');
    assert.equal(style.tone, 'elegant, sensual, bold, timeless');
  });

  it('defaults to "elegant, sophisticated" and pads a single word', () => {
    assert.equal(analyzeGuidelinesText('Nothing about how we sound is written here.').tone, 'elegant, sophisticated');
    assert.equal(analyzeGuidelinesText('Our voice is bold.').tone, 'bold, elegant');
  });
});

describe('analyzeGuidelinesText: dos and donts', () => {
  it('reads list headings in their many spellings, inline rules and rule sentences', () => {
    const style = analyzeGuidelinesText(
      [
        'Photography',
        'Do’s:',
        '• Use soft, diffused lighting;',
        '2) Show luxury materials',
        '- Avoid flat front lighting',
        'DON’TS',
        '* cartoon or illustrated styles',
        'Do: keep the bottle centred',
        'Avoid: busy patterned backdrops',
        'Copy',
        'Headlines are short. Never use exclamation marks! Always write in the present tense.',
        'Use of the logo is described on page 9.',
      ].join('\n'),
    );
    assert.deepEqual(style.dos, ['Use soft, diffused lighting', 'Show luxury materials', 'Keep the bottle centred', 'Always write in the present tense']);
    assert.deepEqual(style.donts, ['Avoid flat front lighting', 'Cartoon or illustrated styles', 'Avoid busy patterned backdrops', 'Never use exclamation marks']);
  });

  it('joins a bullet wrapped onto the next PDF line and stops the list at the following prose', () => {
    const style = analyzeGuidelinesText(["Don'ts:", '- Never place the bottle on cluttered or', 'busy backgrounds', 'Our story began in Grasse in 1921.'].join('\n'));
    assert.deepEqual(style.donts, ['Never place the bottle on cluttered or busy backgrounds']);
    assert.deepEqual(style.dos, []);
  });

  it('deduplicates, caps at 8 and shortens long items to 200 characters', () => {
    const long = `Use ${'very '.repeat(60)}soft light`;
    const style = analyzeGuidelinesText(['Do', ...Array.from({ length: 12 }, (_, i) => `- Use idea number ${i}`), '- Use idea number 0.', ''].join('\n'));
    assert.equal(style.dos.length, 8);
    assert.equal(new Set(style.dos).size, 8);
    const [item] = analyzeGuidelinesText(`Do\n- ${long}`).dos;
    assert.ok(item.length <= 200, `${item.length}`);
    assert.match(item, /^Use very very .*…$/);
  });
});
