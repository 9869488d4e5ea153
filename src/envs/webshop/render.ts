/**
 * Page rendering in the original's simple text mode: the visible text strings of its HTML templates, in document
 * order, each stripped, joined with " [SEP] ". Strings the HTML parser would drop are dropped the same way (an empty
 * field has no text node; a whitespace-only one without a newline survives as an empty string). Each page also
 * lists its clickables as the original collects them: button texts and product links lower-cased, then option
 * values.
 */
import { pyFloat } from './catalogue.js';
import type { Product } from './types.js';

export type SubPage = 'description' | 'features' | 'reviews' | 'attributes';
export const SUB_PAGES: readonly SubPage[] = ['description', 'features', 'reviews', 'attributes'];

export type Clickable = { kind: 'button' } | { kind: 'link'; asin: string } | { kind: 'option'; name: string };

export interface Rendered {
  texts: string[];
  clickables: Map<string, Clickable>;
}

export const SEP = ' [SEP] ';

/** One text node as BeautifulSoup yields it and the observation keeps it (undefined: not in the observation). */
function node(s: string): string | undefined {
  if (s === '') return undefined;
  if (/^[ \t\n\r\f]*$/.test(s)) return s.includes('\n') ? undefined : '';
  return s.trim();
}

class Page {
  texts: string[] = [];
  clickables = new Map<string, Clickable>();
  text(s: string): this { const t = node(s); if (t !== undefined) this.texts.push(t); return this; }
  button(label: string): this { this.text(label); this.clickables.set(label.toLowerCase(), { kind: 'button' }); return this; }
  done(): Rendered { return { texts: this.texts, clickables: this.clickables }; }
}

const header = (p: Page, instruction: string) => p.text('Instruction:').text(instruction).button('Back to Search');

export function searchPage(instruction: string): Rendered {
  return new Page().text('WebShop').text('Instruction: ').text(instruction).button('Search').done();
}

export function resultsPage(instruction: string, page: number, total: number, shown: Product[]): Rendered {
  const p = header(new Page(), instruction);
  p.text(`Page ${page} (Total results: ${total})`);
  if (page > 1) p.button('< Prev');
  p.button('Next >'); // the reference template always offers it, even on the last page
  for (const item of shown) {
    p.text(item.asin);
    p.clickables.set(item.asin.toLowerCase(), { kind: 'link', asin: item.asin });
    p.text(item.Title).text(item.Price);
  }
  return p.done();
}

export interface ItemView { showAttributes?: boolean; selected?: Record<string, string>; showSelected?: boolean }

export function itemPage(instruction: string, product: Product, view: ItemView = {}): Rendered {
  const p = header(new Page(), instruction).button('< Prev');
  const radios: [string, Clickable][] = [];
  for (const [name, values] of Object.entries(product.options)) {
    p.text(name);
    for (const v of values) { p.text(v); radios.push([v, { kind: 'option', name }]); }
    const chosen = view.selected?.[name];
    if (view.showSelected && chosen !== undefined) p.text(`Selected: ${chosen}`);
  }
  p.text(product.Title).text(`Price: ${product.Price}`).text(`Rating: ${product.Rating}`);
  p.button('Description').button('Features').button('Reviews');
  if (view.showAttributes) p.button('Attributes');
  p.button('Buy Now');
  for (const [v, c] of radios) p.clickables.set(v, c);
  return p.done();
}

export function subPage(instruction: string, product: Product, which: SubPage): Rendered {
  const p = header(new Page(), instruction).button('< Prev');
  switch (which) {
    case 'description': p.text(product.Description); break;
    case 'features': for (const b of product.BulletPoints) p.text(` ${b}`); break;
    case 'reviews':
      for (const r of product.Reviews) {
        p.text(`"${r.title ?? ''}"`).text(String(r.score ?? '')).text(r.body ?? '');
      }
      break;
    case 'attributes':
      for (const a of product.Attributes) p.text(` ${a}`);
      p.text(product.category).text(product.query).text(product.product_category);
      break;
  }
  return p.done();
}

/** The page after "Buy Now" (the reference's page also carries hidden debugging text, left out here). */
export function donePage(reward: number): Rendered {
  return new Page().text('Thank you for shopping with us!').text('Your score (min 0.0, max 1.0)').text(pyFloat(reward)).done();
}

export const observation = (r: Rendered): string => r.texts.join(SEP);
