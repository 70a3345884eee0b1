import { IntentClassifier } from '../../main/engine/intents/classifier';
import { readIntentRows } from './rows';
import { predictRows } from './train';
const [file, model, lang] = process.argv.slice(2);
const rows = readIntentRows(file).filter((r) => r.lang === lang);
const c = await IntentClassifier.load(model);
const pred = await predictRows(c, rows);
const out: string[] = [];
rows.forEach((r, i) => {
  const e = [...r.labels].sort().join('+') || 'none';
  const p = [...pred[i]].sort().join('+') || 'none';
  if (e !== p) out.push(`${e} -> ${p} | ${r.speaker} | ${r.text} ${r.prev ? '|| prev: ' + r.prev.text : ''} [${r.template}]`);
});
console.log(out.sort().join('\n'));
await c.dispose();
