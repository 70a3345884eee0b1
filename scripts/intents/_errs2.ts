import { IntentClassifier } from '../../main/engine/intents/classifier';
import { readIntentRows } from './rows';
import { predictRows } from './train';
const [file, model] = process.argv.slice(2);
const rows = readIntentRows(file);
const c = await IntentClassifier.load(model);
const pred = await predictRows(c, rows);
rows.forEach((r, i) => {
  const e = [...r.labels].sort().join('+') || 'none';
  const p = [...pred[i]].sort().join('+') || 'none';
  if (e !== p) console.log(`${e} -> ${p} | ${r.speaker} | ${r.text.slice(0, 150)}${r.prev ? ` || prev: ${r.prev.text.slice(0, 60)}` : ''}`);
});
await c.dispose();
