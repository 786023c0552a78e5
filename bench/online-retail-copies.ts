import { createReadStream, createWriteStream } from 'node:fs';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

export const ONLINE_RETAIL = fileURLToPath(
  new URL('../../shared/data/online_retail_uci/online_retail.csv', import.meta.url),
);

/** Online Retail `copies` times over, each copy's invoices and customers shifted so that they are new orders and people. */
export async function copiesOfOnlineRetail(target: string, copies: number): Promise<void> {
  const out = createWriteStream(target);
  for (let copy = 0; copy < copies; copy++) {
    const lines = createInterface({ input: createReadStream(ONLINE_RETAIL), crlfDelay: Infinity });
    let first = true;
    for await (const line of lines) {
      if (first) {
        first = false;
        if (copy === 0) out.write(`${line}\n`);
        continue;
      }
      const comma = line.indexOf(',');
      const invoice = line.slice(0, comma);
      const cancelled = invoice.startsWith('C');
      const shifted = `${cancelled ? 'C' : ''}${Number(cancelled ? invoice.slice(1) : invoice) + copy * 1_000_000}`;
      // CustomerID is the second-to-last field, written like 17850.0 or empty.
      const fields = line.slice(comma).split(',');
      const customer = fields[fields.length - 2];
      if (customer) fields[fields.length - 2] = String(Number(customer) + copy * 100_000);
      if (!out.write(`${shifted}${fields.join(',')}\n`))
        await new Promise<void>((resolve) => out.once('drain', () => resolve()));
    }
  }
  await new Promise<void>((resolve) => out.end(() => resolve()));
}
