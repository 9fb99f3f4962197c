/** Brand guidelines with everything the analyzers look for: hex colours, a voice, do's and don'ts. */
export const SAMPLE_GUIDELINES = [
  'Maison Aurum Brand Guidelines',
  'Primary colour: Gold #C9A227. Secondary colour: Deep Black #111111. Accent: Ivory #F5F0E6.',
  'Our voice is elegant, sophisticated and timeless.',
  "Do's:",
  '- Use soft, warm lighting',
  '- Show luxury materials such as silk and marble',
  "Don'ts:",
  '- Avoid harsh neon colours',
  '- Never use cluttered backgrounds',
];
