import type { Registry } from 'prom-client'

// prom-client hashes the label set on every inc() and observe() (~1 µs
// each, more than the rest of a small request's metrics path). These keep
// plain counts keyed once per label set and hand prom-client the values
// only when it renders a scrape; the registry formats them as its own.

/** What prom-client's registry reads from a metric when it renders a scrape. */
interface Rendered {
  readonly name: string
  readonly help: string
  readonly type: 'counter' | 'histogram'
  readonly aggregator: 'sum'
  readonly values: { readonly labels: Record<string, string | number>; readonly value: number; readonly metricName?: string }[]
}

/** A counter whose label sets are counted in a Map: `inc` is a lookup and an add. */
export class FastCounter<L extends string> {
  readonly name: string
  readonly help: string
  readonly type = 'counter' as const
  readonly aggregator = 'sum' as const
  readonly #labelNames: readonly L[]
  readonly #counts = new Map<string, { labels: Record<L, string>; value: number }>()

  constructor(options: { name: string; help: string; labelNames: readonly L[]; registers: Registry[] }) {
    this.name = options.name
    this.help = options.help
    this.#labelNames = options.labelNames
    for (const r of options.registers) r.registerMetric(this as never)
  }

  /** Adds one to the label set of `values`, in `labelNames` order. */
  inc(...values: string[]): void {
    this.entry(...values).value++
  }

  /**
   * The count of one label set (created at 0), for a caller that keeps it:
   * adding to it later costs no key building and no lookup.
   */
  entry(...values: string[]): { value: number } {
    const key = values.join('\u0000')
    let entry = this.#counts.get(key)
    if (entry === undefined) this.#counts.set(key, (entry = { labels: Object.fromEntries(this.#labelNames.map((n, i) => [n, values[i]!])) as Record<L, string>, value: 0 }))
    return entry
  }

  async get(): Promise<Rendered> {
    return { name: this.name, help: this.help, type: this.type, aggregator: this.aggregator, values: [...this.#counts.values()].map((e) => ({ labels: e.labels, value: e.value })) }
  }

  /** Zeroes every count; the label sets stay, as callers may hold their entries. */
  reset(): void {
    for (const e of this.#counts.values()) e.value = 0
  }
}

/** A histogram by one label: per label value, bucket counts in a Float64Array. */
export class FastHistogram<L extends string> {
  readonly name: string
  readonly help: string
  readonly type = 'histogram' as const
  readonly aggregator = 'sum' as const
  readonly #label: L
  readonly #buckets: readonly number[]
  readonly #series = new Map<string, { counts: Float64Array; sum: number; count: number }>()

  constructor(options: { name: string; help: string; label: L; buckets: readonly number[]; registers: Registry[] }) {
    this.name = options.name
    this.help = options.help
    this.#label = options.label
    this.#buckets = options.buckets
    for (const r of options.registers) r.registerMetric(this as never)
  }

  observe(labelValue: string, value: number): void {
    this.observer(labelValue)(value)
  }

  /** Observes into the series of one label value, found once: for a caller that observes it again and again. */
  observer(labelValue: string): (value: number) => void {
    let s = this.#series.get(labelValue)
    if (s === undefined) this.#series.set(labelValue, (s = { counts: new Float64Array(this.#buckets.length), sum: 0, count: 0 }))
    const series = s
    return (value) => this.#add(series, value)
  }

  #add(s: { counts: Float64Array; sum: number; count: number }, value: number): void {
    const buckets = this.#buckets
    let i = 0
    while (i < buckets.length && value > buckets[i]!) i++
    if (i < buckets.length) s.counts[i]!++
    s.sum += value
    s.count++
  }

  async get(): Promise<Rendered> {
    const values: Rendered['values'] = []
    for (const [labelValue, s] of this.#series) {
      let cumulative = 0
      this.#buckets.forEach((le, i) => {
        cumulative += s.counts[i]!
        values.push({ metricName: `${this.name}_bucket`, labels: { le, [this.#label]: labelValue }, value: cumulative })
      })
      values.push({ metricName: `${this.name}_bucket`, labels: { le: '+Inf', [this.#label]: labelValue }, value: s.count })
      values.push({ metricName: `${this.name}_sum`, labels: { [this.#label]: labelValue }, value: s.sum })
      values.push({ metricName: `${this.name}_count`, labels: { [this.#label]: labelValue }, value: s.count })
    }
    return { name: this.name, help: this.help, type: this.type, aggregator: this.aggregator, values }
  }

  /** Zeroes every series; they stay, as callers may hold their observers. */
  reset(): void {
    for (const s of this.#series.values()) {
      s.counts.fill(0)
      s.sum = 0
      s.count = 0
    }
  }
}
