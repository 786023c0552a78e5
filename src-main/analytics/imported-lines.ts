/**
 * The order lines an import has just written, as customer_metrics needs them: the value of each order's valid lines
 * (valid-orders.ts: positive quantity and price) and the products they hold. The rebuild that ends the import takes
 * them from here rather than reading back what was just written (half a second for Online Retail's 541,909 lines).
 */
export class ImportedLines {
  /** Per order with lines in this import: the value of its valid lines; 0 when none is valid. */
  readonly valueByOrder = new Map<number, number>();
  /** order id × PRODUCT_SPAN + product id of each valid line (valid-orders.ts: positive quantity and price). */
  readonly orderProducts = new PairBuffer();

  /** Lines with a larger id than `writtenAfter` are this import's; older lines of its orders were deleted. */
  constructor(readonly writtenAfter: number) {}

  addProduct(orderId: number, productId: number): void {
    this.orderProducts.push(orderId * PRODUCT_SPAN + productId);
  }

  /** Once per order, when the import finishes. */
  setOrderValue(orderId: number, value: number): void {
    this.valueByOrder.set(orderId, value);
  }
}

/** Pairs of ids packed in doubles, one per line: eight bytes each, where a JS array of them costs more and grows in copies. */
export class PairBuffer {
  private values = new Float64Array(1 << 16);
  private length = 0;

  push(pair: number): void {
    if (this.length === this.values.length) {
      const grown = new Float64Array(Math.ceil(this.values.length * 1.5));
      grown.set(this.values);
      this.values = grown;
    }
    this.values[this.length++] = pair;
  }

  /** Replaces each pair by what `map` makes of it, in place, dropping those it maps to null. */
  remap(map: (pair: number) => number | null): void {
    let kept = 0;
    for (let i = 0; i < this.length; i++) {
      const mapped = map(this.values[i] ?? 0);
      if (mapped !== null) this.values[kept++] = mapped;
    }
    this.length = kept;
  }

  /** The pairs sorted, in the buffer's own memory. */
  sorted(): Float64Array {
    return this.values.subarray(0, this.length).sort();
  }
}

/** Product ids stay below 2^26 (67 million) and order ids below 2^27, so a pair is an exact double. */
export const PRODUCT_SPAN = 2 ** 26;
