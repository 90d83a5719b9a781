#!/usr/bin/env node
// Prints the README's configuration table from the settings list (run after `npm run build`).
const { SETTINGS } = await import('../dist/src/config/settings.js');
const cell = (text) => String(text).replaceAll('|', '\\|');
const rows = SETTINGS.map((s) => {
  const def = s.default === '' ? '(empty)' : `\`${s.default}\``;
  const secret = s.secret ? ' (secret: masked in output)' : '';
  return `| \`${s.env}\` | \`${s.key}\` | ${def} | ${cell(s.allowed)} | ${cell(s.description)}${secret} |`;
});
console.log(['| variable | JSON key | default | allowed | meaning |', '|---|---|---|---|---|', ...rows].join('\n'));
