/**
 * Test support: reads the expected-output blocks out of ci-dnf-stack's behave feature files, so
 * the files stay byte-for-byte copies and each test names the scenario it takes its text from.
 */
export function featureBlock(feature: string, scenario: string, nth = 0): string {
  const lines = feature.split('\n');
  const start = lines.findIndex((l) => l.includes(scenario));
  if (start === -1) throw new Error(`scenario not found: ${scenario}`);
  let seen = -1;
  for (let i = start + 1; i < lines.length; i++) {
    const open = lines[i] ?? '';
    if (open.trim() !== '"""') continue;
    seen++;
    const indent = open.length - open.trimStart().length;
    const body: string[] = [];
    let j = i + 1;
    for (; j < lines.length && (lines[j] ?? '').trim() !== '"""'; j++) body.push((lines[j] ?? '').slice(indent));
    if (seen === nth) {
      return body.filter((l) => l.trim() !== '<REPOSYNC>').join('\n') + '\n';
    }
    i = j;
  }
  throw new Error(`block ${nth} of scenario ${scenario} not found`);
}
