import path from 'node:path';

/**
 * The layering rule of docs/architecture.md, as a lint rule: platform/ never imports an app,
 * and an app never imports another app (nor the list of installed apps). Imports are
 * resolved against the importing file, so the rule holds however deep the file sits.
 * (no-restricted-imports matches import strings, which for relative paths cannot tell
 * "../genads/x" from one app from "../captures/x" inside another.)
 */
const SRC = path.resolve(import.meta.dirname, '..', 'src');

function layerOf(file) {
  const rel = path.relative(SRC, file).split(path.sep);
  if (rel[0] === 'platform') return { layer: 'platform' };
  if (rel[0] === 'apps') return rel.length > 2 ? { layer: 'app', app: rel[1] } : { layer: 'apps-registry' };
  return { layer: 'other' };
}

const rule = {
  meta: {
    type: 'problem',
    docs: { description: 'platform/ never imports an app; an app never imports another app' },
    messages: {
      platformImportsApp: 'platform/ must not import from apps/ ("{{source}}"): give the platform an interface the app implements (see src/platform/apps.ts).',
      appImportsApp: 'The {{app}} app must not import from {{target}} ("{{source}}"): apps share code only through platform/.',
    },
    schema: [],
  },
  create(context) {
    const from = layerOf(context.filename);
    if (from.layer !== 'platform' && from.layer !== 'app') return {};
    const check = (node) => {
      const source = node.source?.value;
      if (typeof source !== 'string' || !source.startsWith('.')) return;
      const to = layerOf(path.resolve(path.dirname(context.filename), source));
      if (from.layer === 'platform' && (to.layer === 'app' || to.layer === 'apps-registry')) {
        context.report({ node: node.source, messageId: 'platformImportsApp', data: { source } });
      } else if (from.layer === 'app' && ((to.layer === 'app' && to.app !== from.app) || to.layer === 'apps-registry')) {
        context.report({ node: node.source, messageId: 'appImportsApp', data: { source, app: from.app, target: to.layer === 'app' ? `the ${to.app} app` : 'the list of installed apps' } });
      }
    };
    return { ImportDeclaration: check, ExportNamedDeclaration: check, ExportAllDeclaration: check, ImportExpression: check };
  },
};

export default { rules: { layering: rule } };
