/**
 * The Porter stemmer as Lucene's PorterStemFilter applies it (Porter's reference algorithm with its published
 * departures: "bli"→"ble", "logi"→"log"; words of one or two letters are left alone). Written from the algorithm's
 * description; used by the analyzer so index and query terms match the original Lucene index.
 */
export function porterStem(word: string): string {
  if (word.length <= 2) return word;
  const b = word.split('');
  let k = b.length - 1;
  let j = 0;

  const cons = (i: number): boolean => {
    switch (b[i]) {
      case 'a': case 'e': case 'i': case 'o': case 'u': return false;
      case 'y': return i === 0 ? true : !cons(i - 1);
      default: return true;
    }
  };
  // m() counts vowel-consonant sequences in b[0..j].
  const m = (): number => {
    let n = 0;
    let i = 0;
    for (;;) { if (i > j) return n; if (!cons(i)) break; i++; }
    i++;
    for (;;) {
      for (;;) { if (i > j) return n; if (cons(i)) break; i++; }
      i++; n++;
      for (;;) { if (i > j) return n; if (!cons(i)) break; i++; }
      i++;
    }
  };
  const vowelInStem = (): boolean => { for (let i = 0; i <= j; i++) if (!cons(i)) return true; return false; };
  const doublec = (i: number): boolean => i >= 1 && b[i] === b[i - 1] && cons(i);
  const cvc = (i: number): boolean => {
    if (i < 2 || !cons(i) || cons(i - 1) || !cons(i - 2)) return false;
    const ch = b[i];
    return !(ch === 'w' || ch === 'x' || ch === 'y');
  };
  const ends = (s: string): boolean => {
    const l = s.length;
    const o = k - l + 1;
    if (o < 0) return false;
    for (let i = 0; i < l; i++) if (b[o + i] !== s[i]) return false;
    j = k - l;
    return true;
  };
  const setto = (s: string): void => {
    const o = j + 1;
    for (let i = 0; i < s.length; i++) b[o + i] = s[i];
    k = j + s.length;
    b.length = k + 1;
  };
  const r = (s: string): void => { if (m() > 0) setto(s); };

  // Step 1ab: plurals, -ed, -ing.
  if (b[k] === 's') {
    if (ends('sses')) k -= 2;
    else if (ends('ies')) setto('i');
    else if (b[k - 1] !== 's') k--;
  }
  if (ends('eed')) { if (m() > 0) k--; }
  else if ((ends('ed') || ends('ing')) && vowelInStem()) {
    k = j;
    if (ends('at')) setto('ate');
    else if (ends('bl')) setto('ble');
    else if (ends('iz')) setto('ize');
    else if (doublec(k)) {
      k--;
      const ch = b[k];
      if (ch === 'l' || ch === 's' || ch === 'z') k++;
    } else if (m() === 1 && cvc(k)) setto('e');
  }
  b.length = k + 1;
  // Step 1c: y → i when there is another vowel.
  if (ends('y') && vowelInStem()) b[k] = 'i';
  // Step 2: double suffixes.
  if (k > 0) {
    const rules2: Record<string, [string, string][]> = {
      a: [['ational', 'ate'], ['tional', 'tion']],
      c: [['enci', 'ence'], ['anci', 'ance']],
      e: [['izer', 'ize']],
      l: [['bli', 'ble'], ['alli', 'al'], ['entli', 'ent'], ['eli', 'e'], ['ousli', 'ous']],
      o: [['ization', 'ize'], ['ation', 'ate'], ['ator', 'ate']],
      s: [['alism', 'al'], ['iveness', 'ive'], ['fulness', 'ful'], ['ousness', 'ous']],
      t: [['aliti', 'al'], ['iviti', 'ive'], ['biliti', 'ble']],
      g: [['logi', 'log']],
    };
    for (const [suf, rep] of rules2[b[k - 1]] ?? []) if (ends(suf)) { r(rep); break; }
  }
  // Step 3: -ic-, -full, -ness, ...
  {
    const rules3: Record<string, [string, string][]> = {
      e: [['icate', 'ic'], ['ative', ''], ['alize', 'al']],
      i: [['iciti', 'ic']],
      l: [['ical', 'ic'], ['ful', '']],
      s: [['ness', '']],
    };
    for (const [suf, rep] of rules3[b[k]] ?? []) if (ends(suf)) { r(rep); break; }
  }
  // Step 4: -ant, -ence, ... when m > 1.
  if (k > 0) {
    const rules4: Record<string, string[]> = {
      a: ['al'], c: ['ance', 'ence'], e: ['er'], i: ['ic'], l: ['able', 'ible'], n: ['ant', 'ement', 'ment', 'ent'],
      o: ['ion', 'ou'], s: ['ism'], t: ['ate', 'iti'], u: ['ous'], v: ['ive'], z: ['ize'],
    };
    let hit = false;
    for (const suf of rules4[b[k - 1]] ?? []) {
      if (ends(suf)) {
        if (suf === 'ion' && !(j >= 0 && (b[j] === 's' || b[j] === 't'))) continue;
        hit = true;
        break;
      }
    }
    if (hit && m() > 1) k = j;
  }
  b.length = k + 1;
  // Step 5: final -e and -ll.
  j = k;
  if (b[k] === 'e') {
    const a = m();
    if (a > 1 || (a === 1 && !cvc(k - 1))) k--;
  }
  if (b[k] === 'l' && doublec(k) && m() > 1) k--;
  b.length = k + 1;
  return b.join('');
}
